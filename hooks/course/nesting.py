"""How deep the build in progress is nested: mkdocs-static-i18n builds each other language from within
the default language's post-build event, so the hooks that act once per run (the PDFs, the audit) act
when the outermost build ends. Counted by hooks/build_nesting.py, for every hook to read."""

from __future__ import annotations

# Without that hook the PDFs and the audit would act after every language: they refuse to build.
MISSING_HOOK = "mkdocs.yml: hooks must list hooks/build_nesting.py (the PDFs and the audit act once per run)"


class BuildNesting:
    def __init__(self):
        self.depth = 0  # builds in progress in this process: 2 while the English one runs

    def enter(self) -> None:
        self.depth += 1

    def leave(self) -> None:
        self.depth = max(0, self.depth - 1)

    def reset(self) -> None:
        """A build failed: none is in progress any more (`mkdocs serve` builds again in the same process)."""
        self.depth = 0

    @property
    def counted(self) -> bool:
        """A build is in progress and hooks/build_nesting.py counted it."""
        return self.depth > 0

    @property
    def outermost(self) -> bool:
        return self.depth == 1

    @property
    def nested(self) -> bool:
        return self.depth > 1


BUILDS = BuildNesting()
