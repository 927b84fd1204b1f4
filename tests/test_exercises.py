"""Every question of a TP has a correction after it."""

from course.exercises import check_exercises

ANSWERED = """# TP

## 1. Étape

**Question** : combien de Pods ?

??? correction
    Trois.

Questions :

1. Pourquoi ?

??? correction "Réponse"
    Parce que.
"""


def test_answered_questions_pass():
    report = check_exercises(ANSWERED, page="p.md")
    assert (report.questions, report.corrections, report.unanswered) == (2, 2, [])


def test_a_question_left_without_correction_is_reported_at_its_line():
    text = "# TP\n\n## 1. A\n\nQuestion : pourquoi ?\n\n## 2. B\n\nQuestion : et là ?\n\n??? correction\n    Oui.\n"
    assert check_exercises(text, page="p.md").unanswered == [5]


def test_two_questions_sharing_one_correction_report_the_first():
    text = "Question : un ?\n\nQuestion : deux ?\n\n??? correction\n    Les deux.\n"
    assert check_exercises(text, page="p.md").unanswered == [1]


def test_questions_in_code_blocks_are_not_exercises():
    text = "```text\nQuestion : ceci est une sortie\n```\n"
    assert check_exercises(text, page="p.md").questions == 0


def test_the_last_question_of_a_page_needs_its_correction_too():
    assert check_exercises("# TP\n\nQuestion : fin ?\n", page="p.md").unanswered == [3]
