"""Spelling: what counts as prose, the word lists, hunspell's verdicts with line numbers."""

import pytest

from course import spelling


def words(markdown: str) -> list[str]:
    return [word.text for word in spelling.prose_words(markdown)]


# --- With hunspell -------------------------------------------------------------------------------


def test_a_misspelt_french_word_is_reported_with_its_line():
    page = (
        "# Cours : les nœuds\n\nUn cluster contient des nœuds.\nChaque nœud exécute un conteneur.\n"
    )
    page += "Le sheduler choisit le nœud.\n"
    report = spelling.check_spelling({"docs/cours.md": page})
    assert [item.format() for item in report.unknown] == [
        "docs/cours.md:5: unknown word «sheduler»"
    ]
    assert report.words == len(words(page))


def test_a_word_of_the_project_list_is_not_reported():
    page = "Installez kubectl, puis minikube : Kubectl parle à l’API de Kubernetes.\n"
    assert spelling.check_spelling({"docs/outils.md": page}).unknown == []


def test_a_word_list_in_another_folder_is_used(tmp_path):
    (tmp_path / "fr.txt").write_text("monsterstack\n", encoding="utf-8")
    page = "Déployez monsterstack.\n"
    assert spelling.check_spelling({"p.md": page}, words_dir=tmp_path).unknown == []
    assert spelling.check_spelling({"p.md": "Déployez monsterstak.\n"}, words_dir=tmp_path).unknown


def test_french_elisions_and_hyphenated_words_are_not_false_positives():
    page = (
        "L’image qu’un conteneur utilise, c’est-à-dire l'image d’Argo CD, n’est-elle pas là ?\n"
        "Peut-être : créez-le, puis vérifiez-vous celui-ci aujourd’hui jusqu’à demain.\n"
    )
    assert spelling.check_spelling({"docs/p.md": page}).unknown == []


def test_english_pages_use_the_english_dictionary():
    pages = {"docs/p.en.md": "Let's deploy the cluster.\n", "docs/p.md": "Deploy the cluster.\n"}
    report = spelling.check_spelling(pages)
    assert {(item.path, item.word) for item in report.unknown} == {
        ("docs/p.md", "Deploy"),
        ("docs/p.md", "the"),
    }


def test_a_foreign_word_in_italics_is_accepted_but_not_in_roman():
    french = "Le plan de contrôle (*control plane*) décide.\nLe control plane décide.\n"
    english = "The labs (*travaux pratiques*) come with their *corections*.\n"
    report = spelling.check_spelling({"docs/p.md": french, "docs/p.en.md": english})
    assert [(item.path, item.line, item.word) for item in report.unknown] == [
        ("docs/p.en.md", 1, "corections"),
        ("docs/p.md", 2, "control"),
    ]


def test_a_missing_dictionary_stops_the_check_with_a_message():
    with pytest.raises(spelling.SpellingError, match="xx_XX"):
        spelling.hunspell_unknown(["mot"], "xx_XX")


# --- Prose ---------------------------------------------------------------------------------------


def test_code_front_matter_comments_and_urls_are_not_prose():
    page = """---
title: Titre ignoré
---
# Les fichiers

Lancez `kubectl get pods` puis ouvrez https://kubernetes.io/docs ou <https://k8s.io>.
<!-- commentaire
sur deux lignes -->
Voyez [la page](../autre/page.md#ancre) et ![un schéma](images/schema.svg).
Éditez deployment.yaml dans /etc/kubernetes, apps/v1 ou <span class="x">texte</span>.
Tapez ++ctrl+c++ :material-check: { #ancre .classe }

```yaml title="ignoré"
motcodé: 1
```
"""
    assert (
        words(page)
        == (
            "Les fichiers Lancez puis ouvrez ou Voyez la page et un schéma "
            "Éditez dans ou texte Tapez"
        ).split()
    )


def test_admonition_and_tab_headers_keep_only_their_titles():
    page = '??? correction monsterstack-final "Manifestes complets"\n!!! note\n=== "minikube"\n'
    assert words(page) == ["Manifestes", "complets", "minikube"]


def test_italics_are_told_from_bold_bullets_and_identifiers():
    page = "* liste *File* > _Open_ et **gras *mot* gras** MY_VAR\n"
    assert [(word.text, word.italic) for word in spelling.prose_words(page)] == [
        ("File", True),
        ("Open", True),
        ("mot", True),
        ("liste", False),
        ("et", False),
        ("gras", False),
        ("gras", False),
    ]


def test_identifiers_with_digits_or_underscores_are_not_words():
    assert words("Avec k3s, en v1, le 2e nœud et MY_VAR.") == ["Avec", "en", "le", "nœud", "et"]


def test_line_numbers_follow_the_page():
    page = "Un\n\n```bash\nls\n```\nDeux <!-- x\ny -->Trois\n"
    assert [(word.line, word.text) for word in spelling.prose_words(page)] == [
        (1, "Un"),
        (6, "Deux"),
        (7, "Trois"),
    ]


# --- Word lists ----------------------------------------------------------------------------------


def test_listed_words_accept_a_capital_at_the_start_of_a_sentence_but_not_other_cases():
    accepted = frozenset({"kubectl", "Kubernetes", "ConfigMap"})
    assert spelling.is_listed("Kubectl", accepted, "fr")
    assert spelling.is_listed("KUBECTL", accepted, "fr")
    assert spelling.is_listed("d’Kubernetes", accepted, "fr")
    assert spelling.is_listed("ConfigMap’s", accepted, "en")
    assert not spelling.is_listed("kubernetes", accepted, "fr")
    assert not spelling.is_listed("Configmap", accepted, "fr")


def listed(name: str) -> list[str]:
    return (spelling.WORDS_DIR / name).read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("name", ["fr.txt", "en.txt"])
def test_the_project_word_lists_are_sorted_and_unique(name):
    # The order of `LC_ALL=C sort -u`: by bytes, which for UTF-8 is by code point.
    lines = listed(name)
    assert lines == sorted(set(lines)), f"run: LC_ALL=C sort -u -o {name} {name}"
    assert all(line and line == line.strip() for line in lines)


@pytest.mark.parametrize(("name", "dictionary"), [("fr.txt", "fr_FR"), ("en.txt", "en_US")])
def test_the_word_lists_hold_only_what_the_dictionaries_lack(name, dictionary):
    words = listed(name)
    known = set(words) - spelling.hunspell_unknown(words, dictionary)
    assert known == set(), f"{dictionary} already knows these: drop them from {name}"


def test_no_word_is_in_both_lists():
    # en.txt is accepted on French pages too: a word in both lists is a word too many.
    assert set(listed("fr.txt")) & set(listed("en.txt")) == set()
