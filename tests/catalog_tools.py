"""Build submissions from the catalog of wrong and correct implementations.

A catalog entry is a ``.py`` file under ``tests/catalog/<assignment>/{wrong,correct}/``::

    \"\"\"One line: the mistake (or the alternative) in a student's words.

    loses: adam_matches_torch_after_200_steps, adam_leaves_inputs_unmodified
    message: bias correction
    \"\"\"
    # %% cell: adam_implementation
    class Adam:
        ...

``loses`` (wrong entries only) names the graded test cells that must lose points;
``message`` is a phrase the failure feedback must contain (case-insensitive). Each
``# %% cell: <grade_id>`` block replaces that solution cell; solution cells an entry does
not name get the reference solution, so an entry isolates one mistake.
"""

from __future__ import annotations

import ast
import copy
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
CATALOG = Path(__file__).resolve().parent / "catalog"

_CELL_MARK = re.compile(r"^# %% cell: (?P<grade_id>[A-Za-z0-9_\-]+)\s*$", re.MULTILINE)
_SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


@dataclass
class CatalogEntry:
    path: Path
    kind: str  # "wrong" or "correct"
    description: str
    loses: list[str] = field(default_factory=list)
    message: str | None = None
    cells: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.path.stem


def load_entry(path: Path) -> CatalogEntry:
    text = path.read_text()
    docstring = ast.get_docstring(ast.parse(text)) or ""
    lines = docstring.splitlines()
    meta = {}
    for line in lines[1:]:
        key, sep, value = line.partition(":")
        if sep and key.strip() in ("loses", "message"):
            meta[key.strip()] = value.strip()
    parts = _CELL_MARK.split(text)
    # split() gives [preamble, id1, body1, id2, body2, ...]
    cells = {
        gid: body.strip("\n") + "\n" for gid, body in zip(parts[1::2], parts[2::2], strict=True)
    }
    entry = CatalogEntry(
        path=path,
        kind=path.parent.name,
        description=lines[0] if lines else "",
        loses=[s.strip() for s in meta.get("loses", "").split(",") if s.strip()],
        message=meta.get("message") or None,
        cells=cells,
    )
    if not entry.cells:
        raise ValueError(f"{path}: no '# %% cell: <grade_id>' block")
    if entry.kind == "wrong" and not entry.loses:
        raise ValueError(f"{path}: a wrong entry must say which tests it 'loses:'")
    return entry


def entries(assignment: str, kind: str) -> list[CatalogEntry]:
    folder = CATALOG / assignment / kind
    return [load_entry(p) for p in sorted(folder.glob("*.py"))]


def source_notebook(assignment: str) -> nbformat.NotebookNode:
    return nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)


def release_notebook(assignment: str) -> nbformat.NotebookNode:
    return nbformat.read(ROOT / "exercises" / assignment / f"{assignment}.ipynb", as_version=4)


def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def strip_solution_markers(source: str) -> str:
    return (
        "\n".join(line for line in source.splitlines() if line.strip() not in _SOLUTION_MARKERS)
        + "\n"
    )


def reference_solutions(assignment: str) -> dict[str, str]:
    """grade_id -> the reference answer of every solution cell (markers removed)."""
    out = {}
    for cell in source_notebook(assignment).cells:
        meta = _nbgrader(cell)
        if meta.get("solution"):
            out[meta["grade_id"]] = strip_solution_markers(cell.source)
    return out


def build_submission(
    assignment: str, overrides: dict[str, str] | None = None, blank: bool = False
) -> nbformat.NotebookNode:
    """The student release with every solution cell answered.

    Answers come from ``overrides`` where given, else from the reference solution;
    ``blank=True`` returns the release untouched (a student who handed in nothing).
    """
    nb = copy.deepcopy(release_notebook(assignment))
    if blank:
        return nb
    answers = {**reference_solutions(assignment), **(overrides or {})}
    unknown = set(overrides or {}) - set(reference_solutions(assignment))
    if unknown:
        raise KeyError(f"no solution cell named {sorted(unknown)} in {assignment}")
    for cell in nb.cells:
        meta = _nbgrader(cell)
        if meta.get("solution") and meta.get("grade_id") in answers:
            cell.source = answers[meta["grade_id"]]
    return nb


def solution_namespace(assignment: str, overrides: dict[str, str] | None = None) -> dict:
    """Execute the notebook's plain code and solution cells (no tests) in a fresh namespace.

    Fast path for unit tests of the checks: no kernel, no nbgrader.
    """
    answers = {**reference_solutions(assignment), **(overrides or {})}
    ns: dict = {"__name__": f"submission_{assignment}"}
    for cell in source_notebook(assignment).cells:
        if cell.cell_type != "code":
            continue
        meta = _nbgrader(cell)
        if meta.get("grade") and not meta.get("solution"):
            continue  # a test cell
        source = answers.get(meta.get("grade_id"), strip_solution_markers(cell.source))
        exec(compile(source, f"<{assignment}:{meta.get('grade_id', 'cell')}>", "exec"), ns)
    return ns


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def graded_test_sources(nb: nbformat.NotebookNode) -> dict[str, str]:
    """grade_id -> source of every autograded test cell, in notebook order."""
    return {
        nbgrader_meta(c)["grade_id"]: c.source
        for c in nb.cells
        if c.cell_type == "code"
        and nbgrader_meta(c).get("grade")
        and not nbgrader_meta(c).get("solution")
    }


def student_view(assignment: str) -> nbformat.NotebookNode:
    """The release as nbgrader makes it (solutions and hidden tests removed), without nbgrader's app."""
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

    nb = copy.deepcopy(source_notebook(assignment))
    nb, resources = ClearSolutions().preprocess(nb, {})
    nb, _ = ClearHiddenTests().preprocess(nb, resources)
    return nb


def failing_cells(ns: dict, cells: dict[str, str]) -> dict[str, str]:
    """grade_id -> 'ExcType: message' of the test cells that fail when run against ``ns``.

    Each cell runs in its own copy of ``ns``, with warnings silenced as in a kernel's log.
    """
    import warnings

    failed = {}
    for grade_id, source in cells.items():
        scope = dict(ns)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                exec(compile(source, f"<{grade_id}>", "exec"), scope)
            except Exception as exc:
                failed[grade_id] = f"{type(exc).__name__}: {exc}"
    return failed
