"""Check the external links of the course: every http(s) URL of docs/ must answer.

    .venv/bin/python hooks/check_links.py [--timeout SECONDS] [--workers N] [DOCS_DIR]

Needs the network, so it is `make linkcheck`, not part of `make test`: the
strict MkDocs build already checks internal links and anchors. URLs in code
blocks and inline code are examples (localhost, a trainee's own domain), not
links: they are skipped, like local and reserved host names in prose. Each
URL is asked once with HEAD, then with GET when the server refuses HEAD; a
broken one is printed with every `docs/…/page.md:LINE` that cites it, and the
exit status is 1.
"""

from __future__ import annotations

import argparse
import re
import sys
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

from course.spelling import text_lines

ROOT = Path(__file__).resolve().parent.parent
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) formation-kubernetes-linkcheck"


@dataclass(frozen=True)
class Citation:
    path: str
    line: int


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not args.docs_dir.is_dir():
        print(f"error: {args.docs_dir}: no such folder of Markdown pages")
        return 1
    citations = cited_urls(read_pages(args.docs_dir))
    broken = check_urls(sorted(citations), timeout=args.timeout, workers=args.workers)
    failures = sorted(
        (citation.path, citation.line, url, reason)
        for url, reason in broken.items()
        for citation in citations[url]
    )
    for path, line, url, reason in failures:
        print(f"{path}:{line}: {url}: {reason}")
    print(f"links: {len(citations)} URLs, {len(broken)} broken")
    return 1 if broken else 0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Check the external URLs cited in docs/.")
    parser.add_argument("--timeout", type=float, default=15, help="seconds per request")
    parser.add_argument("--workers", type=int, default=8, help="requests at the same time")
    parser.add_argument("docs_dir", nargs="?", type=Path, default=ROOT / "docs", metavar="DOCS_DIR")
    return parser.parse_args(argv)


def read_pages(docs_dir: Path) -> dict[str, str]:
    base = docs_dir.resolve().parent
    return {
        path.relative_to(base).as_posix(): path.read_text(encoding="utf-8", errors="replace")
        for path in sorted(docs_dir.resolve().rglob("*.md"))
    }


# --- URLs ----------------------------------------------------------------------------------------

# Stops at what ends a URL in Markdown: space, quotes, brackets, a closing parenthesis.
_URL = re.compile(r"https?://[^\s<>\"'`()\[\]]+")
_TRAILING = ".,;:!?»*_"


def extract_urls(markdown: str) -> Iterator[tuple[int, str]]:
    """(line, URL) of the external links of a page, outside code; fragments dropped."""
    for number, line in text_lines(markdown):
        for match in _URL.finditer(line):
            url = urldefrag(match.group().rstrip(_TRAILING)).url
            if is_checkable(url):
                yield number, url


def is_checkable(url: str) -> bool:
    """False for hosts that only exist on a trainee's machine or in examples."""
    host = (urlsplit(url).hostname or "").lower()
    if not host or host in LOCAL_HOSTS or re.fullmatch(r"[\d.]+|\[.*\]", host):
        return False
    return not any(host == suffix[1:] or host.endswith(suffix) for suffix in RESERVED_SUFFIXES)


def cited_urls(pages: Mapping[str, str]) -> dict[str, list[Citation]]:
    citations: dict[str, list[Citation]] = defaultdict(list)
    for path, markdown in pages.items():
        for line, url in extract_urls(markdown):
            citations[url].append(Citation(path, line))
    return citations


# --- Network -------------------------------------------------------------------------------------


def check_urls(urls: list[str], *, timeout: float, workers: int) -> dict[str, str]:
    """{url: reason} for the URLs that do not answer with a success."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        reasons = pool.map(lambda url: broken_reason(url, timeout=timeout), urls)
        return {url: reason for url, reason in zip(urls, reasons, strict=True) if reason}


def broken_reason(url: str, *, timeout: float) -> str | None:
    """None when the URL answers (redirects followed), else why it is broken."""
    reason = _request(url, "HEAD", timeout=timeout)
    if reason is not None:
        # Many servers refuse or mishandle HEAD (405, 403, 404 behind CDNs): ask again with GET.
        reason = _request(url, "GET", timeout=timeout)
    return reason


def _request(url: str, method: str, *, timeout: float) -> str | None:
    request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout):
            return None
    except urllib.error.HTTPError as error:
        if error.code == 429:
            return None  # rate limited: the page exists, the server asks us to slow down
        return f"HTTP {error.code} {error.reason}"
    except urllib.error.URLError as error:
        return f"unreachable ({error.reason})"
    except (TimeoutError, OSError) as error:
        return f"unreachable ({error})"


# --- Data ----------------------------------------------------------------------------------------

LOCAL_HOSTS = frozenset({"localhost", "host.docker.internal", "host.minikube.internal"})
# Names that never resolve on the internet (RFC 2606, RFC 6761) or only inside a cluster.
RESERVED_SUFFIXES = (
    ".localhost",
    ".local",
    ".test",
    ".example",
    ".invalid",
    ".internal",
    ".example.com",
    ".example.org",
    ".example.net",
    ".nip.io",
    ".sslip.io",
    ".svc",
)


if __name__ == "__main__":
    sys.exit(main())
