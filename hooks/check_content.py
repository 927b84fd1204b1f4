"""Check the course content: every manifest valid for Kubernetes, the prose spelt right.

    .venv/bin/python hooks/check_content.py [--only manifests|exercises|tp-files|renders|spelling|vocabulary]
        [--config FILE] [--tools-dir DIR] [DOCS_DIR]

DOCS_DIR defaults to the repository's docs/, and the Kubernetes version to
`extra.kubernetes_version` of the repository's mkdocs.yml, wherever the command
runs from. Each failure is printed on its own line, `docs/…/page.md:LINE: …`,
then one summary line per check; the exit status is 1 when anything failed.
See course/manifests.py, course/exercises.py, course/tp_files.py, course/renders.py,
course/spelling.py and course/vocabulary.py for what is checked.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from course import exercises, manifests, renders, spelling, tp_files, vocabulary
from course.corrections import CorrectionError, scan_corrections
from course.markdown import CodeBlock
from course.site import read_mkdocs_yaml

ROOT = Path(__file__).resolve().parent.parent
CHECKS = ("manifests", "exercises", "tp-files", "renders", "spelling", "vocabulary")
VERSION_KEY = "extra.kubernetes_version"


class ContentError(Exception):
    """The check cannot run (a missing folder, a bad setting); the message says what to fix."""


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        pages = read_pages(args.docs_dir)
    except ContentError as error:
        print(f"error: {error}")
        return 1
    results = []
    if args.only in (None, "manifests"):
        results.append(run_manifests(pages, config=args.config))
    if args.only in (None, "exercises"):
        results.append(run_exercises(pages))
    if args.only in (None, "tp-files"):
        results.append(run_tp_files(pages, docs_dir=args.docs_dir, config=args.config))
    if args.only in (None, "renders"):
        results.append(run_renders(docs_dir=args.docs_dir, config=args.config, tools_dir=args.tools_dir))
    if args.only in (None, "spelling"):
        results.append(run_spelling(pages))
    if args.only in (None, "vocabulary"):
        results.append(run_vocabulary(pages))
    return 0 if all(results) else 1


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Check the manifests, exercises, spelling and vocabulary of docs/."
    )
    parser.add_argument("--only", choices=CHECKS, help="run a single check")
    parser.add_argument(
        "--config",
        type=Path,
        default=ROOT / "mkdocs.yml",
        help=f"the mkdocs.yml holding {VERSION_KEY} (default: the repository's)",
    )
    parser.add_argument(
        "--tools-dir",
        type=Path,
        default=ROOT / ".venv" / "tools",
        help="where `make tools` put kubectl and helm, for the renders check (default: .venv/tools)",
    )
    parser.add_argument(
        "docs_dir",
        nargs="?",
        type=Path,
        default=ROOT / "docs",
        metavar="DOCS_DIR",
        help="the folder of Markdown pages (default: the repository's docs/)",
    )
    return parser.parse_args(argv)


def read_pages(docs_dir: Path) -> dict[str, str]:
    """{label: markdown} of every page, labelled as `docs/…/page.md` (relative to docs' parent)."""
    if not docs_dir.is_dir():
        raise ContentError(f"{docs_dir}: no such folder of Markdown pages")
    base = docs_dir.resolve().parent
    tp_dir = docs_dir.resolve() / tp_files.TP_FOLDER
    pages = {}
    for path in sorted(docs_dir.resolve().rglob("*.md")):
        if path.is_relative_to(tp_dir):
            continue  # TP files, not pages (checked by run_tp_files)
        label = path.relative_to(base).as_posix()
        try:
            pages[label] = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as error:
            raise ContentError(f"{label}: not UTF-8 text ({error.reason})") from None
    return pages


# --- Checks --------------------------------------------------------------------------------------


def run_manifests(pages: dict[str, str], *, config: Path) -> bool:
    try:
        version = kubernetes_version(config)
    except ContentError as error:
        print(f"manifests: cannot run: {error}")
        return False
    report = manifests.Report()
    for label, markdown in pages.items():
        page = manifests.check_page(markdown, kubernetes_version=version)
        for problem in page.problems:
            print(problem.format(label))
        report.add(page)
    counts = ", ".join(f"{number(report.counts[name])} {name}" for name in manifests.CATEGORIES)
    print(f"manifests: {counts} (Kubernetes {version})")
    return not report.problems


def run_exercises(pages: dict[str, str]) -> bool:
    questions = corrections = 0
    unanswered = []
    for label, markdown in pages.items():
        try:
            report = exercises.check_exercises(markdown, page=label)
        except CorrectionError as error:
            unanswered.append(str(error))
            continue
        questions += report.questions
        corrections += report.corrections
        unanswered += [f"{label}:{line}: question without a '??? correction' after it" for line in report.unanswered]
    for problem in unanswered:
        print(problem)
    print(f"exercises: {number(questions)} questions, {number(corrections)} corrections, "
          f"{number(len(unanswered))} unanswered")
    return not unanswered


def run_tp_files(pages: dict[str, str], *, docs_dir: Path, config: Path) -> bool:
    """The folders of docs/tp/: pages name only existing ones, manifests valid, answers identical."""
    tp_dir = docs_dir.resolve() / tp_files.TP_FOLDER
    base = docs_dir.resolve().parent
    folders = tp_files.list_folders(tp_dir)
    problems: list[str] = []
    answers: dict[str, str] = {}
    try:
        tp_files.check_folder_names(folders)
        answers = tp_files.parse_settings(_extra(config).get("tp_files"), folders=folders)
    except (tp_files.TpFilesError, ContentError) as error:
        problems.append(f"{config.name}: {error}")
    for label, markdown in pages.items():
        problems += tp_files.missing_folders(markdown, page=label, folders=folders)
    report = manifests.Report()
    try:
        version = kubernetes_version(config)
    except ContentError as error:
        print(f"tp files: cannot run: {error}")
        return False
    try:
        files = tp_files.yaml_files(tp_dir)
    except tp_files.TpFilesError as error:
        problems.append(str(error))
        files = []
    rendered_only = renders.rendered_only(tp_dir)  # templates and patches: checked by run_renders
    for path in files:
        if path.resolve() in rendered_only:
            continue
        label = path.relative_to(base).as_posix()
        text = path.read_text(encoding="utf-8")
        block = CodeBlock(first_line=0, last_line=text.count("\n") + 1, lang="yaml", title=path.name, text=text)
        checked = manifests.check_block(block, kubernetes_version=version)
        problems += [problem.format(label) for problem in checked.problems]
        report.add(checked)
    problems += _answer_problems(pages, answers, tp_dir=tp_dir, base=base, config=config)
    for problem in problems:
        print(problem)
    counts = ", ".join(f"{number(report.counts[name])} {name}" for name in manifests.CATEGORIES)
    print(f"tp files: {number(len(folders))} folders, manifests {counts}, {number(len(problems))} problems")
    return not problems


def _answer_problems(pages, answers: dict[str, str], *, tp_dir: Path, base: Path, config: Path) -> list[str]:
    """Each folder that answers a correction holds exactly the files that correction shows."""
    corrections = {}
    for label, markdown in pages.items():
        try:
            found = scan_corrections(markdown, page=label)
        except CorrectionError:
            continue  # reported by the exercises check
        for correction in found:
            if correction.explicit_id:
                corrections[correction.explicit_id] = (label, markdown, correction.line)
    problems = []
    for folder, identifier in answers.items():
        if identifier not in corrections:
            problems.append(f"{config.name}: {tp_files.SETTINGS_KEY}.{folder}.answers: "
                            f"no correction has the identifier '{identifier}'")
            continue
        label, markdown, line = corrections[identifier]
        problems += tp_files.answer_mismatches(
            markdown, page=label, header_line=line, folder=tp_dir / folder,
            folder_label=(tp_dir / folder).relative_to(base).as_posix(),
        )
    return problems


def run_renders(*, docs_dir: Path, config: Path, tools_dir: Path) -> bool:
    """Each Kustomize overlay and Helm chart of docs/tp/, rendered and its objects validated."""
    tp_dir = docs_dir.resolve() / tp_files.TP_FOLDER
    targets = renders.find_targets(tp_dir) if tp_dir.is_dir() else []
    if not targets:
        print("renders: no overlay or chart")
        return True
    try:
        version = kubernetes_version(config)
        tools = renders.find_tools(tools_dir)
    except (ContentError, renders.RenderError) as error:
        print(f"renders: cannot run: {error}")
        return False
    report, problems = manifests.Report(), []
    for target in targets:
        checked = renders.check_target(target, tools=tools, base=docs_dir.resolve().parent, kubernetes_version=version)
        report.add(checked.objects)
        problems += checked.problems
    for problem in problems:
        print(problem)
    kinds = {tool: sum(target.tool == tool for target in targets) for tool in ("kustomize", "helm")}
    print(f"renders: {number(kinds['kustomize'])} overlays, {number(kinds['helm'])} charts, "
          f"{number(report.counts['valid'])} objects valid, {number(len(problems))} problems")
    return not problems


def run_spelling(pages: dict[str, str]) -> bool:
    try:
        report = spelling.check_spelling(pages)
    except spelling.SpellingError as error:
        print(f"spelling: cannot run: {error}")
        return False
    for unknown in report.unknown:
        print(unknown.format())
    print(f"spelling: {number(report.words)} words, {number(len(report.unknown))} unknown")
    return not report.unknown


def run_vocabulary(pages: dict[str, str]) -> bool:
    findings = vocabulary.check_vocabulary(pages)
    for finding in findings:
        print(finding.format())
    print(f"vocabulary: {number(len(findings))} avoided words")
    return not findings


def number(count: int) -> str:
    """18 203: French thousands, separated by a narrow no-break space."""
    return f"{count:,}".replace(",", "\u202f")


# --- mkdocs.yml ----------------------------------------------------------------------------------


def _extra(config: Path) -> dict:
    """`extra` of mkdocs.yml (empty when absent)."""
    try:
        settings = read_mkdocs_yaml(config.read_text(encoding="utf-8"))
    except OSError as error:
        raise ContentError(f"{config}: {error.strerror}") from None
    except yaml.YAMLError as error:
        raise ContentError(f"{config}: not valid YAML: {error}") from None
    extra = settings.get("extra") if isinstance(settings, dict) else None
    return extra if isinstance(extra, dict) else {}


def kubernetes_version(config: Path) -> str:
    """The Kubernetes version the course targets, checked against kubernetes-validate."""
    value = _extra(config).get("kubernetes_version")
    if value is None:
        raise ContentError(f'{config}: {VERSION_KEY} is missing; set it, e.g. "1.35"')
    if not isinstance(value, str):
        # Unquoted, YAML reads 1.30 as the number 1.3.
        raise ContentError(f'{config}: quote {VERSION_KEY}, e.g. "1.35" (it reads as {value!r})')
    try:
        manifests.check_version_supported(value)
    except manifests.ManifestError as error:
        raise ContentError(f"{config}: {VERSION_KEY}: {error}") from None
    return value


if __name__ == "__main__":
    sys.exit(main())
