"""Chapters are numbered by their folders, in nav order, gaps allowed."""

import pytest

from course.chapters import ChapterError, chapters_from_sections


def test_numbers_come_from_the_folders_and_may_skip():
    chapters = chapters_from_sections(
        [
            ("Accueil", ["index.md", "00-accueil/introduction.md"]),
            ("Premiers pas", ["01-premiers-pas/cours.md"]),
            ("Architecture", ["10-architecture-securite/cours.md"]),
        ]
    )
    assert [(c.number, c.slug) for c in chapters] == [
        (0, "00-accueil"),
        (1, "01-premiers-pas"),
        (10, "10-architecture-securite"),
    ]


def test_a_chapter_out_of_order_is_refused():
    with pytest.raises(ChapterError, match="must come after chapter 10"):
        chapters_from_sections(
            [
                ("Accueil", ["00-accueil/a.md"]),
                ("Architecture", ["10-architecture-securite/a.md"]),
                ("Premiers pas", ["01-premiers-pas/a.md"]),
            ]
        )


def test_the_first_section_is_chapter_zero():
    with pytest.raises(ChapterError, match="must be chapter 00"):
        chapters_from_sections([("Premiers pas", ["01-premiers-pas/a.md"])])


def test_a_folder_without_a_number_is_refused():
    with pytest.raises(ChapterError, match="must be named 'NN-<slug>'"):
        chapters_from_sections([("Accueil", ["00-accueil/a.md"]), ("Divers", ["divers/a.md"])])
