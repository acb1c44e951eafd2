"""Find text from solutions and hidden tests where students can read it."""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat

REGIONS = [
    ("### BEGIN SOLUTION", "### END SOLUTION"),
    ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"),
]
MIN_LINE = 16  # shorter lines ("return w", "import numpy as np") are not evidence of a leak


def secret_lines(source_nb: Path) -> set[str]:
    """Distinctive lines that appear only inside solution or hidden-test regions."""
    nb = nbformat.read(source_nb, as_version=4)
    secret, public = set(), set()
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        lines = [line.strip() for line in cell.source.splitlines()]
        if cell.cell_type == "markdown" and meta.get("solution"):
            secret.update(lines)  # a model answer to a written question
            continue
        inside = None
        for line in lines:
            if inside is None:
                for begin, end in REGIONS:
                    if line == begin:
                        inside = end
                        break
                else:
                    public.add(line)
            elif line == inside:
                inside = None
            else:
                secret.add(line)
    return {line for line in secret - public if len(line) >= MIN_LINE}


def readable_text(path: Path) -> str:
    """A file's text as a reader sees it (HTML tags stripped and entities decoded)."""
    raw = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix in (".html", ".htm"):
        raw = html.unescape(re.sub(r"<[^>]+>", "", raw))
    return raw.replace("\\n", "\n").replace('\\"', '"')


def find_leaks(secrets: set[str], folder: Path) -> list[tuple[str, str]]:
    """(file, secret line) for every secret line found in a text file under ``folder``."""
    found = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix not in (
            ".html",
            ".ipynb",
            ".md",
            ".txt",
            ".py",
            ".js",
            ".json",
        ):
            continue
        text = readable_text(path)
        found += [(str(path.relative_to(folder)), s) for s in sorted(secrets) if s in text]
    return found
