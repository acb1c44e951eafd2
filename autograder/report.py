"""``python -m autograder report``: what an instructor reads after grading, from results.json.

One self-contained HTML page (figures embedded as base64 PNG, no network) and the same
numbers as CSV files beside it:

- ``report_questions.csv``: per graded cell, mean points and pass rate, hardest first;
- ``report_failures.csv``: per test, each distinct failure message with its count;
- ``report_students.csv``: per student (roster included), score, lateness, flags, status;
- ``report_flags.csv``: every flag raised (deleted or edited tests, timeouts, forbidden
  imports, late hand-ins, hand-ins that could not be graded, ...).
"""

from __future__ import annotations

import base64
import csv
import io
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from matplotlib.figure import Figure

from .course import CourseError
from .output import _cell, fmt
from .policy import format_late
from .results import GradingRun

TOP_FAILURES = 5

_env = Environment(
    loader=PackageLoader("autograder", "templates"), autoescape=select_autoescape(["html"])
)


def read_roster(path: Path) -> list[str]:
    """Student ids from a CSV with a ``student_id`` column (other columns are ignored)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise CourseError(f"{path}: no such roster file") from exc
    except UnicodeDecodeError as exc:
        raise CourseError(f"{path}: not UTF-8 text (byte {exc.start})") from exc
    lines = text.splitlines(keepends=True)
    if not lines:
        raise CourseError(f"{path}: the roster is empty")
    delimiter = max(",;\t", key=lambda d: lines[0].count(d))
    reader = csv.DictReader(lines, delimiter=delimiter)
    if "student_id" not in [(f or "").strip() for f in reader.fieldnames or []]:
        raise CourseError(
            f"{path}: row 1 (the header) has no 'student_id' column "
            f"(columns: {', '.join(reader.fieldnames or []) or 'none'})"
        )
    reader.fieldnames = [(f or "").strip() for f in reader.fieldnames]
    ids, seen = [], {}
    for row_number, row in enumerate(reader, start=2):
        sid = (row.get("student_id") or "").strip()
        if not sid:
            continue
        if sid in seen:
            raise CourseError(f"{path}: row {row_number}: {sid!r} repeats row {seen[sid]}")
        seen[sid] = row_number
        ids.append(sid)
    return ids


def gradebook_students(db_url: str) -> list[str]:
    """The gradebook's students (e.g. imported with ``nbgrader db student import``)."""
    from nbgrader.api import Gradebook

    if db_url.startswith("sqlite:///") and not Path(db_url.removeprefix("sqlite:///")).is_file():
        return []  # opening it would create an empty gradebook file
    try:
        with Gradebook(db_url) as gb:
            return [s.id for s in gb.students]
    except Exception:  # no gradebook to ask: the report simply lists no missing students
        return []


@dataclass
class QuestionStats:
    grade_id: str
    kind: str
    description: str
    max_points: float
    graded: int  # students whose points for this cell are final
    mean_points: float | None
    pass_rate: float | None  # share with full points


def question_stats(run: GradingRun) -> list[QuestionStats]:
    """Per graded cell over the graded hand-ins, hardest (lowest pass rate) first."""
    graded = [s for s in run.students if s.status == "graded"]
    stats = []
    for cell in run.cells:
        results = [c for s in graded for c in s.cells if c.grade_id == cell.grade_id]
        final = [c for c in results if c.status != "pending"]  # written answers not yet graded
        stats.append(
            QuestionStats(
                cell.grade_id,
                cell.kind,
                cell.description,
                cell.max_points,
                len(final),
                statistics.fmean(c.points for c in final) if final else None,
                sum(c.points >= c.max_points for c in final) / len(final) if final else None,
            )
        )
    return sorted(stats, key=lambda q: (q.pass_rate is None, q.pass_rate or 0.0, q.grade_id))


def failure_counts(run: GradingRun) -> dict[str, list[tuple[str, int, list[str]]]]:
    """Per test: (message, how many students, which) for each failure, most common first."""
    by_test: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for s in run.students:
        for c in s.cells:
            if c.kind == "test" and c.status == "failed":
                by_test[c.grade_id][c.message or "(no message)"].append(s.student_id)
    order = [c.grade_id for c in run.cells]
    return {
        gid: sorted(
            ((msg, len(ids), ids) for msg, ids in by_test[gid].items()),
            key=lambda t: (-t[1], t[0]),
        )
        for gid in order
        if gid in by_test
    }


def _png(fig: Figure) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def score_histogram(scores: list[float], max_score: float) -> str:
    fig = Figure(figsize=(6.4, 3.2))
    ax = fig.subplots()
    bins = max(1, min(20, int(max_score) or 1))
    ax.hist(scores, bins=bins, range=(0, max_score or 1), color="#3b82f6", edgecolor="white")
    ax.set_xlabel(f"score after late penalty (of {fmt(max_score)})")
    ax.set_ylabel("students")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_title(f"Score distribution ({len(scores)} graded hand-ins)")
    return _png(fig)


def pass_rate_chart(questions: list[QuestionStats]) -> str:
    rated = [q for q in questions if q.pass_rate is not None]
    fig = Figure(figsize=(6.4, 0.45 * max(3, len(rated)) + 1))
    ax = fig.subplots()
    names = [q.grade_id for q in rated][::-1]  # hardest at the top
    rates = [100 * q.pass_rate for q in rated][::-1]
    ax.barh(names, rates, color=["#b42318" if r < 50 else "#1a7f37" for r in rates])
    ax.set_xlim(0, 100)
    ax.set_xlabel("students with full points (%)")
    ax.set_title("Pass rate per question, hardest first")
    return _png(fig)


def _write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows([[_cell(str(v)) for v in row] for row in rows])


def _pct(x: float | None) -> str:
    return "" if x is None else f"{100 * x:.0f}%"


def write_report(run: GradingRun, out_dir: Path, roster: Path | None = None) -> Path:
    """Write ``out_dir/report.html`` and ``out_dir/report_*.csv``; return the page's path."""
    expected = read_roster(roster) if roster else gradebook_students(run.db_url)
    handed_in = {s.student_id for s in run.students}
    missing = sorted(set(expected) - handed_in)
    on_roster = set(expected)
    graded = [s for s in run.students if s.status == "graded"]
    not_graded = [s for s in run.students if s.status != "graded"]
    late = sorted((s for s in run.students if s.is_late), key=lambda s: -(s.late_seconds or 0))
    scores = [s.final_score for s in graded]
    questions = question_stats(run)
    failures = failure_counts(run)
    flags = [(s.student_id, f["kind"], f["detail"]) for s in run.students for f in s.flags]
    flag_kinds = Counter(kind for _, kind, _ in flags)

    summary = {
        "roster": len(expected) if expected else None,
        "handed_in": len(run.students),
        "graded": len(graded),
        "not_graded": len(not_graded),
        "missing": len(missing),
        "late": len(late),
        "manual_pending_students": sum(1 for s in graded if s.manual_pending),
        "mean": statistics.fmean(scores) if scores else None,
        "median": statistics.median(scores) if scores else None,
        "min": min(scores) if scores else None,
        "max": max(scores) if scores else None,
    }

    out_dir = Path(out_dir)
    _write_csv(
        out_dir / "report_questions.csv",
        ["grade_id", "kind", "max_points", "graded", "mean_points", "pass_rate", "description"],
        [
            [
                q.grade_id,
                q.kind,
                fmt(q.max_points),
                q.graded,
                "" if q.mean_points is None else f"{q.mean_points:.3f}",
                "" if q.pass_rate is None else f"{q.pass_rate:.3f}",
                q.description,
            ]
            for q in questions
        ],
    )
    _write_csv(
        out_dir / "report_failures.csv",
        ["grade_id", "count", "message", "students"],
        [[gid, n, msg, " ".join(ids)] for gid, items in failures.items() for msg, n, ids in items],
    )
    student_rows = [
        [
            s.student_id,
            "yes" if s.student_id in on_roster else ("no" if expected else ""),
            s.status,
            fmt(s.score),
            fmt(s.penalty_percent),
            fmt(s.final_score),
            fmt(s.max_score),
            fmt(s.manual_pending),
            s.submitted_at or "",
            "" if s.late_seconds is None else f"{s.late_seconds / 3600:.2f}",
            "; ".join(f["kind"] for f in s.flags),
            s.reason,
        ]
        for s in run.students
    ] + [
        [sid, "yes", "missing", "", "", "", fmt(run.max_score), "", "", "", "", ""]
        for sid in missing
    ]
    _write_csv(
        out_dir / "report_students.csv",
        [
            "student_id",
            "on_roster",
            "status",
            "raw_score",
            "penalty_percent",
            "score",
            "max_score",
            "manual_pending",
            "submitted_at",
            "late_hours",
            "flags",
            "reason",
        ],
        student_rows,
    )
    _write_csv(out_dir / "report_flags.csv", ["student_id", "kind", "detail"], flags)

    figures = []
    if scores:
        figures.append(("score distribution", score_histogram(scores, run.max_score)))
    if any(q.pass_rate is not None for q in questions):
        figures.append(("pass rate per question", pass_rate_chart(questions)))
    page = out_dir / "report.html"
    page.write_text(
        _env.get_template("report.html").render(
            run=run,
            summary=summary,
            questions=questions,
            failures=failures,
            top=TOP_FAILURES,
            flags=[f for f in flags if f[1] not in ("late", "not graded")],
            flag_kinds=flag_kinds,
            not_graded=not_graded,
            late=late,
            missing=missing,
            roster_source=str(roster) if roster else "the gradebook's students",
            figures=figures,
            fmt=fmt,
            pct=_pct,
            format_late=format_late,
        ),
        encoding="utf-8",
    )
    return page
