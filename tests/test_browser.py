"""The built site in Debian's Chromium at the size of a Guacamole desktop, with no network."""

from __future__ import annotations

import functools
import http.server
import threading
from urllib.parse import urlparse

import pytest

from conftest import make_fixture_site, run_mkdocs_build

playwright_api = pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
# Without these, Chromium phones home at start-up; the machines have no network anyway.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *_):
        pass


@pytest.fixture(scope="module")
def serve():
    servers = []

    def start(directory):
        handler = functools.partial(_QuietHandler, directory=str(directory))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server in servers:
        server.shutdown()


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    page.foreign_requests = []
    page.on(
        "request",
        lambda request: urlparse(request.url).hostname not in {"127.0.0.1", None}
        and request.url.startswith("http")
        and page.foreign_requests.append(request.url),
    )
    yield page
    context.close()


def test_trainee_journey_stays_on_the_site(real_site, serve, page):
    base = serve(real_site.site)
    page.goto(base)
    assert "Kubernetes" in page.title()

    # Follow the nav (a drawer at this width) to a chapter page.
    # The menu opens as a drawer at this width; then walk the nav with its "next" links.
    page.click("label.md-header__button[for='__drawer']")
    page.locator(".md-nav--primary a.md-nav__link[href*='introduction']:visible").first.wait_for()
    page.keyboard.press("Escape")
    page.goto(base)
    for _ in range(3):
        page.locator("a.md-footer__link--next").click()
    page.wait_for_url("**/01-premiers-pas/cours-types-de-clusters/")
    assert page.locator("article h1").first.inner_text().startswith("Cours")

    # A code block has a copy button.
    page.locator("article button.md-code__button[data-md-type='copy']").first.wait_for(state="attached")
    assert page.locator("article button.md-code__button[data-md-type='copy']").count() > 0

    # Search a French word with an accent.
    page.click("input[data-md-component='search-query']")
    page.fill("input[data-md-component='search-query']", "nœud")
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=30_000)  # the search worker indexes first
    assert results.count() > 0

    # Switch to English, then back to French.
    page.keyboard.press("Escape")
    page.goto(base)
    page.hover(".md-header__option .md-select")
    page.locator(".md-select__link[hreflang='en']").first.click()
    page.wait_for_url("**/en/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.hover(".md-header__option .md-select")
    page.locator(".md-select__link[hreflang='fr']").first.click()
    page.wait_for_function("document.documentElement.lang === 'fr'")

    # Toggle dark mode.
    before = page.locator("body").get_attribute("data-md-color-scheme")
    page.locator("form[data-md-component='palette'] label:visible").first.click()
    after = page.locator("body").get_attribute("data-md-color-scheme")
    assert {before, after} == {"default", "slate"}

    assert page.foreign_requests == []


@pytest.fixture(scope="module")
def corrections_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser-corrections")
    config = make_fixture_site(
        root,
        {
            "index.md": "# Accueil\n\nBienvenue.\n",
            "00-accueil/outils.md": "# Outils\n\nRien à corriger.\n",
            "01-bases/tp.md": "# TP\n\n## 1. Question\n\n??? correction\n    RÉPONSE-VISIBLE\n\n"
            + "Du texte.\n\n" * 60
            + "## 2. Question\n\n??? correction\n    RÉPONSE-ANCRE\n",
        },
        nav=[{"Accueil": ["index.md", "00-accueil/outils.md"]}, {"Bases": ["01-bases/tp.md"]}],
    )
    build = run_mkdocs_build(config, root / "site", env={"CORRECTIONS": "show"})
    assert build.returncode == 0, build.output
    return build.site


def test_correction_is_collapsed_and_opens_on_click_and_enter(corrections_site, serve, page):
    page.goto(serve(corrections_site) + "01-bases/tp/")
    first = page.locator("details.correction").first
    assert first.get_attribute("open") is None
    assert not page.get_by_text("RÉPONSE-VISIBLE").is_visible()
    first.locator("summary").click()
    assert page.get_by_text("RÉPONSE-VISIBLE").is_visible()

    second = page.locator("details#correction-1-2")
    second.locator("summary").focus()
    page.keyboard.press("Enter")
    assert second.get_attribute("open") is not None
    assert page.foreign_requests == []


def test_anchor_link_opens_its_correction(corrections_site, serve, page):
    page.goto(serve(corrections_site) + "01-bases/tp/#correction-1-2")
    assert page.locator("details#correction-1-2").get_attribute("open") is not None
    assert page.get_by_text("RÉPONSE-ANCRE").is_visible()
    assert page.locator("details#correction-1-1").get_attribute("open") is None


def test_printing_opens_every_collapsible_block_then_restores_them(corrections_site, serve, page):
    page.goto(serve(corrections_site) + "01-bases/tp/")
    details = page.locator("article details")
    assert details.count() == 2
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert all(d.get_attribute("open") is not None for d in details.all())
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert all(d.get_attribute("open") is None for d in details.all())
