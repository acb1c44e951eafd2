"""``python -m autograder``: the instructor's command line."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from .course import Course, CourseError


def _release(args) -> int:
    from .release import release

    course = Course.find(args.course)
    written = release(course, args.assignments or None)
    for assignment, files in written.items():
        print(f"released {assignment}: {len(files)} file(s) in {course.release_dir / assignment}")
    return 0


def _grade(args) -> int:
    from .grading import BatchGrader
    from .output import summary_table, write_feedback, write_grades_csv

    course = Course.find(args.course)
    grader = BatchGrader(
        course,
        args.assignment,
        Path(args.out),
        db_url=args.db,
        cell_timeout=args.timeout,
        verbose=args.verbose,
    )

    def progress(i, n, sid):
        print(f"[{i}/{n}] grading {sid}", file=sys.stderr, flush=True)

    results = grader.grade(Path(args.submissions), progress=progress)
    for r in results:
        write_feedback(r, grader.out_dir)
    csv_path = write_grades_csv(results, grader.cells, grader.out_dir / "grades.csv")
    print(summary_table(results))
    print(
        f"\n{len(results)} hand-in(s); grades in {csv_path}, feedback in {grader.out_dir / 'feedback'}"
    )
    return 0


def _validate(args) -> int:
    from .selfcheck import validate

    report = validate(args.notebook, course_root=args.course, cell_timeout=args.timeout)
    print(report.render())
    return 0 if report.all_passed else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m autograder",
        description="Release, grade and report on the course's nbgrader assignments.",
    )
    parser.add_argument("--course", help="course root (the folder with solutions/); default: here")
    parser.add_argument("-v", "--verbose", action="store_true", help="show nbgrader's own log")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("release", help="regenerate exercises/ (student releases) from solutions/")
    p.add_argument("assignments", nargs="*", metavar="ASSIGNMENT", help="default: every assignment")
    p.set_defaults(func=_release)

    p = sub.add_parser("grade", help="autograde a folder or .zip of hand-ins")
    p.add_argument("assignment", metavar="ASSIGNMENT")
    p.add_argument(
        "submissions",
        metavar="SUBMISSIONS",
        help="folder of <student_id>/<notebook>.ipynb, or a .zip of one",
    )
    p.add_argument(
        "--out",
        required=True,
        metavar="DIR",
        help="where grades.csv, feedback/ and the gradebook go",
    )
    p.add_argument(
        "--db",
        metavar="URL",
        help="gradebook database URL (SQLAlchemy); default: sqlite file DIR/gradebook.db",
    )
    p.add_argument(
        "--timeout", type=int, default=120, metavar="S", help="seconds per cell (default 120)"
    )
    p.set_defaults(func=_grade)

    p = sub.add_parser(
        "validate",
        help="students: run a notebook's visible tests in a fresh kernel (not a grade)",
        description="Run the visible tests of a saved exercise notebook in a fresh kernel and "
        "print pass/fail per test cell. Exit status 0: every visible test passed; 1: some "
        "failed; 2: the file could not be checked. Hidden tests decide the grade.",
    )
    p.add_argument("notebook", metavar="NOTEBOOK", help="your saved .ipynb file")
    p.add_argument(
        "--timeout", type=int, default=120, metavar="S", help="seconds per cell (default 120)"
    )
    p.set_defaults(func=_validate)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.ERROR, format="%(message)s")
    if not args.verbose:
        # nbgrader logs every step at INFO/WARNING; keep the instructor's terminal readable.
        logging.getLogger("traitlets").setLevel(logging.CRITICAL)
    try:
        return args.func(args)
    except CourseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
