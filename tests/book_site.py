"""The built book as a reader gets it: build it, serve it, and audit it in a real browser.

The audits are plain functions over a site folder (or a served URL), so the tests can run
them on the fresh build and on a deliberately broken copy of it and see them fail there.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import yaml

ROOT = Path(__file__).resolve().parents[1]
JUPYTER_BOOK = Path(sys.executable).parent / "jupyter-book"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
# Flags for a closed network: without the background-networking ones Chromium keeps trying
# to reach Google's hosts, and each refused connection is noise in the logs.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 375, "height": 740}


def toc_files() -> list[str]:
    """Every page of ``_toc.yml`` in reading order (root first), without suffix."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(node):
        for key in ("parts", "chapters", "sections"):
            for child in node.get(key, []):
                if "file" in child:
                    files.append(child["file"])
                walk(child)

    walk(toc)
    return files


def chapter_indexes() -> list[str]:
    """The chapter pages (``book/NN_name/index``)."""
    return [f for f in toc_files() if re.fullmatch(r"book/\d\d_[a-z0-9_]+/index", f)]


def build_book(out: Path) -> subprocess.CompletedProcess:
    """A clean build (fresh execution cache) of the book into ``out/_build/html``."""
    proc = subprocess.run(
        [
            str(JUPYTER_BOOK),
            "build",
            str(ROOT),
            "--path-output",
            str(out),
            "--warningiserror",
            "--nitpick",
            "--keep-going",
        ],
        capture_output=True,
        text=True,
        timeout=3600,
    )
    proc.html = out / "_build" / "html"
    return proc


def copy_site(html: Path, dest: Path) -> Path:
    shutil.copytree(html, dest)
    return dest


# --------------------------------------------------------------------------------------------
# Links and anchors (static: every internal href of every page)


class _LinkParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self.srcs: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name"):
            if attrs.get(key):
                self.ids.add(attrs[key])
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
        if tag in ("img", "script") and attrs.get("src"):
            self.srcs.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            self.srcs.append(attrs["href"])


@functools.cache
def _parse(path: Path) -> _LinkParser:
    parser = _LinkParser()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return parser


def broken_internal_links(html: Path) -> list[str]:
    """``page: href`` for each internal link, anchor or asset that does not resolve."""
    _parse.cache_clear()
    problems = []
    for page in sorted(html.rglob("*.html")):
        if page.relative_to(html).parts[0] in ("_static", "_sources"):
            continue  # theme templates and page sources, not pages
        parsed = _parse(page)
        rel = page.relative_to(html).as_posix()
        for ref in [*parsed.hrefs, *parsed.srcs]:
            parts = urlsplit(ref)
            if parts.scheme or parts.netloc or ref.startswith(("mailto:", "javascript:", "data:")):
                continue
            target = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                problems.append(f"{rel}: {ref} (no such file)")
                continue
            if parts.fragment and target.suffix == ".html":
                if unquote(parts.fragment) not in _parse(target).ids:
                    problems.append(f"{rel}: {ref} (no anchor #{parts.fragment})")
    return problems


# --------------------------------------------------------------------------------------------
# Serving and the browser


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def serve(folder: Path):
    """Serve ``folder`` on 127.0.0.1 (a free port); yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def chromium_path() -> str | None:
    for candidate in (os.environ.get("COURSE_CHROMIUM"), *CHROMIUM_CANDIDATES):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


@dataclass
class PageAudit:
    """What a reader's browser saw on one page."""

    url: str
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    broken_images: list[str] = field(default_factory=list)
    images_without_alt: list[str] = field(default_factory=list)
    raw_math: list[str] = field(default_factory=list)
    horizontal_overflow: int = 0  # CSS pixels of page-level horizontal scroll on a phone

    def problems(self) -> list[str]:
        out = [f"console error: {m}" for m in self.console_errors]
        out += [f"failed request: {m}" for m in self.failed_requests]
        out += [f"image does not decode: {m}" for m in self.broken_images]
        out += [f"image without alt text: {m}" for m in self.images_without_alt]
        out += [f"math left as raw TeX: {m}" for m in self.raw_math]
        if self.horizontal_overflow > 0:
            out.append(f"page scrolls sideways by {self.horizontal_overflow}px on a phone")
        return out


# Images: complete and decoded (naturalWidth > 0), and an alt text that is not a file name.
_IMAGES_JS = """() => Array.from(document.images).map(img => ({
    src: img.getAttribute('src'), ok: img.complete && img.naturalWidth > 0,
    alt: (img.getAttribute('alt') || '').trim()}))"""

# After MathJax has typeset the page, every Sphinx math element holds an mjx-container; any
# \\( \\[ left in the prose outside code means a formula was not rendered.
_MATH_JS = """async () => {
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
        await MathJax.startup.promise;
    }
    const raw = [];
    for (const el of document.querySelectorAll('.math')) {
        if (!el.querySelector('mjx-container')) raw.push(el.textContent.trim().slice(0, 60));
    }
    const article = document.querySelector('article') || document.body;
    const clone = article.cloneNode(true);
    clone.querySelectorAll('pre, code, mjx-container, script, style').forEach(n => n.remove());
    const text = clone.textContent;
    for (const marker of ['\\\\(', '\\\\[', '$$', '\\\\frac', '\\\\begin{']) {
        const at = text.indexOf(marker);
        if (at >= 0) raw.push(text.slice(Math.max(0, at - 20), at + 40).replace(/\\s+/g, ' '));
    }
    return raw;
}"""

_OVERFLOW_JS = """() => Math.max(0,
    document.documentElement.scrollWidth - document.documentElement.clientWidth)"""


def _is_file_name(alt: str) -> bool:
    return bool(re.search(r"\.(png|jpe?g|svg|gif)$", alt)) or "/_images/" in alt


def audit_page(browser, url: str, base: str) -> PageAudit:
    """Open ``url`` at desktop size, then at phone size, and record what went wrong."""
    audit = PageAudit(url)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.on(
        "console",
        lambda msg: msg.type == "error" and audit.console_errors.append(msg.text[:300]),
    )
    page.on("pageerror", lambda exc: audit.console_errors.append(f"uncaught: {exc}"[:300]))
    page.on(
        "requestfailed",
        lambda req: audit.failed_requests.append(f"{req.url} ({req.failure})"),
    )

    def on_response(resp):
        if resp.status >= 400:
            audit.failed_requests.append(f"{resp.url} (HTTP {resp.status})")

    page.on("response", on_response)

    # Offline: anything that is not the local site must not even be asked for.
    def route(route_):
        if route_.request.url.startswith(base) or route_.request.url.startswith("data:"):
            route_.continue_()
        else:
            audit.failed_requests.append(f"{route_.request.url} (not served by the site)")
            route_.abort()

    page.route("**/*", route)
    page.goto(url, wait_until="load")
    for img in page.evaluate(_IMAGES_JS):
        if not img["ok"]:
            audit.broken_images.append(img["src"])
        elif not img["alt"] or _is_file_name(img["alt"]):
            if "logo" not in (img["src"] or ""):
                audit.images_without_alt.append(img["src"])
    audit.raw_math = page.evaluate(_MATH_JS)
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(100)
    audit.horizontal_overflow = int(page.evaluate(_OVERFLOW_JS))
    context.close()
    return audit


def next_page_walk(browser, start_url: str, limit: int = 500) -> list[str]:
    """Follow the "next" button from ``start_url`` to the end; the URLs in order."""
    page = browser.new_page()
    urls = []
    url = start_url
    while url and len(urls) < limit:
        page.goto(url, wait_until="load")
        urls.append(page.url.split("#")[0])
        nxt = page.query_selector("a.right-next")
        url = urljoin(page.url, nxt.get_attribute("href")) if nxt else None
    page.close()
    return urls


def search_hits(browser, base: str, query: str) -> list[str]:
    """The result titles the site's search page lists for ``query``."""
    page = browser.new_page()
    page.goto(f"{base}search.html?q={query}", wait_until="load")
    page.wait_for_function(
        "() => document.querySelector('#search-results') &&"
        " (document.querySelectorAll('#search-results li').length > 0 ||"
        "  /did not match|no documents|found 0/i.test("
        "     document.querySelector('#search-results').textContent))",
        timeout=30_000,
    )
    titles = page.eval_on_selector_all(
        "#search-results li a", "els => els.map(e => e.textContent.trim())"
    )
    page.close()
    return titles
