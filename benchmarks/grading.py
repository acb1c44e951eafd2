"""Grading speed: plain serial ``nbgrader autograde`` against ``python -m autograder grade``
(sandboxed, verdicts outside the student's process, ``--jobs 2``) on the same batch.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/grading.py``). The batch is N
synthetic hand-ins of one assignment (default: 40 of A4): the reference solution, the wrong
implementations of the catalog and the correct alternatives, round-robin. Both graders run in
this process's session, one after the other, on this machine; the result is their ratio, not
an absolute time. Also printed: where the sandboxed grader's time goes per hand-in (sandbox
start with the student's cells, the tests, the rest: gradebook writes and bookkeeping), and
the peak memory of a worker (the sandboxed student process, and the grader process that runs
the checks).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import nbformat  # noqa: E402
from catalog_tools import build_submission, entries  # noqa: E402


def hand_ins(assignment: str, n: int) -> list[tuple[str, nbformat.NotebookNode]]:
    pool = [("reference", build_submission(assignment))]
    pool += [(e.name, build_submission(assignment, e.cells)) for e in entries(assignment, "wrong")]
    pool += [
        (e.name, build_submission(assignment, e.cells)) for e in entries(assignment, "correct")
    ]
    return [(f"s{i:03d}-{pool[i % len(pool)][0]}"[:60], pool[i % len(pool)][1]) for i in range(n)]


def plain_nbgrader(assignment: str, subs: list, work: Path) -> float:
    """``nbgrader autograde`` as a course would run it: one kernel per notebook, serially."""
    course = work / "nbgrader-course"
    shutil.copytree(ROOT / "solutions" / assignment, course / "source" / assignment)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        "c.CourseDirectory.db_url = 'sqlite:///' + "
        f"{str(course / 'gradebook.db')!r}\n"
        "c.Execute.timeout = 120\n"
        "c.Autograde.create_student = True\n"
    )
    bindir = Path(sys.executable).parent
    env_path = f"{bindir}:/usr/bin:/bin"
    run = dict(
        cwd=course, capture_output=True, text=True, env={"PATH": env_path, "HOME": str(work)}
    )
    gen = subprocess.run(
        [str(bindir / "nbgrader"), "generate_assignment", assignment, "--create", "--force"], **run
    )
    if gen.returncode != 0:
        raise SystemExit(f"nbgrader generate_assignment failed:\n{gen.stderr[-3000:]}")
    for sid, nb in subs:
        dest = course / "submitted" / sid / assignment / f"{assignment}.ipynb"
        dest.parent.mkdir(parents=True)
        nbformat.write(nb, dest)
    start = time.perf_counter()
    proc = subprocess.run(
        [str(bindir / "nbgrader"), "autograde", assignment, "--create", "--force"], **run
    )
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"nbgrader autograde failed:\n{proc.stderr[-3000:]}")
    return elapsed


def sandboxed(assignment: str, subs: list, work: Path, jobs: int) -> tuple[float, Path]:
    folder = work / "hand-ins"
    for sid, nb in subs:
        (folder / sid).mkdir(parents=True)
        nbformat.write(nb, folder / sid / f"{assignment}.ipynb")
    out = work / f"graded-jobs{jobs}"
    start = time.perf_counter()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "autograder",
            "grade",
            assignment,
            str(folder),
            "--out",
            str(out),
            "--jobs",
            str(jobs),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"autograder grade failed:\n{proc.stderr[-3000:]}")
    return elapsed, out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="a4_optimizers")
    parser.add_argument("-n", type=int, default=40, help="hand-ins in the batch (default 40)")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    from autograder.sandbox import isolation

    iso = isolation()
    print(iso.describe().splitlines()[0])
    if not iso.sandboxed:
        print("warning: no sandbox here; the sandboxed numbers would not mean what they say")
    subs = hand_ins(args.assignment, args.n)
    with tempfile.TemporaryDirectory(prefix="grading-bench-") as tmp:
        work = Path(tmp)
        print(
            f"{args.n} hand-ins of {args.assignment}; grading with plain nbgrader ...", flush=True
        )
        plain = plain_nbgrader(args.assignment, subs, work)
        print(f"... and with autograder grade --jobs {args.jobs} (sandbox on) ...", flush=True)
        ours, out = sandboxed(args.assignment, subs, work, args.jobs)
        verdicts = [json.loads(p.read_text()) for p in (out / "_graded").glob("*.json")]
    per = [v["seconds"] for v in verdicts]
    startup = [v["startup_seconds"] for v in verdicts]
    tests = [s - u for s, u in zip(per, startup, strict=True)]
    rest = ours - sum(per) / args.jobs
    print()
    print(
        f"plain nbgrader autograde, serial:       {plain:7.1f} s  ({plain / args.n:.2f} s per hand-in)"
    )
    print(
        f"autograder grade --jobs {args.jobs}, sandboxed: {ours:7.1f} s  ({ours / args.n:.2f} s per hand-in)"
    )
    print(f"ratio (plain / sandboxed):              {plain / ours:7.2f}  (goal >= 1.7)")
    print()
    print("where a sandboxed hand-in's time goes (median over the batch):")
    print(f"  sandbox start + the student's cells      {statistics.median(startup):6.2f} s")
    print(f"  the tests (checks here, student there)   {statistics.median(tests):6.2f} s")
    print(f"  per hand-in total                        {statistics.median(per):6.2f} s")
    print(
        f"  outside the workers (set-up, gradebook, feedback): {max(rest, 0):.1f} s for the batch"
    )
    print(
        "peak memory of a worker: "
        f"sandboxed student process {max(v['worker_peak_kib'] for v in verdicts) / 1024:.0f} MiB, "
        f"grader process running the checks {max(v['judge_peak_kib'] for v in verdicts) / 1024:.0f} MiB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
