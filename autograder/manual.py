"""Grading written answers by hand, from the command line.

``manual ASSIGNMENT --out DIR export FILE.csv`` writes one row per student and written
question (the answer's text, the points available, empty points and comment columns) for a
grader to fill in a spreadsheet; ``... import FILE.csv`` checks every row first (a single bad
row stops the import, and nothing is written) and then stores the points and comments:

- in nbgrader's gradebook (``Grade.manual_score``, ``Comment.manual_comment``), so the
  formgrader and ``nbgrader export`` see them too;
- in ``DIR/manual_grades.json``, this tool's own copy: ``grade`` re-applies it after each
  run, so a re-grade into a fresh gradebook (or a new ``--db``) keeps the hand grading;
- in ``DIR/results.json``, ``grades.csv`` and the feedback pages, which are rewritten.

nbgrader's formgrader works as well: ``grade`` reads ``manual_score`` back from the gradebook.
"""

from __future__ import annotations

import csv
import json
import math
import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from .course import CourseError
from .results import GradingRun, StudentResult, answer_digest

MANUAL_FILE = "manual_grades.json"
CSV_COLUMNS = ["student_id", "grade_id", "max_points", "answer", "points", "comment"]
ANSWER_EXCERPT_CHARS = 1500
MAX_COMMENT_CHARS = 5000


class ManualStore:
    """``DIR/manual_grades.json``: student -> grade_id -> points, comment, graded answer's hash."""

    def __init__(self, out_dir: Path):
        self.path = Path(out_dir) / MANUAL_FILE
        self.grades: dict[str, dict[str, dict]] = {}
        if self.path.is_file():
            try:
                self.grades = json.loads(self.path.read_text(encoding="utf-8"))["grades"]
            except (ValueError, KeyError, TypeError) as exc:
                raise CourseError(
                    f"{self.path}: damaged ({exc}); restore it from a backup"
                ) from exc

    def for_student(self, student_id: str) -> dict[str, dict]:
        return self.grades.get(student_id, {})

    def put(self, student_id: str, grade_id: str, points: float, comment: str, answer: str | None):
        self.grades.setdefault(student_id, {})[grade_id] = {
            "points": points,
            "comment": comment,
            "answer_sha256": answer_digest(answer),
            "graded_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }

    def save(self) -> None:
        tmp = self.path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps({"grades": self.grades}, indent=1, ensure_ascii=False), "utf-8")
        os.replace(tmp, self.path)


def apply_manual_grades(gb: Gradebook, assignment: str, student_id: str, entries: dict) -> None:
    """Write hand-given points and comments into nbgrader's gradebook (same notebook name as
    the assignment, as this course's layout has)."""
    for grade_id, entry in entries.items():
        try:
            grade = gb.find_grade(grade_id, assignment, assignment, student_id)
        except MissingEntry:
            continue  # the cell is gone from the assignment; results.json says so
        grade.manual_score = entry["points"]
        # nbgrader marks a re-autograded cell with a manual score as "needs review"; it is reviewed.
        grade.needs_manual_grade = False
        try:
            comment = gb.find_comment(grade_id, assignment, assignment, student_id)
            comment.manual_comment = entry["comment"] or None
        except MissingEntry:
            pass
    gb.db.commit()


def store_late_penalty(gb: Gradebook, assignment: str, student: StudentResult) -> None:
    """Record the penalty (in points) where nbgrader keeps it, so its own exports agree."""
    try:
        notebook = gb.find_submission_notebook(assignment, assignment, student.student_id)
    except MissingEntry:
        return
    notebook.late_submission_penalty = student.penalty_points or None
    gb.db.commit()


def _excerpt(text: str | None) -> str:
    flat = re.sub(r"\s+", " ", text or "").strip()
    if len(flat) > ANSWER_EXCERPT_CHARS:
        flat = flat[:ANSWER_EXCERPT_CHARS] + " ... (cut; the full answer is in the notebook)"
    # A spreadsheet must not run an answer as a formula.
    return "'" + flat if flat[:1] in ("=", "+", "-", "@") else flat


def export_sheet(run: GradingRun, out_dir: Path, sheet: Path) -> int:
    """Write the grading sheet; return its number of rows. Earlier hand grades are filled in."""
    store = ManualStore(out_dir)
    rows = []
    for student in run.students:
        if student.status != "graded":
            continue
        for cell in student.cells:
            if cell.kind != "written" or cell.status == "failed":
                continue  # a deleted answer cell has nothing to grade
            earlier = store.for_student(student.student_id).get(cell.grade_id, {})
            rows.append(
                [
                    student.student_id,
                    cell.grade_id,
                    f"{cell.max_points:g}",
                    _excerpt(cell.answer),
                    f"{earlier['points']:g}" if "points" in earlier else "",
                    earlier.get("comment", ""),
                ]
            )
    sheet.parent.mkdir(parents=True, exist_ok=True)
    with open(sheet, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(CSV_COLUMNS)
        writer.writerows(rows)
    return len(rows)


@dataclass
class ManualGrade:
    student_id: str
    grade_id: str
    points: float
    comment: str


def _number(text: str) -> float:
    text = text.strip()
    if re.fullmatch(r"\d+,\d+", text):  # a decimal comma from a European spreadsheet
        text = text.replace(",", ".")
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def read_sheet(run: GradingRun, sheet: Path) -> list[ManualGrade]:
    """Every filled-in row of a grading sheet, checked; CourseError lists all the bad rows."""
    try:
        text = sheet.read_text(encoding="utf-8-sig")  # Excel may add a byte-order mark
    except FileNotFoundError as exc:
        raise CourseError(f"{sheet}: no such file") from exc
    except UnicodeDecodeError as exc:
        raise CourseError(
            f"{sheet}: not UTF-8 text (byte {exc.start}); save it from the spreadsheet as "
            "'CSV UTF-8'"
        ) from exc
    lines = text.splitlines(keepends=True)
    if not lines:
        raise CourseError(f"{sheet}: the file is empty")
    # Spreadsheets in some locales save with ';' or tabs.
    delimiter = max(",;\t", key=lambda d: lines[0].count(d))
    reader = csv.DictReader(lines, delimiter=delimiter)
    missing = [
        c for c in ("student_id", "grade_id", "points") if c not in (reader.fieldnames or [])
    ]
    if missing:
        raise CourseError(
            f"{sheet}: row 1 (the header) lacks column(s) {', '.join(missing)}; expected "
            f"{', '.join(CSV_COLUMNS)} (write a fresh sheet with 'manual ... export')"
        )
    written = {
        s.student_id: {c.grade_id: c for c in s.cells if c.kind == "written"}
        for s in run.students
        if s.status == "graded"
    }
    all_written = {c.grade_id: c for c in run.cells if c.kind == "written"}
    problems, grades, seen = [], [], {}
    for row_number, row in enumerate(reader, start=2):
        sid = (row.get("student_id") or "").strip().lstrip("'")
        gid = (row.get("grade_id") or "").strip()
        points_text = (row.get("points") or "").strip()
        comment = (row.get("comment") or "").strip()
        where = f"row {row_number}"
        if not sid and not gid and not points_text and not comment:
            continue  # an empty line a spreadsheet left
        if sid not in written:
            known = run.student(sid)
            why = (
                f"was not graded ({known.reason})"
                if known
                else f"is not among the students graded in {run.assignment}"
            )
            problems.append(f"{where}: student {sid!r} {why}")
            continue
        if gid not in all_written:
            problems.append(
                f"{where}: {gid!r} is not a written question of {run.assignment} "
                f"(written questions: {', '.join(all_written) or 'none'})"
            )
            continue
        if (sid, gid) in seen:
            problems.append(f"{where}: {sid} / {gid} was already given in row {seen[sid, gid]}")
            continue
        seen[sid, gid] = row_number
        if not points_text:
            if comment:
                problems.append(f"{where}: a comment for {sid} / {gid} but no points")
            continue  # not graded yet
        try:
            points = _number(points_text)
        except ValueError:
            problems.append(f"{where}: points {points_text!r} for {sid} / {gid} is not a number")
            continue
        max_points = all_written[gid].max_points
        if not 0 <= points <= max_points:
            problems.append(
                f"{where}: points {points:g} for {sid} / {gid} is outside 0..{max_points:g}"
            )
            continue
        if written[sid][gid].status == "failed":
            problems.append(
                f"{where}: {sid} deleted the answer cell {gid}; there is nothing to grade"
            )
            continue
        if len(comment) > MAX_COMMENT_CHARS:
            problems.append(f"{where}: the comment is longer than {MAX_COMMENT_CHARS} characters")
            continue
        grades.append(ManualGrade(sid, gid, points, comment))
    if problems:
        raise CourseError(
            f"{sheet}: {len(problems)} problem(s), nothing was imported:\n  "
            + "\n  ".join(problems)
        )
    return grades


def import_sheet(run: GradingRun, out_dir: Path, sheet: Path) -> list[ManualGrade]:
    """Check ``sheet``, then store its grades everywhere they show; return them."""
    from .output import write_run_outputs

    grades = read_sheet(run, sheet)
    store = ManualStore(out_dir)
    for g in grades:
        student = run.student(g.student_id)
        cell = next(c for c in student.cells if c.grade_id == g.grade_id)
        store.put(g.student_id, g.grade_id, g.points, g.comment, cell.answer)
        cell.points, cell.comment, cell.status = g.points, g.comment or None, "graded"
        student.recompute_score()
    with Gradebook(run.db_url) as gb:
        for sid in sorted({g.student_id for g in grades}):
            apply_manual_grades(gb, run.assignment, sid, store.for_student(sid))
            store_late_penalty(gb, run.assignment, run.student(sid))
    store.save()
    write_run_outputs(run, out_dir)
    return grades
