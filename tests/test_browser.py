"""The built site in Debian's Chromium at the size of a Guacamole desktop, with no network."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path
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
    """A static server that answers a missing page with the site's 404 page, as hosts do.

    `error_pages` "per-language" serves en/404.html under /en/ (a host configured for it);
    "root" serves 404.html everywhere (mkdocs serve, most hosts).
    """

    error_pages = "per-language"

    def log_message(self, *_):
        pass

    def send_error(self, code, message=None, explain=None):
        root = Path(self.directory)
        page = root / "404.html"
        if self.error_pages == "per-language" and self.path.startswith("/en/"):
            page = root / "en" / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@pytest.fixture(scope="module")
def serve():
    servers = []

    def start(directory, error_pages="per-language"):
        handler_class = type("Handler", (_QuietHandler,), {"error_pages": error_pages})
        handler = functools.partial(handler_class, directory=str(directory))
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
    page.failed_responses = []
    page.on("response", lambda response: response.status >= 400 and page.failed_responses.append(response.url))
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
    assert _search(page, "nœud").count() > 0

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


def _search(page, query):
    """Type a query as a trainee does and return the result items once the worker has answered."""
    page.locator("input[data-md-component='search-query']").click()
    page.locator(".md-search-result__meta").wait_for()
    page.keyboard.type(query)
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=30_000)  # the search worker indexes first
    return results


@pytest.mark.parametrize(
    ("start", "query", "prefix"),
    [("", "sonde", ""), ("", "deploiement", ""), ("en/", "deploiement", "en/"), ("en/", "probe", "en/")],
    ids=["fr-sonde", "fr-without-accents", "en-fallback-without-accents", "en-word"],
)
def test_search_gives_each_section_once_with_its_page_in_the_reader_language(
    real_site, serve, page, start, query, prefix
):
    base = serve(real_site.site)
    page.goto(base + start)
    _search(page, query)
    groups = page.locator(".md-search-result__list > li")
    assert groups.count() > 0
    links = []
    for group in groups.all():
        # Each group opens with its page (a title, a link to the page), then its sections.
        page_title = group.locator("article h1").first.inner_text().strip()
        assert page_title and page_title != "undefined"
        for link in group.locator("a.md-search-result__link").all():
            href = link.get_attribute("href")
            assert "undefined" not in href
            links.append(urlparse(href).path + "#" + urlparse(href).fragment)
    assert all(path.startswith("/" + prefix) for path in links)
    if not prefix:
        assert not any(path.startswith("/en/") for path in links)
    assert len(links) == len(set(links)), "a section appears twice"

    # A section result opens that section of the page, in the same language. Material folds the
    # sections of a page whose title matches best under "more on this page": click a visible one.
    section = page.locator(
        ".md-search-result__item--section a:visible, a.md-search-result__link[href*='#']:visible"
    ).first
    href = section.get_attribute("href")
    section.click()
    page.wait_for_url(href)
    assert page.locator("html").get_attribute("lang") == ("en" if prefix else "fr")
    assert page.foreign_requests == [] and page.failed_responses == []


def test_no_request_fails_on_the_home_page_and_chapter_pages(real_site, serve, page):
    base = serve(real_site.site)
    for path in (
        "",
        "01-premiers-pas/cours-types-de-clusters/",
        "02-langage-kubernetes/tp-deployer-avec-yaml/",
        "03-objets-fondamentaux/tp-monsterstack/",
        "en/",
        "en/00-accueil/outils/",
    ):
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
    assert page.failed_responses == []
    assert page.foreign_requests == []


def test_language_switch_keeps_the_page_and_the_section(real_site, serve, page):
    base = serve(real_site.site)
    page.goto(base + "03-objets-fondamentaux/tp-monsterstack/#les-sondes")
    page.locator(".md-header__option .md-select").hover()
    page.locator(".md-select__link[hreflang='en']").click()
    page.wait_for_url("**/en/03-objets-fondamentaux/tp-monsterstack/#les-sondes")
    assert page.locator("html").get_attribute("lang") == "en"
    # Back to French from an English page.
    page.locator(".md-header__option .md-select").hover()
    page.locator(".md-select__link[hreflang='fr']").click()
    page.wait_for_url(base + "03-objets-fondamentaux/tp-monsterstack/#les-sondes")
    # A translated page has its own anchors: the same section is found by its rank.
    page.goto(base + "00-accueil/outils/#le-presse-papiers-de-guacamole")
    page.locator(".md-header__option .md-select").hover()
    page.locator(".md-select__link[hreflang='en']").click()
    page.wait_for_url("**/en/00-accueil/outils/#the-guacamole-clipboard")
    assert page.locator("#the-guacamole-clipboard").is_visible()
    # A link from a French page to an English page is followed as written (not turned into /en/).
    page.goto(base + "00-accueil/outils/")
    page.evaluate(
        "() => { const a = document.createElement('a'); a.id = 'to-english'; a.textContent = 'EN';"
        " a.href = '../../en/01-premiers-pas/tp-decouvrir-kubectl/'; document.querySelector('article').prepend(a); }"
    )
    page.locator("#to-english").click()
    page.wait_for_url(base + "en/01-premiers-pas/tp-decouvrir-kubectl/")
    assert page.failed_responses == []


def test_untranslated_english_page_says_so_and_is_marked_french(real_site, serve, page):
    base = serve(real_site.site)
    page.goto(base + "en/00-accueil/introduction/")
    notice = page.locator(".course-untranslated")
    assert "not been translated" in notice.inner_text()
    assert page.locator(".course-page").get_attribute("lang") == "fr"
    notice.locator("a").click()
    page.wait_for_url(base + "00-accueil/introduction/")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.goto(base + "en/00-accueil/outils/")  # translated: no notice
    assert page.locator(".course-untranslated").count() == 0


@pytest.mark.parametrize("error_pages", ["per-language", "root"])
def test_404_page_in_each_language(real_site, serve, page, error_pages):
    base = serve(real_site.site, error_pages=error_pages)
    page.goto(base + "chapitre/absent/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("article h1").inner_text() == "Page introuvable"
    assert page.locator(".md-select__link[hreflang='en']").get_attribute("href") == "/en/"
    page.goto(base + "en/chapter/missing/")
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.locator("article h1").inner_text() == "Page not found"
    assert page.locator(".md-select__link[hreflang='fr']").get_attribute("href") == "/"
    assert "Home" in page.locator("nav.md-nav--primary").first.text_content()  # the English menu
    assert page.foreign_requests == []


MONSTERSTACK = "03-objets-fondamentaux/tp-monsterstack/"

# Whether the focused element can be seen: in the viewport, not transparent or hidden, and, for
# Material's colour-scheme radio (an invisible input), its label.
FOCUSED_ELEMENT = """() => {
  const element = document.activeElement;
  const shown = (node) => {
    const box = node.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || box.right <= 0 || box.left >= innerWidth) return false;
    for (let n = node; n; n = n.parentElement) {
      const style = getComputedStyle(n);
      if (style.visibility === "hidden" || style.display === "none" || +style.opacity === 0) return false;
    }
    return true;
  };
  const target = element.classList.contains("md-option") ? element.nextElementSibling : element;
  return {
    shown: shown(target),
    copy: element.matches("button.md-code__button[data-md-type='copy']"),
    what: element.tagName + " " + element.className + " " + (element.getAttribute("href") || ""),
  };
}"""


def test_keyboard_reaches_the_first_copy_button_without_hidden_stops(real_site, serve, page):
    page.goto(serve(real_site.site) + MONSTERSTACK)
    page.locator("button.md-code__button").first.wait_for(state="attached")
    for _ in range(80):
        page.keyboard.press("Tab")
        try:  # Material fades header links in on focus: give the transition time on a busy machine
            page.wait_for_function(f"({FOCUSED_ELEMENT})().shown", timeout=3_000)
        except playwright_api.TimeoutError:
            pass
        focused = page.evaluate(FOCUSED_ELEMENT)
        assert focused["shown"], f"Tab lands on a hidden item: {focused['what']}"
        if focused["copy"]:
            break
    else:
        pytest.fail("80 Tab presses never reached a copy button")


def test_chapter_of_the_page_is_visible_and_the_menu_lists_every_chapter(real_site, serve, page, real_config):
    page.goto(serve(real_site.site) + MONSTERSTACK)
    assert not page.locator(".md-sidebar--primary").is_visible()  # a drawer at 1024 px
    chapter = page.locator("nav.course-chapter")
    assert chapter.is_visible()
    assert chapter.inner_text().startswith("Chapitre 3 · Objets fondamentaux")
    # The menu opens from the keyboard on the list of chapters, the current one marked.
    page.locator("label.md-header__button[for='__drawer']").focus()
    page.keyboard.press("Enter")
    page.locator(".md-sidebar--primary").wait_for()
    page.wait_for_timeout(400)  # the drawer slides in
    shown = page.evaluate("""() => [...document.querySelectorAll(
        ".md-nav--primary > .md-nav__list > .md-nav__item > .md-nav__link")].filter((link) => {
          const box = link.getBoundingClientRect();
          return box.width > 0 && box.left >= 0 && box.right <= innerWidth;
        }).map((link) => [link.innerText.trim(), link.parentElement.classList.contains("md-nav__item--active")])""")
    assert [title for title, _ in shown] == [next(iter(section)) for section in real_config["nav"]]
    assert [title for title, active in shown if active] == ["Objets fondamentaux"]


def test_a_ticked_step_survives_a_reload_and_shows_in_the_progress(real_site, serve, page):
    base = serve(real_site.site)
    page.goto(base + MONSTERSTACK)
    boxes = page.locator("label.course-step-done input[type='checkbox']")
    total = boxes.count()
    assert total == page.locator("article h2[data-course-step]").count() > 3
    progress = page.locator(".md-sidebar--secondary .course-progress")
    assert progress.is_visible() and f"0 sur {total}" in progress.inner_text()

    page.locator("label.course-step-done", has_text="Étape 2 faite").click()
    page.reload()
    assert page.locator("label.course-step-done", has_text="Étape 2 faite").locator("input").is_checked()
    assert f"1 sur {total}" in progress.inner_text()
    step_two = page.locator("article h2[data-course-step='2']").get_attribute("id")
    toc_link = page.locator(f".md-sidebar--secondary a[href='#{step_two}']")
    assert "course-step-is-done" in toc_link.get_attribute("class")
    stored = "Object.keys(localStorage).filter((key) => key.startsWith('course-progress:'))"
    assert page.evaluate(stored) == ["course-progress:03-objets-fondamentaux/tp-monsterstack.md"]

    # The English copy of the page shares the progress; "reset" clears it.
    page.goto(base + "en/" + MONSTERSTACK)
    assert "Steps done: 1 of" in page.locator(".course-progress").inner_text()
    page.locator(".course-progress button").click()
    assert not boxes.nth(1).is_checked()
    assert page.evaluate(stored) == []
    assert page.foreign_requests == []


def test_copy_buttons_are_visible_at_rest_and_never_cover_code(real_site, serve, page):
    page.goto(serve(real_site.site) + MONSTERSTACK)
    page.locator("button.md-code__button").first.wait_for(state="attached")
    report = page.evaluate(r"""() => [...document.querySelectorAll("article .highlight pre")].map((pre) => {
      const code = pre.querySelector("code"), button = pre.querySelector(".md-code__button");
      const nav = button.parentElement.getBoundingClientRect();
      const texts = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
      let covered = false;
      for (let text = texts.nextNode(); text; text = texts.nextNode()) {
        for (const word of text.data.matchAll(/\S+/g)) {  // spaces that wrap are not code
          const range = document.createRange();
          range.setStart(text, word.index); range.setEnd(text, word.index + word[0].length);
          covered ||= [...range.getClientRects()].some((r) => r.width > 0 && r.right > nav.left
            && r.left < nav.right && r.bottom > nav.top && r.top < nav.bottom);
        }
      }
      const language = pre.parentElement.className;
      return {language, covered, first: code.textContent.slice(0, 60), scrolls: code.scrollWidth > code.clientWidth + 1,
              opacity: +getComputedStyle(button).opacity, color: getComputedStyle(button).color};
    })""")
    assert report
    assert [r for r in report if r["covered"]] == []
    assert [r for r in report if r["scrolls"] and "language-yaml" not in r["language"]] == []
    assert all(r["opacity"] == 1 for r in report)


def test_print_of_a_page_has_no_buttons_or_icons(real_site, serve, page):
    page.goto(serve(real_site.site) + MONSTERSTACK)
    page.locator("button.md-code__button").first.wait_for(state="attached")
    page.emulate_media(media="print")
    for selector in (".md-code__nav", ".course-step-done", ".course-progress", "a.headerlink", ".course-page-meta"):
        assert not page.locator(selector).first.is_visible(), selector


SCREENSHOTS = Path(__file__).resolve().parent.parent / "build" / "screenshots"
SCREENSHOT_PAGES = (("home", ""), ("tp-monsterstack", MONSTERSTACK), ("en-introduction", "en/00-accueil/introduction/"))


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots_at_three_sizes_for_a_person_to_look_at(real_site, serve, browser, scheme):
    """Not compared with anything: written to build/screenshots/ to be opened and looked at."""
    base = serve(real_site.site)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    written = []
    for width, height in ((1024, 768), (1366, 768), (390, 844)):
        context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
        shot = context.new_page()
        for name, path in SCREENSHOT_PAGES:
            shot.goto(base + path)
            shot.wait_for_load_state("networkidle")
            target = SCREENSHOTS / f"{name}-{width}x{height}-{scheme}.png"
            shot.screenshot(path=str(target))
            written.append(target)
        context.close()
    assert all(path.stat().st_size > 10_000 for path in written)
