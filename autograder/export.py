"""``python -m autograder export``: every graded assignment in one CSV for an LMS gradebook.

Long form: one row per student and assignment (``student_id, assignment, score, max_score``
first, the four columns LMS grade imports map), so adding an assignment adds rows, never
columns. Sources are nbgrader gradebooks (``--db URL``, e.g. one database that every ``grade``
run wrote into) and graded folders (``--out DIR``: its gradebook plus its results.json, which
also knows the hand-ins that could not be graded). A student the gradebook knows who handed
nothing in for an assignment gets an empty score and status ``no submission``, so that an
import never records a 0 nobody decided on.
"""

from __future__ import annotations

import csv
from datetime import timezone
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from .course import CourseError
from .output import _cell, fmt
from .results import GradingRun

COLUMNS = [
    "student_id",
    "assignment",
    "score",
    "max_score",
    "raw_score",
    "late_penalty",
    "submitted_at",
    "status",
]


def _gradebook_rows(url: str) -> dict[tuple[str, str], dict]:
    rows = {}
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        # nbgrader would create an empty gradebook there and export nothing.
        raise CourseError(f"{url}: no such gradebook file")
    try:
        gb = Gradebook(url)
    except Exception as exc:  # SQLAlchemy and alembic raise many kinds for a bad URL or file
        raise CourseError(
            f"{url}: cannot open the gradebook ({type(exc).__name__}: {exc})"
        ) from exc
    with gb:
        students = [s.id for s in gb.students]
        for assignment in gb.assignments:
            for sid in students:
                row = {"student_id": sid, "assignment": assignment.name}
                row["max_score"] = fmt(assignment.max_score)
                try:
                    sub = gb.find_submission(assignment.name, sid)
                except MissingEntry:
                    row.update(score="", raw_score="", late_penalty="", submitted_at="")
                    row["status"] = "no submission"
                    rows[sid, assignment.name] = row
                    continue
                penalty = sub.late_submission_penalty or 0.0
                stamp = sub.timestamp
                row.update(
                    score=fmt(max(0.0, sub.score - penalty)),
                    raw_score=fmt(sub.score),
                    late_penalty=fmt(penalty),
                    submitted_at=(
                        stamp.replace(tzinfo=timezone.utc).isoformat(timespec="seconds")
                        if stamp
                        else ""
                    ),
                    status="manual grading pending" if sub.needs_manual_grade else "graded",
                )
                rows[sid, assignment.name] = row
    return rows


def _results_rows(run: GradingRun) -> dict[tuple[str, str], dict]:
    rows = {}
    for s in run.students:
        status = s.status
        if s.status == "graded" and s.manual_pending:
            status = "manual grading pending"
        elif s.status != "graded":
            status = f"not graded: {s.reason}"
        rows[s.student_id, run.assignment] = {
            "student_id": s.student_id,
            "assignment": run.assignment,
            "score": fmt(s.final_score),
            "max_score": fmt(s.max_score),
            "raw_score": fmt(s.score),
            "late_penalty": fmt(s.penalty_points),
            "submitted_at": s.submitted_at or "",
            "status": status,
        }
    return rows


def export_gradebooks(db_urls: list[str], out_dirs: list[Path], dest: Path) -> tuple[Path, int]:
    """Write the combined CSV; return its path and number of rows."""
    rows: dict[tuple[str, str], dict] = {}
    runs = [GradingRun.load(d) for d in out_dirs]
    for url in dict.fromkeys([*db_urls, *(r.db_url for r in runs)]):
        rows.update(_gradebook_rows(url))
    for run in runs:  # results.json knows more (hand-ins that could not be graded, reasons)
        rows.update(_results_rows(run))
    dest.parent.mkdir(parents=True, exist_ok=True)
    with open(dest, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        for key in sorted(rows):
            row = rows[key]
            writer.writerow(
                {**row, "student_id": _cell(row["student_id"]), "status": _cell(row["status"])}
            )
    return dest, len(rows)
