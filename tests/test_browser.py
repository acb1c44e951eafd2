"""The freshly built book, opened in a real browser (Playwright driving Debian's Chromium).

Pages are served from the build over HTTP on 127.0.0.1; nothing else is reachable. Each page
must load with no console error and no failed request, show every image (decoded, with alt
text), render every formula, and not scroll sideways on a phone. The navigation, the search
page, every internal link and anchor, and the assignment downloads are checked too. The last
test breaks a copy of the site on purpose and shows that each audit catches its problem.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from book_site import (
    ROOT,
    audit_page,
    broken_internal_links,
    chapter_indexes,
    chromium_path,
    copy_site,
    next_page_walk,
    search_hits,
    serve,
    toc_files,
)

pytestmark = [pytest.mark.book, pytest.mark.xdist_group("book")]

PAGES = toc_files()


@pytest.fixture(scope="module")
def site(built_book) -> Path:
    assert built_book.returncode == 0, (built_book.stdout + built_book.stderr)[-4000:]
    return built_book.html


@pytest.fixture(scope="module")
def browser():
    executable = chromium_path()
    if executable is None:
        message = (
            "Chromium is not installed (Debian: apt-get install chromium); .ci/run installs it"
        )
        if os.environ.get("COURSE_REQUIRE_BROWSER"):
            pytest.fail(message + ", and COURSE_REQUIRE_BROWSER is set")
        pytest.skip(message)
    from book_site import CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def base(site):
    with serve(site) as url:
        yield url


_audits: dict = {}


@pytest.fixture(scope="module")
def audits(browser, base):
    """Every toc page audited once (desktop, then phone viewport)."""
    if not _audits:
        for page in PAGES:
            _audits[page] = audit_page(browser, f"{base}{page}.html", base)
    return _audits


@pytest.mark.parametrize("page", PAGES)
def test_page_loads_cleanly_in_the_browser(audits, page):
    assert audits[page].problems() == []


def test_figures_are_images_with_alt_text_from_the_figure(site):
    """Figures printed by cells carry alt text made from their titles (not the file name)."""
    alts = []
    for page in PAGES:
        html = (site / f"{page}.html").read_text(encoding="utf-8")
        alts += re.findall(r'<img alt="([^"]*)"[^>]*src="[^"]*_images/', html)
    assert alts, "no figures found in the book"
    described = [a for a in alts if a and not a.endswith(".png")]
    assert len(described) == len(alts), f"{len(alts) - len(described)} figures lack alt text"


def test_next_buttons_walk_every_page_in_toc_order(browser, base):
    walked = next_page_walk(browser, f"{base}{PAGES[0]}.html")
    expected = [f"{base}{page}.html" for page in PAGES]
    assert walked == expected


def test_sidebar_reaches_every_chapter(browser, base):
    page = browser.new_page()
    page.goto(f"{base}{PAGES[0]}.html", wait_until="load")
    links = page.eval_on_selector_all(
        "nav.bd-docs-nav a.reference.internal", "els => els.map(e => e.href)"
    )
    page.close()
    reached = {link.split("#")[0] for link in links}
    missing = [c for c in chapter_indexes() if f"{base}{c}.html" not in reached]
    assert chapter_indexes(), "the table of contents has no chapters"
    assert missing == [], f"chapters missing from the navigation: {missing}"


@pytest.mark.parametrize("query", ["Adam", "dropout"])
def test_search_page_finds(browser, base, query):
    hits = search_hits(browser, base, query)
    assert hits, f"the search page finds nothing for {query!r}"


def test_every_internal_link_and_anchor_resolves(site):
    assert broken_internal_links(site) == []


def test_each_chapter_assignment_download_works(browser, base, site):
    """Chapters with an Assignment section link its notebook, and the link serves the release."""
    linked = {}
    for chapter in chapter_indexes():
        source = (ROOT / f"{chapter}.md").read_text(encoding="utf-8")
        html = (site / f"{chapter}.html").read_text(encoding="utf-8")
        hrefs = re.findall(r'href="([^"]*_downloads/[^"]+\.ipynb)"', html)
        if "## Assignment" in source:
            assert hrefs, f"{chapter} has an Assignment section but no notebook download"
        for href in hrefs:
            linked[Path(href).name] = (chapter, href)
    assignments = sorted(p.name for p in (ROOT / "exercises").iterdir() if p.is_dir())
    missing = [a for a in assignments if f"{a}.ipynb" not in linked]
    assert missing == [], f"no chapter links these assignments: {missing}"
    page = browser.new_page()
    for name, (chapter, href) in sorted(linked.items()):
        response = page.request.get(f"{base}{Path(chapter).parent.as_posix()}/{href}")
        assert response.ok, f"{chapter}: download of {name} fails with HTTP {response.status}"
        released = (ROOT / "exercises" / Path(name).stem / name).read_bytes()
        assert response.body() == released, f"{chapter}: the download of {name} is stale"
    page.close()


def _first_page_with(site: Path, needle: str) -> str:
    for page in PAGES:
        if needle in (site / f"{page}.html").read_text(encoding="utf-8"):
            return page
    raise AssertionError(f"no page contains {needle!r}")


def test_audits_catch_a_deliberately_broken_site(browser, site, tmp_path):
    """Break a copy of the site in six ways; each audit must report its own breakage."""
    broken = copy_site(site, tmp_path / "html")
    figure_page = _first_page_with(broken, "_images/")
    math_page = _first_page_with(broken, 'class="math')
    figure_html = broken / f"{figure_page}.html"
    html = figure_html.read_text(encoding="utf-8")
    image = re.search(r'src="([^"]*_images/[^"]+\.png)"', html).group(1)
    (figure_html.parent / image).write_bytes(b"\x89PNG\r\n\x1a\n not an image")  # broken image
    html = html.replace("</article>", '<a href="no-such-page.html">gone</a></article>', 1)
    html = html.replace("</article>", '<a href="#no-such-anchor">gone</a></article>', 1)
    html = html.replace("</body>", "<script>notDefinedAnywhere();</script></body>", 1)
    html = html.replace(
        "</article>", '<p style="width: 1500px">a very wide paragraph</p></article>', 1
    )
    figure_html.write_text(html, encoding="utf-8")
    math_html = broken / f"{math_page}.html"
    math_text = re.sub(
        r"<script[^>]*mathjax/tex-chtml\.js[^>]*></script>", "", math_html.read_text()
    )
    math_html.write_text(math_text, encoding="utf-8")

    with serve(broken) as base:
        figure_audit = audit_page(browser, f"{base}{figure_page}.html", base)
        math_audit = audit_page(browser, f"{base}{math_page}.html", base)
    assert figure_audit.broken_images, "a corrupt PNG went unnoticed"
    assert any("notDefinedAnywhere" in e for e in figure_audit.console_errors)
    assert figure_audit.horizontal_overflow > 0, "a 1500px paragraph did not overflow a phone"
    assert math_audit.raw_math, "formulas without MathJax went unnoticed"
    dead = broken_internal_links(broken)
    assert any("no-such-page.html" in d for d in dead)
    assert any("#no-such-anchor" in d for d in dead)
