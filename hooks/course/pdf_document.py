"""Turn a chapter's rendered pages into printable HTML, one document per page (no WeasyPrint here).

Each page's article HTML is rewritten for print: ids prefixed per page (MkDocs
repeats `__codelineno-0-1` on every page), links between pages of the chapter
turned into links to its anchors (found when the pages are assembled into the
chapter PDF), links to other chapters made absolute on the
published site, tabs laid out one after the other under their labels,
collapsible blocks opened, and images resolved to files that must exist.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit

from lxml import etree

from course.html import parse_fragment, remove_keeping_tail, serialize_fragment
from course.markdown import block_marker
from course.page_cache import PageCache
from course.pdf_code import wrap_code
from course.pdf_jobs import ANCHOR_LINK
from course.spelling import WORDS_DIR, page_language

SHORT_BLOCK_LINES = 25  # code blocks up to this many lines are kept on one page
# Characters of 8.3pt DejaVu Sans Mono across a code block on A4 (pdf.css), and lost per nesting level.
CODE_COLUMNS = 86
NESTED_CODE_COLUMNS = 6
# Command output printed at 7pt when that makes its longest line fit: a table stays a table.
SMALL_CODE_COLUMNS = 102
_NESTING = (
    "ancestor::li | ancestor::blockquote | ancestor::dd"
    " | ancestor::div[contains(concat(' ', @class, ' '), ' admonition ')]"
)


class PdfSourceError(ValueError):
    """A page cannot be printed as it is (a missing image…); the message names the page."""


@dataclass(frozen=True)
class PrintPage:
    src: str  # source path, e.g. "03-objets-fondamentaux/tp-monsterstack.md"
    url: str  # page URL from the site root, e.g. "en/03-objets-fondamentaux/tp-monsterstack/"
    title: str
    html: str  # the article HTML as rendered for the site (corrections already applied)


@dataclass
class PrintedPage:
    anchor: str
    title: str
    html: str
    lang: str = "fr"  # the page's own language: an English PDF prints untranslated pages in French
    sections: list[tuple[str, str]] = field(default_factory=list)  # (id, title) of its h2, for the contents
    figures: list[tuple[str, str]] = field(default_factory=list)  # (id, "Figure 3.2 — caption")
    files: set[Path] = field(default_factory=set)  # local files the page embeds (images)
    code_files: list[tuple[str, str]] = field(default_factory=list)  # (file name, text)


def page_anchor(index: int, prefix: str = "") -> str:
    """The id of a document's page: `c3-p2` in chapter 3, unique in the course PDF made of the chapters."""
    return f"{prefix}p{index + 1}"


def chapter_prefix(number: int) -> str:
    return f"c{number}-"


def prepare_pages(
    pages: list[PrintPage], *, site_dir: Path, site_url: str, anchor_prefix: str = "",
    cache: PageCache | None = None,
) -> list[PrintedPage]:
    """Rewrite every page of a chapter; pages not in `pages` are linked on the published site.

    `cache` (.cache/pages) gives back what an earlier build made of a page with the same HTML, place in its
    chapter, addresses and word lists: a build after an edit prepares the edited page only.
    """
    anchors = {_normalise(page.url): page_anchor(index, anchor_prefix) for index, page in enumerate(pages)}
    site_url = site_url.rstrip("/") + "/"

    def prepare(page: PrintPage, anchor: str) -> PrintedPage:
        return _prepare_page(page, anchor=anchor, anchors=anchors, site_dir=site_dir, site_url=site_url)

    printed = []
    for index, page in enumerate(pages):
        anchor = page_anchor(index, anchor_prefix)
        if cache is None:
            printed.append(prepare(page, anchor))
            continue
        settings = json.dumps([page.src, page.url, page.title, anchor, anchors, site_url, _word_lists()])
        stored = cache.transform(
            "pdf-page", page.html, lambda _html, page=page, anchor=anchor: _stored(prepare(page, anchor), site_dir),
            settings=settings,
        )
        result = _restored(stored, site_dir)
        if not all(path.is_file() for path in result.files):  # an image gone since: said, naming the page
            result = prepare(page, anchor)
        printed.append(result)
    return printed


def _stored(page: PrintedPage, site_dir: Path) -> str:
    """The prepared page as JSON, wherever the site is built (its images relative to the site)."""
    site = site_dir.resolve()
    return json.dumps({**asdict(page), "files": sorted(path.relative_to(site).as_posix() for path in page.files)},
                      ensure_ascii=False)


def _restored(text: str, site_dir: Path) -> PrintedPage:
    data = json.loads(text)
    site = site_dir.resolve()
    return PrintedPage(
        anchor=data["anchor"], title=data["title"], html=data["html"], lang=data["lang"],
        sections=[tuple(item) for item in data["sections"]], figures=[tuple(item) for item in data["figures"]],
        files={site / name for name in data["files"]}, code_files=[tuple(item) for item in data["code_files"]],
    )


@lru_cache(maxsize=1)
def _word_lists() -> str:
    """The English terms kept whole depend on the word lists, which are not code: in a prepared page's key."""
    digest = hashlib.sha256()
    for name in ("en.txt", "fr.txt"):
        digest.update((WORDS_DIR / name).read_bytes())
    return digest.hexdigest()


def _prepare_page(page: PrintPage, *, anchor, anchors, site_dir, site_url) -> PrintedPage:
    root = parse_fragment(page.html)
    printed = PrintedPage(anchor=anchor, title=page.title, html="", lang=page_language(page.src))
    _drop_screen_only(root)
    _prefix_ids(root, anchor)
    printed.sections = [(h2.get("id"), h2.text_content().strip()) for h2 in root.iter("h2") if h2.get("id")]
    printed.figures = [
        (figure.get("id"), " ".join(figure.find("figcaption").text_content().split()))
        for figure in root.xpath(".//figure[@id and figcaption]")
    ]
    _rewrite_links(root, page=page, anchor=anchor, anchors=anchors, site_url=site_url)
    printed.files |= _resolve_images(root, page=page, site_dir=site_dir)
    _flatten_tabs(root)
    _open_details(root)
    printed.code_files = _mark_code_blocks(root)
    _mark_lead_ins(root)
    if printed.lang == "fr":
        _keep_english_terms_whole(root)
    _detach_spaces_before_inline_code(root)
    printed.html = serialize_fragment(root)
    return printed


def _normalise(url: str) -> str:
    path = posixpath.normpath("/" + unquote(url)).lstrip("/")
    return "" if path == "." else path.removesuffix("index.html").rstrip("/")


def _drop_screen_only(root) -> None:
    # Permalinks (¶) and line-number anchors mean nothing on paper.
    for element in root.xpath(".//a[contains(@class, 'headerlink')]"):
        remove_keeping_tail(element)
    for element in root.xpath(".//a[starts-with(@id, '__codelineno')]"):
        remove_keeping_tail(element)


def _prefix_ids(root, anchor: str) -> None:
    for element in root.xpath(".//*[@id]"):
        element.set("id", f"{anchor}-{element.get('id')}")
    for element in root.xpath(".//*[@for]"):
        element.set("for", f"{anchor}-{element.get('for')}")
    for element in root.xpath(".//*[@name]"):
        if element.tag in {"a", "input"}:
            element.set("name", f"{anchor}-{element.get('name')}")


def _rewrite_links(root, *, page: PrintPage, anchor, anchors, site_url) -> None:
    for link in root.xpath(".//a[@href]"):
        href = link.get("href")
        parts = urlsplit(href)
        if parts.scheme or parts.netloc:
            if parts.scheme in {"http", "https"}:
                _add_class(link, "external")
                _show_url_unless_in_text(link)
            continue
        if href.startswith("#"):
            link.set("href", f"#{anchor}-{href[1:]}" if href[1:] else f"#{anchor}")
            continue
        target = urljoin("/" + page.url, parts.path)
        target_anchor = anchors.get(_normalise(target))
        if target_anchor:
            # Each page is laid out on its own: another page of the chapter is found when they are assembled.
            scheme = "#" if target_anchor == anchor else ANCHOR_LINK
            fragment = f"-{parts.fragment}" if parts.fragment else ""
            link.set("href", f"{scheme}{target_anchor}{fragment}")
        else:
            absolute = site_url + target.lstrip("/") + (f"#{parts.fragment}" if parts.fragment else "")
            link.set("href", absolute)
            _add_class(link, "external other-chapter")
            _show_url_unless_in_text(link)


def _add_class(element, name: str) -> None:
    element.set("class", ((element.get("class") or "") + " " + name).strip())


def _show_url_unless_in_text(link) -> None:
    """Paper cannot follow a link: print its address after it, once (not when the text is the address)."""
    def bare(url):
        return re.sub(r"^[a-z]+://", "", url.strip()).rstrip("/")

    if bare(link.text_content()) != bare(link.get("href")):
        _add_class(link, "show-url")


def _resolve_images(root, *, page: PrintPage, site_dir: Path) -> set[Path]:
    files = set()
    for image in root.xpath(".//img[@src]"):
        source = image.get("src")
        parts = urlsplit(source)
        if parts.scheme == "data":
            continue
        if parts.scheme or parts.netloc:
            raise PdfSourceError(f"{page.src}: image '{source}' is not in the site (no network in PDFs)")
        path = (site_dir / urljoin("/" + page.url, unquote(parts.path)).lstrip("/")).resolve()
        if not path.is_file():
            raise PdfSourceError(f"{page.src}: image '{source}' not found ({path})")
        if not path.is_relative_to(site_dir.resolve()):
            raise PdfSourceError(f"{page.src}: image '{source}' is not in the site ({path})")
        # From the site's root, which WeasyPrint reads the page from: the same HTML wherever the site is built.
        image.set("src", quote(path.relative_to(site_dir.resolve()).as_posix()))
        files.add(path)
    return files


def _flatten_tabs(root) -> None:
    """Content tabs print one after the other, each under its label."""
    for tab_set in root.xpath(".//div[contains(concat(' ', @class, ' '), ' tabbed-set ')]"):
        labels = [label.text_content().strip() for label in tab_set.xpath("./div[@class='tabbed-labels']/label")]
        blocks = tab_set.xpath("./div[@class='tabbed-content']/div[contains(@class, 'tabbed-block')]")
        for element in tab_set.xpath("./input | ./div[@class='tabbed-labels']"):
            tab_set.remove(element)
        for label, block in zip(labels, blocks, strict=False):
            heading = block.makeelement("p", {"class": "tab-label"})
            heading.text = label
            block.insert(0, heading)
            heading.tail, block.text = block.text, None


@lru_cache(maxsize=1)
def _english_terms() -> re.Pattern:
    """English words of French prose: the `en` word list, and the capitalised words of the `fr` one."""
    english = (WORDS_DIR / "en.txt").read_text(encoding="utf-8").split()
    names = [word for word in (WORDS_DIR / "fr.txt").read_text(encoding="utf-8").split() if word[:1].isupper()]
    words = sorted({word for word in english + names if len(word) > 4}, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, words)) + r")(?![\w-])")


def _keep_english_terms_whole(root) -> None:
    """French hyphenation cuts English words wrongly ("na-mespace"): they are never hyphenated."""
    pattern = _english_terms()
    for element in [element for element in root.iter() if isinstance(element.tag, str)]:
        if element.xpath("ancestor-or-self::*[self::code or self::pre or self::kbd]"):
            continue
        children = list(element)
        _wrap_matches(element, "text", pattern)
        for child in children:
            _wrap_matches(child, "tail", pattern)


def _wrap_matches(node, kind: str, pattern: re.Pattern) -> None:
    text = getattr(node, kind)
    if not text or not pattern.search(text):
        return
    pieces = pattern.split(text)
    terms = pattern.findall(text)
    setattr(node, kind, pieces[0])
    parent, index = (node, 0) if kind == "text" else (node.getparent(), node.getparent().index(node) + 1)
    for offset, (term, after) in enumerate(zip(terms, pieces[1:], strict=True)):
        span = node.makeelement("span", {"class": "term"})
        span.text, span.tail = term, after
        parent.insert(index + offset, span)


def _open_details(root) -> None:
    """A collapsible block prints open, its summary as a title (WeasyPrint has no <details> UI)."""
    for details in root.xpath(".//details"):
        details.tag = "div"
        details.set("class", ("details admonition " + (details.get("class") or "")).strip())
        details.attrib.pop("open", None)
        for summary in details.findall("summary"):
            summary.tag = "p"
            summary.set("class", "admonition-title")


def _mark_lead_ins(root) -> None:
    """A paragraph ending in ":" is printed on the same page as the block it announces."""
    for paragraph in root.xpath(".//p[following-sibling::*]"):
        following = paragraph.getnext()
        if following.tag in {"p", "h1", "h2", "h3", "h4", "h5", "h6"}:
            continue
        if paragraph.text_content().rstrip().endswith(":"):
            paragraph.set("class", ((paragraph.get("class") or "") + " lead-in").strip())


# Inline code and the other inline elements that a line may have to push whole to the next line.
_INLINE_CODE = (
    ".//code[not(ancestor::pre)] | .//kbd[not(ancestor::*[contains(@class, 'keys')])]"
    " | .//span[contains(concat(' ', @class, ' '), ' keys ')] | .//span[@class='term']"
    " | .//a[not(ancestor::pre)] | .//em | .//strong"
)


def _detach_spaces_before_inline_code(root) -> None:
    """Put the space before inline code (or a link, a term…) in its own <span>: a WeasyPrint workaround.

    When inline code does not fit at the end of a line, WeasyPrint (70) lays the
    text before it out again 1pt narrower; that text ends in a space, which Pango
    lets hang past the edge but WeasyPrint measures, so it breaks the text after
    its first word ("Une / expres- / sion"). A text that ends without the space is
    broken at its last fitting word. tests/test_pdf_weasyprint.py reproduces it.
    """
    for element in root.xpath(_INLINE_CODE):
        previous = element.getprevious()
        text = previous.tail if previous is not None else element.getparent().text
        if not text or not text.endswith(" "):
            continue
        if previous is not None:
            previous.tail = text[:-1]
        else:
            element.getparent().text = text[:-1]
        space = element.makeelement("span", {"class": "space"})
        space.text = " "
        element.addprevious(space)


# A title naming a file: a path with a known extension, or an absolute or ~ path (/etc/apt/preferences.d/x).
_TITLE_FILE = re.compile(
    r"^(?:[\w.-]+/)*[\w.-]+\.(?:ya?ml|json|sh|py|toml|conf|txt|j2|cfg|ini|env)$|^(?:/|~/)[\w./-]+$"
)


def attachment_name(title_path: str) -> str:
    """A name a PDF viewer can save: `k8s/frontend.yaml` → `k8s-frontend.yaml`."""
    return title_path.removeprefix("~/").strip("/").replace("/", "-")


def _mark_code_blocks(root) -> list[tuple[str, str]]:
    """Keep short blocks on one page, cut long lines; collect file-titled blocks to attach to the PDF."""
    attached = []
    for block in root.xpath(".//div[contains(@class, 'highlight')]"):
        code = block.xpath(".//pre/code")
        if not code:
            continue
        # Highlighting prints in one colour (pdf.css styles no token): its thousands of spans only
        # cost WeasyPrint a fifth of a chapter's layout. The line anchors go with them (nothing links them).
        etree.strip_tags(code[0], "span")
        text = code[0].text_content()
        if text.count("\n") <= SHORT_BLOCK_LINES:
            block.set("class", block.get("class") + " short-block")
        _wrap_long_lines(block, code[0], text)
        title = block.xpath("./span[@class='filename']")
        name = title[0].text_content().strip().split(" ")[0] if title else ""
        if _TITLE_FILE.match(name) and block_marker(title[0].text_content()) != "skeletons":
            attached.append((attachment_name(name), text))
    return attached


def _wrap_long_lines(block, code, text: str) -> None:
    lost = NESTED_CODE_COLUMNS * len(block.xpath(_NESTING))
    longest = max(len(line) for line in text.split("\n"))
    if "language-text" in block.get("class") and CODE_COLUMNS - lost < longest <= SMALL_CODE_COLUMNS - lost:
        block.set("class", block.get("class") + " small-code")
        return
    if wrap_code(code, CODE_COLUMNS - lost):
        block.set("class", block.get("class") + " wrapped")


def unique_file_names(files: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Two blocks titled deployment.yaml are attached as deployment.yaml and deployment-2.yaml.

    The same file shown twice with the same text (a step, then the final correction) is attached once.
    """
    seen: dict[str, int] = {}
    unique = []
    for name, text in dict.fromkeys(files):
        seen[name] = seen.get(name, 0) + 1
        stem, suffix = re.match(r"^(.*?)((?:\.[A-Za-z0-9]{1,5})?)$", name).groups()
        unique.append((name if seen[name] == 1 else f"{stem}-{seen[name]}{suffix}", text))
    return unique
