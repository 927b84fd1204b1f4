"""Spell-check the prose of the course's Markdown pages with hunspell.

A page is French (`fr_FR`) unless its name ends in `.en.md` (`en_US`), the
suffix mkdocs-static-i18n gives translations. Only prose is checked: front
matter, code blocks, inline code, keyboard keys, URLs, e-mail addresses, file
names and paths (anything with a dot or a slash inside), HTML tags and
comments, link targets, attribute lists, emoji shortcodes and the type and
identifier of admonition headers are left out. Words holding a digit or an
underscore (`k3s`, `v1`, `2e`, `MY_VAR`) are identifiers, not prose: left out.

French typography sets foreign words in italics, and so do the pages
(*control plane*, *travaux pratiques*): a word in italics is also accepted
when the other language's dictionary knows it.

The project's word lists, in `words/`, hold what the dictionaries lack: one word
per line, kept sorted with `LC_ALL=C sort -u`.

- `en.txt`: words right in English that en_US lacks (product names, Kubernetes
  kinds and vocabulary: kubectl, ConfigMap, namespace); accepted on every page,
  since French prose names them too;
- `fr.txt`: words right in French prose that fr_FR and en.txt lack: French
  words (réplica) and the English words en_US knows (Deployment, runtime, Helm).

A listed word is accepted as written, and capitalised or in capitals when it
is listed in lower case; after a French elision (`d’Argo`, `l’API`) or before
an English possessive (`PPA’s`) too; ’ and ' are the same apostrophe. Every
word the lists lack is sent once, for all pages, to hunspell.
"""

from __future__ import annotations

import re
import subprocess
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from course.markdown import fenced_blocks

WORDS_DIR = Path(__file__).parent / "words"


class SpellingError(RuntimeError):
    """hunspell is missing or failed: the check cannot run."""


@dataclass(frozen=True)
class Word:
    line: int  # 1-based line in the page
    text: str
    italic: bool = False


@dataclass(frozen=True)
class UnknownWord:
    path: str
    line: int
    word: str

    def format(self) -> str:
        return f"{self.path}:{self.line}: unknown word «{self.word}»"


@dataclass(frozen=True)
class SpellingReport:
    words: int  # words checked, on every page
    unknown: list[UnknownWord]


# --- Pages ---------------------------------------------------------------------------------------


def check_spelling(pages: Mapping[str, str], *, words_dir: Path = WORDS_DIR) -> SpellingReport:
    """Check pages given as {path: markdown}; unknown words are reported where they occur."""
    words_by_page = {path: prose_words(text) for path, text in pages.items()}
    unknown: list[UnknownWord] = []
    for language, paths in _paths_by_language(words_by_page).items():
        located = [(path, word) for path in paths for word in words_by_page[path]]
        rejected = unknown_words({word.text for _, word in located}, language, words_dir)
        # Typography sets foreign words in italics (*control plane*, *travaux pratiques*):
        # an italic word is also accepted when the other language knows it.
        italic = {word.text for _, word in located if word.italic} & rejected
        foreign = unknown_words(italic, OTHER_LANGUAGE[language], words_dir)
        unknown += [
            UnknownWord(path, word.line, word.text)
            for path, word in located
            if word.text in (foreign if word.italic else rejected)
        ]
    unknown.sort(key=lambda item: (item.path, item.line))
    total = sum(len(words) for words in words_by_page.values())
    return SpellingReport(words=total, unknown=unknown)


def page_language(path: str) -> str:
    return "en" if path.endswith(".en.md") else "fr"


def _paths_by_language(words_by_page: Mapping[str, list[Word]]) -> dict[str, list[str]]:
    grouped = defaultdict(list)
    for path in words_by_page:
        grouped[page_language(path)].append(path)
    return grouped


def unknown_words(words: Iterable[str], language: str, words_dir: Path = WORDS_DIR) -> set[str]:
    """The words that neither the project's lists nor hunspell's dictionary know."""
    accepted = word_list(language, words_dir)
    candidates = sorted(word for word in set(words) if not is_listed(word, accepted, language))
    return hunspell_unknown(candidates, DICTIONARIES[language])


def is_listed(word: str, accepted: frozenset[str], language: str) -> bool:
    word = word.replace("’", "'")
    forms = {word, _ELISION.sub("", word) if language == "fr" else _POSSESSIVE.sub("", word)}
    return any(_listed_form(form, accepted) for form in forms)


def _listed_form(word: str, accepted: frozenset[str]) -> bool:
    if word in accepted:
        return True
    # A lower-case entry also stands for the word starting a sentence, or in capitals.
    lowered = word.lower()
    return lowered in accepted and (word.isupper() or word == lowered.capitalize())


# --- Prose ---------------------------------------------------------------------------------------


def prose_words(markdown: str) -> list[Word]:
    """The words of a page's prose, with their line numbers and whether they are in italics."""
    return [
        Word(number, token, italic)
        for number, line in text_lines(markdown)
        for italic, text in _emphasis_runs(prose(line))
        for token in _TOKEN.findall(text)
        if not _IDENTIFIER.search(token)
    ]


def _emphasis_runs(text: str) -> Iterator[tuple[bool, str]]:
    """(True, text) for each run in italics, then (False, the rest of the line)."""
    for match in _ITALIC.finditer(text):
        yield True, match.group("text")
    yield False, _ITALIC.sub(" ", text)


def text_lines(markdown: str) -> Iterator[tuple[int, str]]:
    """(line number, text) of the lines outside front matter, code blocks and HTML comments.

    Inline code is blanked out; the rest of the Markdown is left as it is.
    """
    lines = markdown.splitlines()
    hidden = _front_matter_lines(lines)
    for block in fenced_blocks(markdown):
        hidden.update(range(block.first_line, block.last_line + 1))
    in_comment = False
    for number, line in enumerate(lines, start=1):
        if number in hidden:
            continue
        line, in_comment = _without_comments(line, in_comment)
        yield number, _INLINE_CODE.sub(" ", line)


def _front_matter_lines(lines: list[str]) -> set[int]:
    if not lines or lines[0].strip() != "---":
        return set()
    for index, line in enumerate(lines[1:], start=2):
        if line.strip() in ("---", "..."):
            return set(range(1, index + 1))
    return set()


def _without_comments(line: str, in_comment: bool) -> tuple[str, bool]:
    """The line without HTML comments, and whether a comment is still open at its end."""
    kept = ""
    while line:
        if in_comment:
            end = line.find("-->")
            if end < 0:
                return kept, True
            line, in_comment = line[end + 3 :], False
        else:
            start = line.find("<!--")
            if start < 0:
                return kept + line, False
            kept, line, in_comment = kept + line[:start] + " ", line[start + 4 :], True
    return kept, in_comment


def prose(line: str) -> str:
    """A line of Markdown with everything that is not prose replaced by spaces."""
    for pattern, replacement in _NOT_PROSE:
        line = pattern.sub(replacement, line)
    return line


# --- hunspell ------------------------------------------------------------------------------------


def hunspell_unknown(words: list[str], dictionary: str) -> set[str]:
    """The words hunspell does not know, asked in one run for all of them.

    One word per line with `-L`, which prints back the lines holding a misspelling:
    each word keeps its verdict even where hunspell splits it (en_US splits on
    hyphens). The pipe mode (`-a`) would do the same but computes suggestions,
    two hundred times slower on the French dictionary.
    """
    if not words:
        return set()
    try:
        result = subprocess.run(
            ["hunspell", "-L", "-i", "utf-8", "-d", dictionary],
            input="".join(f"{word}\n" for word in words),
            capture_output=True,
            text=True,
            encoding="utf-8",
            check=False,
        )
    except FileNotFoundError:
        raise SpellingError(
            "hunspell is not installed: apt-get install hunspell hunspell-fr hunspell-en-us"
        ) from None
    if result.returncode != 0:
        raise SpellingError(f"hunspell -d {dictionary} failed: {result.stderr.strip()}")
    return set(result.stdout.splitlines()) & set(words)


@cache
def word_list(language: str, words_dir: Path = WORDS_DIR) -> frozenset[str]:
    """The project's words accepted on a page in this language."""
    words: set[str] = set()
    for name in WORD_LISTS[language]:
        path = words_dir / name
        if path.is_file():
            text = path.read_text(encoding="utf-8").replace("’", "'")
            words.update(line.strip() for line in text.splitlines())
    words.discard("")
    return frozenset(words)


# --- Data ----------------------------------------------------------------------------------------

DICTIONARIES = {"fr": "fr_FR", "en": "en_US"}
WORD_LISTS = {"fr": ("fr.txt", "en.txt"), "en": ("en.txt",)}
OTHER_LANGUAGE = {"fr": "en", "en": "fr"}

# A word: letters and digits, joined by apostrophes, hyphens or underscores
# (l’image, peut-être, MY_VAR), so each is judged whole.
_TOKEN = re.compile(r"[^\W_]+(?:['’_-][^\W_]+)*")
_IDENTIFIER = re.compile(r"[\d_]")
_ELISION = re.compile(r"^(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu|quoiqu|presqu)'", re.IGNORECASE)
_POSSESSIVE = re.compile(r"'s$")
# *italique* or _italique_: not **gras**, not a list bullet (`* item`), not snake_case.
_ITALIC = re.compile(
    r"(?<![*_\w])(?P<mark>[*_])(?![\s*_])(?P<text>[^*_]+?)(?<![\s*_])(?P=mark)(?![*_\w])"
)
_INLINE_CODE = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)")

# Applied in this order: link targets go before URLs, URLs before paths.
_NOT_PROSE = [
    (re.compile(r"\+\+[^\s+]+(?:\+[^\s+]+)*\+\+"), " "),  # keys: ++ctrl+c++
    (re.compile(r"^\s*(?:!!!|\?\?\?\+?)[^\"]*"), " "),  # admonition type and identifier
    (re.compile(r"^\s*\[[^\]]+\]:\s.*$"), " "),  # reference definition: [id]: url
    (re.compile(r"^\s*\*\[[^\]]+\]:"), " "),  # abbreviation: *[API]: definition
    (re.compile(r"^\s*--8<--.*$"), " "),  # snippet inclusion
    (re.compile(r"\]\([^)]*\)"), "]"),  # inline link or image target
    (re.compile(r"\]\[[^\]]*\]"), "]"),  # reference link label
    (re.compile(r"\[\^[^\]]+\]"), " "),  # footnote reference
    (re.compile(r"<(?:https?|mailto):[^>]*>"), " "),  # autolink
    (re.compile(r"\b(?:https?|ftp)://\S+|\bwww\.\S+"), " "),  # bare URL
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), " "),  # e-mail address
    (re.compile(r"</?[A-Za-z][^>]*>"), " "),  # HTML tag
    (re.compile(r"&#?\w+;"), " "),  # HTML entity
    (re.compile(r"\{[^{}]*\}"), " "),  # attribute list: { #id .class }
    (re.compile(r":[a-z0-9]+(?:[-_+][a-z0-9]+)*:"), " "),  # emoji shortcode
    (re.compile(r"\S*/\S*"), " "),  # path or API version: /etc/hosts, apps/v1
    (re.compile(r"[\w-]+(?:\.[\w-]+)+"), " "),  # file or domain name: app.yaml, k8s.io
]
