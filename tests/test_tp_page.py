"""TP pages: questions numbered like their corrections, optional parts badged, steps marked."""

from __future__ import annotations

from lxml import html as lxml_html

from course.tp_page import badge_optional_title, decorate_tp_page

PAGE = """
<h2 id="1-deployer">1. Déployer</h2>
<p>Question : combien de réplicas ?</p>
<details class="correction" id="correction-3-4"><summary>Correction 3.4</summary><p>Question piège : deux.</p></details>
<p><strong>Questions :</strong> pourquoi ? comment ?</p>
<div class="correction correction-withheld" id="correction-3-5"><p>Correction 3.5</p></div>
<p>Questionner les logs n'est pas une question.</p>
<h2 id="8-facultatif">8. Facultatif : sondes de santé<a class="headerlink" href="#8-facultatif">¶</a></h2>
<details class="info"><summary>Facultatif : le DNS</summary><p>Texte.</p></details>
<h3 id="option-a">Option A : pousser l'image</h3>
"""


def _root(fragment):
    return lxml_html.fragment_fromstring(fragment, create_parent="div")


def test_each_question_takes_the_number_of_the_correction_after_it():
    root = _root(decorate_tp_page(PAGE, steps=True))
    questions = root.xpath("//p[contains(@class, 'course-question')]")
    assert [q.get("id") for q in questions] == ["question-3-4", "question-3-5"]
    assert questions[0].text_content() == "Question 3.4 : combien de réplicas ?"
    assert questions[1].text_content() == "Questions 3.5 : pourquoi ? comment ?"
    assert root.xpath("//p[contains(@class, 'course-question')]//span[@class='course-question-label']/text()") == [
        "Question 3.4",
        "Questions 3.5",
    ]
    # Text inside a correction and words that only start with "Question" are left alone.
    assert "Question piège" in root.xpath("//details[@id='correction-3-4']")[0].text_content()
    assert root.xpath("//p[starts-with(., 'Questionner')]/@class") == []


def test_a_question_without_a_correction_after_it_keeps_its_word_without_number():
    root = _root(decorate_tp_page("<p>Question: why?</p>", steps=False))
    (question,) = root.xpath("//p")
    assert question.text_content() == "Question: why?"
    assert question.get("class") == "course-question" and question.get("id") is None


def test_optional_parts_get_a_badge_in_headings_and_block_titles():
    root = _root(decorate_tp_page(PAGE, steps=True))
    heading = root.xpath("//h2[@id='8-facultatif']")[0]
    assert "course-optional" in heading.get("class")
    assert heading.xpath("span[@class='course-optional-badge']/text()") == ["Facultatif"]
    assert heading.text_content() == "8. Facultatif sondes de santé¶"
    details = root.xpath("//details[contains(@class, 'info')]")[0]
    assert "course-optional" in details.get("class")
    assert details.xpath("summary/span[@class='course-optional-badge']/text()") == ["Facultatif"]
    assert root.xpath("//h3[@id='option-a']/@class") == []


def test_numbered_steps_are_marked_on_tp_pages_only():
    marked = _root(decorate_tp_page(PAGE, steps=True))
    assert marked.xpath("//h2[@data-course-step]/@data-course-step") == ["1", "8"]
    plain = _root(decorate_tp_page(PAGE, steps=False))
    assert plain.xpath("//*[@data-course-step]") == []


def test_table_of_contents_titles_get_the_same_badge():
    assert badge_optional_title("8. Facultatif : sondes") == (
        '8. <span class="course-optional-badge">Facultatif</span> sondes'
    )
    assert badge_optional_title("Optional: lint") == '<span class="course-optional-badge">Optional</span> lint'
    assert badge_optional_title("3. Construire") is None
