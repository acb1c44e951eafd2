"""Book build speed: a clean build, a rebuild with no change, and a rebuild after one page changed.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/book_build.py``). The book is copied
to a temporary folder first, so the repository's own ``_build`` and cache are not touched.
A page counts as executed when the build log says so ("Executing notebook"); the goal is that a
rebuild with no change executes nothing and a one-page change executes only that page.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
JUPYTER_BOOK = Path(sys.executable).parent / "jupyter-book"
SKIP = {".git", ".venv", "_build", ".pytest_cache", ".ruff_cache", "solutions", "tests"}
EXECUTED = re.compile(r"(\S+\.md): Executing notebook")


def build(book: Path) -> tuple[float, list[str]]:
    start = time.perf_counter()
    proc = subprocess.run(
        [str(JUPYTER_BOOK), "build", str(book), "--warningiserror", "--nitpick", "--keep-going"],
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"build failed:\n{(proc.stdout + proc.stderr)[-4000:]}")
    executed = [Path(p).relative_to(book).as_posix() for p in EXECUTED.findall(proc.stdout)]
    return seconds, executed


def page_execution_seconds(book: Path) -> dict[str, float]:
    """Each page's execution time, as the execution cache recorded it."""
    from jupyter_cache import get_cache

    cache = get_cache(book / "_build" / ".jupyter_cache")
    return {
        Path(record.uri).relative_to(book).as_posix(): record.data.get("execution_seconds", 0.0)
        for record in cache.list_cache_records()
    }


def touch_one_code_cell(page: Path) -> None:
    """Change one page's code (a comment in its first code cell), as an author would."""
    text = page.read_text(encoding="utf-8")
    marker = "```{code-cell} ipython3\n"
    at = text.index(marker) + len(marker)
    # a cell may open with an options block (---...---): put the comment after it
    if text[at:].startswith("---\n"):
        at = text.index("---\n", at + 4) + 4
    page.write_text(text[:at] + "# benchmark: edited\n" + text[at:], encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--page", default="book/06_lr_schedules/index.md", help="the page to change"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="book-bench-") as tmp:
        book = Path(tmp) / "book"
        shutil.copytree(ROOT, book, ignore=lambda d, names: [n for n in names if n in SKIP])
        clean, executed_clean = build(book)
        per_page = page_execution_seconds(book)
        again, executed_again = build(book)
        touch_one_code_cell(book / args.page)
        one, executed_one = build(book)
    print(f"{'page execution (clean build)':<48} {'seconds':>8}")
    for page, seconds in sorted(per_page.items(), key=lambda kv: -kv[1]):
        print(f"{page:<48} {seconds:8.1f}{'  over the 60 s goal' if seconds > 60 else ''}")
    print()
    rows = [
        ("clean build", clean, len(executed_clean)),
        ("rebuild, no change", again, len(executed_again)),
        (f"rebuild, {args.page} changed", one, len(executed_one)),
    ]
    print(f"{'book build':<48} {'seconds':>8} {'pages executed':>15}")
    for name, seconds, count in rows:
        print(f"{name:<48} {seconds:8.1f} {count:15d}")
    print(f"no-change rebuild / clean build: {again / clean:.3f}")
    problems = []
    if executed_again:
        problems.append(f"a rebuild with no change executed {executed_again}")
    if executed_one != [args.page]:
        problems.append(f"changing {args.page} executed {executed_one}")
    if problems:
        sys.exit("; ".join(problems))


if __name__ == "__main__":
    main()
