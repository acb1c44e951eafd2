"""``python -m autograder``: the instructor's command line."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from .config import gradebook_url
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
    from .output import summary_table, write_run_outputs
    from .policy import load_policy

    course = Course.find(args.course)
    course.source_notebook(args.assignment)  # an unknown assignment fails before the policy
    policy = load_policy(
        course.root, args.assignment, args.due, args.late_penalty, args.allowed_imports
    )
    from .sandbox import isolation

    iso = isolation()
    if not iso.sandboxed:
        banner = "!" * 78
        print(
            f"{banner}\nWARNING: grading WITHOUT a sandbox ({iso.problem}).\nStudent code runs "
            "with resource limits only and can read and write what you can.\nInstall bubblewrap "
            f"(apt-get install bubblewrap); 'python -m autograder doctor' checks.\n{banner}",
            file=sys.stderr,
            flush=True,
        )
    grader = BatchGrader(
        course,
        args.assignment,
        Path(args.out),
        db_url=gradebook_url(args.db) if args.db else None,
        cell_timeout=args.timeout,
        verbose=args.verbose,
        policy=policy,
        jobs=args.jobs,
        notebook_timeout=args.notebook_timeout,
    )
    started = time.monotonic()
    interactive = sys.stderr.isatty()

    def progress(i, n, what):
        width = 30
        filled = int(width * i / max(n, 1))
        elapsed = time.monotonic() - started
        line = f"[{'#' * filled}{'.' * (width - filled)}] {i}/{n} {elapsed:5.0f} s  {what}"
        end = "" if interactive and i < n else "\n"
        print(("\r\033[K" if interactive else "") + line, end=end, file=sys.stderr, flush=True)

    results = grader.grade(Path(args.submissions), progress=progress)
    csv_path = write_run_outputs(grader.run_record(results), grader.out_dir)
    print(summary_table(results))
    print(
        f"\n{len(results)} hand-in(s); grades in {csv_path}, feedback in {grader.out_dir / 'feedback'}"
    )
    return 0


def _doctor(args) -> int:
    from .sandbox import isolation, self_test

    iso = isolation()
    print(iso.describe())
    try:
        from .grading import GradingPlan

        course = Course.find(args.course)
        for name in course.assignments():
            import nbformat

            plan = GradingPlan(nbformat.read(course.source_notebook(name), as_version=4))
            where = (
                "verdicts in the grader's process"
                if plan.verdicts == "judge"
                else "verdicts inside the sandbox (its checks need live PyTorch objects)"
            )
            blocked = ", ".join(plan.blocked) or "nothing"
            print(f"  {name}: {where}; not importable there: {blocked}")
    except CourseError:
        pass  # not in a course folder: the machine's isolation is still worth knowing
    problems = self_test() if iso.sandboxed else []
    for line in problems:
        print(f"PROBLEM: {line}")
    if iso.sandboxed and not problems:
        print(
            "self-test: a sandboxed process could not reach the network, the course folder, "
            "the home folder or the files outside its scratch folder"
        )
    return 0 if iso.sandboxed and not problems else 1


def _report(args) -> int:
    from .report import write_report
    from .results import GradingRun

    run = GradingRun.load(Path(args.out), args.assignment)
    page = write_report(run, Path(args.out), roster=Path(args.roster) if args.roster else None)
    print(f"report: {page} (numbers in {page.parent}/report_*.csv)")
    return 0


def _manual(args) -> int:
    from .manual import export_sheet, import_sheet
    from .results import GradingRun

    out = Path(args.out)
    run = GradingRun.load(out, args.assignment)
    sheet = Path(args.sheet)
    if args.action == "export":
        n = export_sheet(run, out, sheet)
        print(
            f"{sheet}: {n} written answer(s) to grade; fill in 'points' (and 'comment'), then "
            f"run: python -m autograder manual {args.assignment} --out {out} import {sheet}"
        )
    else:
        grades = import_sheet(run, out, sheet)
        students = len({g.student_id for g in grades})
        print(
            f"{sheet}: imported {len(grades)} grade(s) for {students} student(s); "
            f"grades.csv and feedback in {out} are updated"
        )
    return 0


def _export(args) -> int:
    from .export import export_gradebooks

    if not args.db and not args.out:
        raise CourseError("export: give --db URL or --out DIR (each may be repeated)")
    path, n = export_gradebooks(
        [gradebook_url(u) for u in args.db or []], [Path(d) for d in args.out or []], Path(args.to)
    )
    print(f"{path}: {n} row(s), one per student and assignment")
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
        "--timeout",
        type=int,
        default=120,
        metavar="S",
        help="seconds per test and per cell (default 120)",
    )
    p.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="hand-ins graded at once (default: the number of CPU cores)",
    )
    p.add_argument(
        "--notebook-timeout",
        type=int,
        default=None,
        metavar="S",
        help="seconds for a whole notebook, all its tests together (default: 5 x --timeout, "
        "at least 600)",
    )
    p.add_argument(
        "--due",
        metavar="WHEN",
        help="due date with time zone, e.g. 2026-11-01T23:59:00+00:00 "
        "(default: autograder.toml's, else none)",
    )
    p.add_argument(
        "--late-penalty",
        metavar="RULE",
        help="e.g. '10%%/day,max=50%%', '2%%/hour', 'grace=15min', 'none' "
        "(default: autograder.toml's, else none)",
    )
    p.add_argument(
        "--allowed-imports",
        metavar="MODULES",
        help="comma-separated modules solution cells may import besides the standard library; "
        "others are flagged (default: autograder.toml's, else not checked)",
    )
    p.set_defaults(func=_grade)

    p = sub.add_parser(
        "doctor",
        help="say what isolation grading has on this machine (and test it)",
        description="Report whether student code will run in a bubblewrap sandbox, with which "
        "limits, and check that a sandboxed process cannot reach the network or the course "
        "folder. Exit status 0: sandboxed; 1: not (grading still works, unprotected).",
    )
    p.set_defaults(func=_doctor)

    p = sub.add_parser(
        "report",
        help="a class report (HTML and CSV) from a graded folder",
        description="Write DIR/report.html (score distribution, questions hardest first, common "
        "failure messages, flags, late and missing students) and DIR/report_*.csv from what "
        "'grade' left in DIR. Runs no student code.",
    )
    p.add_argument("assignment", metavar="ASSIGNMENT")
    p.add_argument("--out", required=True, metavar="DIR", help="the folder 'grade' wrote")
    p.add_argument(
        "--roster",
        metavar="FILE",
        help="CSV with a student_id column: who should have handed in "
        "(default: the gradebook's students)",
    )
    p.set_defaults(func=_report)

    p = sub.add_parser(
        "manual",
        help="grade written answers by hand through a CSV sheet",
        description="export: write a sheet (student_id, grade_id, max_points, answer, points, "
        "comment) to fill in. import: check the filled-in sheet (any bad row stops it, nothing "
        "is written) and store points and comments in the gradebook, grades.csv and feedback.",
    )
    p.add_argument("assignment", metavar="ASSIGNMENT")
    p.add_argument("--out", required=True, metavar="DIR", help="the folder 'grade' wrote")
    p.add_argument("action", choices=["export", "import"])
    p.add_argument("sheet", metavar="FILE.csv")
    p.set_defaults(func=_manual)

    p = sub.add_parser(
        "export",
        help="every assignment's grades in one CSV (one row per student and assignment)",
        description="Read one or more gradebooks and write one row per student and assignment: "
        "student_id, assignment, score (after late penalty), max_score, raw_score, "
        "late_penalty, submitted_at, status.",
    )
    p.add_argument("--db", action="append", metavar="URL", help="a gradebook URL (repeatable)")
    p.add_argument(
        "--out", action="append", metavar="DIR", help="a folder 'grade' wrote (repeatable)"
    )
    p.add_argument("--to", required=True, metavar="FILE.csv", help="the CSV file to write")
    p.set_defaults(func=_export)

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
