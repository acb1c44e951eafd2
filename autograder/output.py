"""What a grading run leaves for the instructor: feedback pages, grades.csv, a summary."""

from __future__ import annotations

import csv
import hashlib
import re
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from .policy import format_late
from .results import GradedCell, GradingRun, StudentResult

STATUS_LABELS = {
    "passed": "passed",
    "failed": "failed",
    "pending": "awaiting manual grading",
    "graded": "graded by hand",
}


def fmt(x: float) -> str:
    # Rounded so that float sums (0.1 + 0.2) never show as 0.30000000000000004.
    return f"{round(x, 4):g}"


_env = Environment(
    loader=PackageLoader("autograder", "templates"), autoescape=select_autoescape(["html"])
)


def feedback_name(student_id: str) -> str:
    """A file name for a student's feedback; ids that are not safe names get a hashed one."""
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}", student_id):
        return f"{student_id}.html"
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", student_id).strip("._")[:40] or "student"
    return f"{slug}-{hashlib.sha256(student_id.encode()).hexdigest()[:8]}.html"


def _cell(value: str) -> str:
    """Keep spreadsheets from running a cell as a formula (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


# Notes on a feedback page: flags a student should know about (the others are for the
# instructor's report only, e.g. a written answer changed after hand grading).
STUDENT_FLAGS = (
    "edited test cells",
    "deleted test cells",
    "duplicated graded cells",
    "added graded cells",
    "changed metadata",
    "forged outputs",
    "unknown kernel",
    "forbidden imports",
    "cell raised",
    "timeout",
    "late",
)


def write_feedback(result: StudentResult, out_dir: Path, run: GradingRun | None = None) -> Path:
    path = Path(out_dir) / "feedback" / feedback_name(result.student_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    notes = [f for f in result.flags if f["kind"] in STUDENT_FLAGS and f["kind"] != "late"]
    html = _env.get_template("feedback.html").render(
        r=result,
        fmt=fmt,
        labels=STATUS_LABELS,
        notes=notes,
        policy=run.policy if run else None,
        late_by=format_late(result.late_seconds),
    )
    path.write_text(html, encoding="utf-8")
    return path


BASE_COLUMNS = ["student_id", "assignment", "score", "max_score", "status", "manual_pending"]
LATE_COLUMNS = ["raw_score", "penalty_percent", "submitted_at", "late_hours"]


def write_grades_csv(
    results: list[StudentResult],
    cells: list[GradedCell],
    path: Path,
    with_lateness: bool = False,
) -> Path:
    """One row per student: id, assignment, score, max score, status, manual pending, reason,
    (with a due date: raw score, penalty, hand-in time, hours late,) then points per cell.

    ``score`` is always what the student gets (after any late penalty): the column to map
    when importing into an LMS gradebook.
    """
    ids = [c.grade_id for c in cells]
    late = LATE_COLUMNS if with_lateness else []
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow([*BASE_COLUMNS, "reason", "flags", *late, *ids])
        for r in results:
            points = {c.grade_id: fmt(c.points) for c in r.cells}
            late_values = (
                [
                    fmt(r.score),
                    fmt(r.penalty_percent),
                    r.submitted_at or "",
                    "" if r.late_seconds is None else f"{r.late_seconds / 3600:.2f}",
                ]
                if with_lateness
                else []
            )
            writer.writerow(
                [
                    _cell(r.student_id),
                    r.assignment,
                    fmt(r.final_score),
                    fmt(r.max_score),
                    r.status,
                    fmt(r.manual_pending),
                    _cell(r.reason),
                    _cell("; ".join(dict.fromkeys(f["kind"] for f in r.flags))),
                    *late_values,
                    *[points.get(i, "0") for i in ids],
                ]
            )
    return path


def write_run_outputs(run: GradingRun, out_dir: Path) -> Path:
    """results.json, grades.csv and every feedback page, from one run's results."""
    out_dir = Path(out_dir)
    for r in run.students:
        write_feedback(r, out_dir, run)
    path = write_grades_csv(
        run.students, run.cells, out_dir / "grades.csv", with_lateness=run.policy.due is not None
    )
    run.save(out_dir)
    return path


def summary_table(results: list[StudentResult]) -> str:
    rows = [("student", "score", "status", "note")]
    for r in results:
        note = r.reason
        if r.status == "graded" and r.manual_pending:
            note = (note + "; " if note else "") + f"{fmt(r.manual_pending)} pts to grade by hand"
        failed = [c.grade_id for c in r.cells if c.status == "failed"]
        if failed:
            note = (
                (note + "; " if note else "")
                + f"failed: {', '.join(failed[:3])}"
                + (f" (+{len(failed) - 3} more)" if len(failed) > 3 else "")
            )
        if r.penalty_percent:
            note = (note + "; " if note else "") + (
                f"late {format_late(r.late_seconds)}: -{fmt(r.penalty_percent)}% "
                f"(raw {fmt(r.score)})"
            )
        other_flags = [
            f["kind"]
            for f in r.flags
            if f["kind"] not in ("late", "not graded", "deleted test cells")
        ]
        if other_flags:
            note = (note + "; " if note else "") + "flags: " + ", ".join(other_flags)
        rows.append((r.student_id, f"{fmt(r.final_score)}/{fmt(r.max_score)}", r.status, note))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row[:3], widths, strict=True)) + "  " + row[3]
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths) + "  " + "-" * 4)
    return "\n".join(line.rstrip() for line in lines)
