"""The student's self-check: run an exercise notebook's visible tests in a fresh kernel.

``python -m autograder validate NOTEBOOK`` (or :func:`check` from a notebook cell) takes the
student's saved notebook, puts back the release's original test cells (a test cell that was
edited or deleted is restored, as the grader does), runs everything in a fresh kernel, and
prints a pass/fail line per test cell. It warns about what would surprise the student at
grading time: an edited or deleted test cell, a function that is not defined, a notebook saved
with errors. It is honest about what it cannot see: passing the visible tests is not a grade,
because hidden tests, which only the grader has, decide the points.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .config import RELEASE_DIR
from .course import CourseError

PACKAGE_ROOT = Path(__file__).resolve().parents[1]


@dataclass
class TestResult:
    grade_id: str
    points: float
    passed: bool
    message: str = ""


@dataclass
class SelfCheckReport:
    notebook: Path
    assignment: str
    results: list[TestResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    manual_points: float = 0.0

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.results)

    @property
    def all_passed(self) -> bool:
        return bool(self.results) and self.passed == len(self.results)

    def render(self) -> str:
        lines = [f"Self-check of {self.notebook.name} ({self.assignment}): visible tests only", ""]
        for r in self.results:
            mark = "PASS" if r.passed else "FAIL"
            pts = f"{r.points:g} pt" + ("" if r.points == 1 else "s")
            line = f"  {mark}  {r.grade_id} ({pts})"
            if not r.passed and r.message:
                line += f"\n        {r.message}"
            lines.append(line)
        if self.warnings:
            lines += ["", "Warnings:"] + [f"  - {w}" for w in self.warnings]
        lines += [
            "",
            f"Visible tests passed in {self.passed} of {len(self.results)} test cells.",
            "This is not your grade. The grader also runs hidden tests (random inputs, edge "
            "cases, comparisons with reference libraries) that are not in your notebook, so "
            "code that passes every visible test can still lose points.",
        ]
        if self.manual_points:
            lines.append(
                f"Written answers ({self.manual_points:g} points) are graded by hand and are "
                "not checked here."
            )
        return "\n".join(lines)


def _meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _is_test_cell(cell) -> bool:
    meta = _meta(cell)
    return cell.cell_type == "code" and meta.get("grade") and not meta.get("solution")


def _read(path: Path, what: str):
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CourseError(f"{path}: cannot read the {what}: {exc.strerror or exc}") from exc
    if not raw.strip():
        raise CourseError(f"{path}: the file is empty (save the notebook in Jupyter first)")
    try:
        nb = nbformat.reads(raw.decode("utf-8"), as_version=4)
    except UnicodeDecodeError as exc:
        raise CourseError(f"{path}: not a notebook (the file is not UTF-8 text)") from exc
    except Exception as exc:  # nbformat raises several kinds on broken JSON
        raise CourseError(f"{path}: not a readable notebook ({type(exc).__name__}: {exc})") from exc
    return nb


def release_notebook_for(notebook: Path, course_root: Path | None = None) -> tuple[str, Path]:
    """The assignment a student's notebook belongs to, and its released notebook."""
    root = Path(course_root) if course_root else PACKAGE_ROOT
    stem = notebook.stem
    release = root / RELEASE_DIR / stem / f"{stem}.ipynb"
    if not release.is_file():
        known = sorted(p.name for p in (root / RELEASE_DIR).glob("*") if p.is_dir())
        raise CourseError(
            f"{notebook}: no released assignment named {stem!r} in {root / RELEASE_DIR} "
            f"(keep the notebook's original file name; assignments: {', '.join(known) or 'none'})"
        )
    return stem, release


def _restore_test_cells(student, release, warnings: list[str]):
    """The student's notebook with every release test cell in its original form."""
    originals = {_meta(c)["grade_id"]: c for c in release.cells if _is_test_cell(c)}
    nb = copy.deepcopy(student)
    seen = set()
    for i, cell in enumerate(nb.cells):
        gid = _meta(cell).get("grade_id")
        if gid in originals and gid not in seen:
            seen.add(gid)
            if cell.source != originals[gid].source:
                warnings.append(
                    f"test cell {gid!r} was edited: the grader uses the original, so this "
                    "check does too"
                )
            nb.cells[i] = copy.deepcopy(originals[gid])
    # Put back deleted test cells after the cell that precedes them in the release.
    order = [_meta(c).get("grade_id") for c in release.cells]
    for gid, original in originals.items():
        if gid in seen:
            continue
        warnings.append(
            f"test cell {gid!r} was deleted: the grader puts it back, so this check does"
        )
        at = len(nb.cells)
        for prev in reversed(order[: order.index(gid)]):
            hits = [j for j, c in enumerate(nb.cells) if _meta(c).get("grade_id") == prev]
            if hits:
                at = hits[0] + 1
                break
        nb.cells.insert(at, copy.deepcopy(original))
    return nb


def _first_line(text: str, limit: int = 400) -> str:
    text = re.sub(r"\x1b\[[0-9;]*m", "", text).strip()
    return (text.splitlines() or [""])[0][:limit]


def validate(
    notebook: str | Path, course_root: Path | None = None, cell_timeout: int = 120
) -> SelfCheckReport:
    """Run the visible tests of a saved exercise notebook in a fresh kernel."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    path = Path(notebook).resolve()
    student = _read(path, "notebook")
    assignment, release_path = release_notebook_for(path, course_root)
    release = _read(release_path, "released notebook")
    report = SelfCheckReport(path, assignment)
    report.manual_points = sum(
        float(_meta(c).get("points", 0))
        for c in release.cells
        if _meta(c).get("grade") and _meta(c).get("solution") and c.cell_type == "markdown"
    )

    saved_errors = [
        _meta(c).get("grade_id") or f"cell {i + 1}"
        for i, c in enumerate(student.cells)
        if c.cell_type == "code"
        and any(o.get("output_type") == "error" for o in c.get("outputs", []))
    ]
    if saved_errors:
        report.warnings.append(
            "the notebook was saved with errors in: "
            + ", ".join(saved_errors)
            + " (run all cells from the top and save again before handing in)"
        )

    nb = _restore_test_cells(student, release, report.warnings)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    client = NotebookClient(
        nb,
        timeout=cell_timeout,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(path.parent)}},
    )
    try:
        client.execute()
    except (CellTimeoutError, DeadKernelError) as exc:
        report.warnings.append(f"the run stopped early: {_first_line(str(exc))}")

    undefined = set()
    for cell in nb.cells:
        if not _is_test_cell(cell):
            continue
        meta = _meta(cell)
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        ran = cell.get("execution_count") is not None
        if errors:
            err = errors[0]
            message = f"{err.get('ename')}: {_first_line(err.get('evalue', ''))}"
            if err.get("ename") == "NotImplementedError":
                message = "not implemented yet (a solution cell still raises NotImplementedError)"
            match = re.match(r"name '(\w+)' is not defined", err.get("evalue", ""))
            if err.get("ename") == "NameError" and match:
                undefined.add(match.group(1))
            result = TestResult(meta["grade_id"], float(meta.get("points", 0)), False, message)
        elif not ran:
            result = TestResult(
                meta["grade_id"], float(meta.get("points", 0)), False, "did not run"
            )
        else:
            result = TestResult(meta["grade_id"], float(meta.get("points", 0)), True)
        report.results.append(result)
    for name in sorted(undefined):
        report.warnings.append(
            f"{name!r} is not defined: write it in its solution cell (keep the given name) "
            "and run that cell"
        )
    return report


def check(notebook: str | Path, cell_timeout: int = 120) -> SelfCheckReport:
    """Self-check from inside a notebook: ``check("a4_optimizers.ipynb")``.

    It reads the notebook file as last saved, so save first (Ctrl-S).
    """
    report = validate(notebook, cell_timeout=cell_timeout)
    print(report.render())
    return report
