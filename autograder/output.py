"""What a grading run leaves for the instructor: feedback pages, grades.csv, a summary."""

from __future__ import annotations

import csv
import hashlib
import re
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from .grading import GradedCell, StudentResult

STATUS_LABELS = {
    "passed": "passed",
    "failed": "failed",
    "pending": "awaiting manual grading",
    "graded": "graded by hand",
}


def fmt(x: float) -> str:
    return f"{x:g}"


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


def write_feedback(result: StudentResult, out_dir: Path) -> Path:
    path = Path(out_dir) / "feedback" / feedback_name(result.student_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    html = _env.get_template("feedback.html").render(r=result, fmt=fmt, labels=STATUS_LABELS)
    path.write_text(html, encoding="utf-8")
    return path


def write_grades_csv(results: list[StudentResult], cells: list[GradedCell], path: Path) -> Path:
    """One row per student: id, assignment, score, max score, status, reason, points per cell."""
    ids = [c.grade_id for c in cells]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            [
                "student_id",
                "assignment",
                "score",
                "max_score",
                "status",
                "manual_pending",
                "reason",
                *ids,
            ]
        )
        for r in results:
            points = {c.grade_id: fmt(c.points) for c in r.cells}
            writer.writerow(
                [
                    _cell(r.student_id),
                    r.assignment,
                    fmt(r.score),
                    fmt(r.max_score),
                    r.status,
                    fmt(r.manual_pending),
                    _cell(r.reason),
                    *[points.get(i, "0") for i in ids],
                ]
            )
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
        rows.append((r.student_id, f"{fmt(r.score)}/{fmt(r.max_score)}", r.status, note))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row[:3], widths, strict=True)) + "  " + row[3]
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths) + "  " + "-" * 4)
    return "\n".join(line.rstrip() for line in lines)
