"""One word per notion: report the words the course has chosen not to use.

The table of `WRITING.md` ("Vocabulary") says, for each notion, the word the
course uses and the words it does not; `AVOIDED` below is its "not" column. Only
the prose of French pages is read (the same prose as the spelling check: code,
URLs, paths, link targets and HTML are left out), so `kubectl get pods` or
`app=demo-pod` in code never counts.

Two kinds of words:

- French words the course replaced (`planificateur`, `sonde de vie`…) and
  misspelt forms (`on premise`): reported everywhere, italics included;
- English words the course translates (`registry`, `ingress controller`):
  reported in running text, but accepted in italics, where typography puts a
  foreign word given as a gloss: « registres d'images (*registries*) ».

`pod` is reported in lower case only: the kind is written `Pod`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from course.spelling import _ITALIC, page_language, prose, text_lines


@dataclass(frozen=True)
class AvoidedWord:
    """One line of the table: the pattern of the words not to use, and what to write instead."""

    pattern: re.Pattern[str]
    say: str
    gloss_allowed: bool = False  # accepted in italics, as a foreign gloss


@dataclass(frozen=True)
class VocabularyFinding:
    path: str
    line: int
    found: str
    say: str

    def format(self) -> str:
        return f"{self.path}:{self.line}: «{self.found}»: write «{self.say}» (WRITING.md, Vocabulary)"


def check_vocabulary(pages: Mapping[str, str]) -> list[VocabularyFinding]:
    """Every avoided word of the French pages, given as {path: markdown}, in page and line order."""
    findings = []
    for path, markdown in pages.items():
        if page_language(path) != "fr":
            continue
        findings += [VocabularyFinding(path, line, found, say) for line, found, say in avoided_words(markdown)]
    return sorted(findings, key=lambda finding: (finding.path, finding.line))


def avoided_words(markdown: str) -> list[tuple[int, str, str]]:
    """(line, word found, word to write) for each avoided word of a page's prose."""
    found = []
    for number, line in text_lines(markdown):
        text = prose(line)
        running_text = _ITALIC.sub(" ", text)
        for avoided in AVOIDED:
            where = running_text if avoided.gloss_allowed else text
            found += [(number, match.group(), avoided.say) for match in avoided.pattern.finditer(where)]
    return sorted(found)


# --- Data ----------------------------------------------------------------------------------------

# The "not" column of WRITING.md's table, with what its "say" column gives instead.
AVOIDED = (
    AvoidedWord(re.compile(r"\bpods?\b"), "Pod"),
    AvoidedWord(re.compile(r"\bplanificat(?:eur|rice)s?\b", re.IGNORECASE), "ordonnanceur"),
    AvoidedWord(
        re.compile(r"\bsondes? de vie\b", re.IGNORECASE),
        "sonde de vivacité (livenessProbe)",
    ),
    AvoidedWord(
        re.compile(r"\bdéploiements? progressifs?\b", re.IGNORECASE),
        "mise à jour progressive",
    ),
    AvoidedWord(re.compile(r"\bon[- ]prem(?:ise)?\b", re.IGNORECASE), "*on-premises*"),
    AvoidedWord(
        re.compile(r"\bpackag(?:er|ez|eons|ent|eant|é|ée|és|ées)\b", re.IGNORECASE),
        "empaqueter",
    ),
    AvoidedWord(re.compile(r"\bregistr(?:y|ies)\b"), "registre d'images", gloss_allowed=True),
    AvoidedWord(
        re.compile(r"\bingress[- ]controllers?\b", re.IGNORECASE),
        "contrôleur Ingress",
        gloss_allowed=True,
    ),
)
