"""A Sphinx extension for the book: fixes the stock jupyter-book 1.x site for offline readers.

Enabled in ``_config.yml`` (``sphinx: extra_extensions``). It does three things:

* **Each inline script once.** Sphinx 7.4 emits some inline scripts twice per page (fixed
  upstream in sphinx-doc/sphinx#13402, which jupyter-book 1.x's Sphinx pin does not admit):
  sphinx-thebe's ``const THEBE_JS_URL = ...`` then fails with "Identifier 'THEBE_JS_URL' has
  already been declared" on every page. The page context's script list is de-duplicated.
* **MathJax served by the site.** The default MathJax comes from a CDN, so without network
  formulas stay raw TeX. MathJax 3 is copied from the ``sphinx-mathjax-offline`` package into
  ``_static/mathjax`` and pages load it from there.
* **Long outputs trimmed.** A cell output longer than :data:`MAX_OUTPUT_LINES` lines shows its
  head and tail with a note of how many lines were left out, so a page never becomes a wall
  of printed numbers.
* **Alt text for figures.** Images that notebook cells print get ``alt`` text from the PNG's
  ``Description`` field, which :func:`coursekit.plotting.setup_style` makes Matplotlib write
  (from the figure's titles and axis labels); Sphinx would otherwise use the file name.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

MATHJAX_SCRIPT = "mathjax/tex-chtml.js"  # relative to _static/
MAX_OUTPUT_LINES = 40
KEEP_HEAD, KEEP_TAIL = 25, 10


def _mathjax_static_dir() -> Path | None:
    """The folder holding ``mathjax/`` in the installed sphinx-mathjax-offline package."""
    spec = importlib.util.find_spec("sphinx-mathjax-offline")
    if spec is None or spec.origin is None:
        return None
    static = Path(spec.origin).parent / "static"
    return static if (static / MATHJAX_SCRIPT).is_file() else None


def _use_local_mathjax(app: Sphinx, config: Any) -> None:
    static = _mathjax_static_dir()
    if static is None:
        logger.warning(
            "sphinx-mathjax-offline is not installed: formulas load MathJax from a CDN and "
            "stay raw TeX for readers without network (pip install sphinx-mathjax-offline)"
        )
        return
    config.html_static_path = [*config.html_static_path, str(static)]
    config.mathjax_path = MATHJAX_SCRIPT


def _dedupe_assets(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any
) -> None:
    for key in ("script_files", "css_files"):
        assets = context.get(key)
        if not assets:
            continue
        seen, unique = set(), []
        for asset in assets:
            # An inline script is registered once with filename None and once with "" (the
            # Sphinx 7.4 bug): both mean "no file", so they compare equal here.
            filename = getattr(asset, "filename", asset) or ""
            attributes = getattr(asset, "attributes", {})
            ident = (str(filename), tuple(sorted(attributes.items())))
            if ident not in seen:
                seen.add(ident)
                unique.append(asset)
        context[key] = unique


def png_description(path: Path) -> str | None:
    """The ``Description`` text stored in a PNG file, or None."""
    try:
        from PIL import Image

        with Image.open(path) as image:
            text = getattr(image, "text", {}) or {}
    except (OSError, ValueError):
        return None
    description = text.get("Description", "").strip()
    return description or None


def _figure_alt_text(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    srcdir = Path(app.srcdir)
    for image in doctree.findall(nodes.image):
        uri = image.get("uri", "")
        if image.get("alt") and image["alt"] != uri:
            continue  # an author's alt text wins
        candidate = image.get("candidates", {}).get("image/png") or (
            uri if uri.endswith(".png") else None
        )
        if candidate is None:
            continue
        path = Path(candidate)
        if not path.is_absolute():
            path = srcdir / path
        description = png_description(path)
        if description:
            image["alt"] = description


def trim_lines(text: str) -> str:
    """``text`` itself, or its head and tail when it has more than MAX_OUTPUT_LINES lines."""
    lines = text.splitlines()
    if len(lines) <= MAX_OUTPUT_LINES:
        return text
    left_out = len(lines) - KEEP_HEAD - KEEP_TAIL
    return "\n".join(
        [*lines[:KEEP_HEAD], f"... ({left_out} more lines not shown) ...", *lines[-KEEP_TAIL:]]
    )


def _trim_long_outputs(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for block in doctree.findall(nodes.literal_block):
        if "output" not in block.get("classes", []):
            continue
        text = block.astext()
        trimmed = trim_lines(text)
        if trimmed != text:
            block.children = [nodes.Text(trimmed)]
            block.rawsource = trimmed


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _use_local_mathjax)
    app.connect("html-page-context", _dedupe_assets, priority=900)
    app.connect("doctree-resolved", _figure_alt_text)
    app.connect("doctree-resolved", _trim_long_outputs)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
