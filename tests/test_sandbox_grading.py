"""The sandbox as an instructor meets it: ``doctor``, the loud fallback without bubblewrap,
parallel grading that gives the same grades as serial, and a batch that resumes after a kill
and re-grades only what changed."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import nbformat
import pytest
from conftest import grade, run_cli
from fixtures.hand_ins import CORRECT, PARTIAL, hand_in, release_of
from fixtures.make_toy_course import make_toy_course

from autograder.sandbox import isolation

pytestmark = pytest.mark.xdist_group("sandbox-grading")

SLOW_CORRECT = "import time\ntime.sleep(1.5)\n\n" + CORRECT


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    root = make_toy_course(tmp_path_factory.mktemp("course"))
    assert run_cli("release", cwd=root).returncode == 0
    return root


def _batch(toy, folder, answers):
    release = release_of(toy)
    for sid, code in answers.items():
        (folder / sid).mkdir(parents=True, exist_ok=True)
        nbformat.write(hand_in(release, code), folder / sid / "toy.ipynb")
    return folder


def _scores(run):
    return {
        sid: (row["score"], row["double_of_three"], row["double_hidden_cases"])
        for sid, row in run.rows.items()
    }


def test_doctor_reports_the_isolation_in_effect(toy):
    proc = run_cli("doctor", cwd=toy)
    if isolation().sandboxed:
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "sandbox: bubblewrap" in proc.stdout
        assert "could not reach the network, the course folder" in proc.stdout
    else:
        assert proc.returncode == 1 and "sandbox: NONE" in proc.stdout
    assert "limits:" in proc.stdout and "address space" in proc.stdout


def test_without_bubblewrap_grading_warns_loudly_and_still_grades(toy, tmp_path):
    subs = _batch(toy, tmp_path / "subs", {"ok": CORRECT, "partial": PARTIAL})
    env = {**os.environ, "AUTOGRADER_NO_SANDBOX": "1"}
    proc = run_cli("doctor", cwd=toy, env=env)
    assert proc.returncode == 1 and "sandbox: NONE" in proc.stdout
    proc = run_cli("grade", "toy", str(subs), "--out", str(tmp_path / "out"), cwd=toy, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "WARNING: grading WITHOUT a sandbox" in proc.stderr
    grades = (tmp_path / "out" / "grades.csv").read_text()
    assert "ok,toy,3," in grades and "partial,toy,1," in grades


def test_parallel_grading_gives_the_serial_grades(toy, tmp_path):
    answers = {
        f"s{i}": (CORRECT, PARTIAL, "def double(x):\n    return x\n")[i % 3] for i in range(6)
    }
    subs = _batch(toy, tmp_path / "subs", answers)
    serial = grade("toy", subs, tmp_path / "serial", "--jobs", "1", cwd=toy)
    parallel = grade("toy", subs, tmp_path / "parallel", "--jobs", "2", cwd=toy)
    assert serial.returncode == parallel.returncode == 0, parallel.stderr
    assert _scores(serial) == _scores(parallel)
    assert {s[0] for s in _scores(serial).values()} == {"3", "1", "0"}


def test_regrading_reuses_unchanged_verdicts_and_regrades_a_changed_hand_in(toy, tmp_path):
    subs = _batch(toy, tmp_path / "subs", {"ana": CORRECT, "ben": PARTIAL, "cy": CORRECT})
    out = tmp_path / "out"
    first = grade("toy", subs, out, cwd=toy)
    first_csv = (out / "grades.csv").read_text()
    again = grade("toy", subs, out, cwd=toy)
    assert first.returncode == again.returncode == 0, again.stderr
    assert "3 already graded (unchanged), 0 to go" in again.stderr
    assert (out / "grades.csv").read_text() == first_csv, "same hand-ins, same grades.csv"
    _batch(toy, subs, {"ben": CORRECT})  # ben hands in a fixed notebook
    third = grade("toy", subs, out, cwd=toy)
    assert "2 already graded (unchanged), 1 to go" in third.stderr
    assert third.rows["ben"]["score"] == "3" and _scores(third)["ana"] == _scores(first)["ana"]


def test_a_killed_batch_resumes_where_it_stopped(toy, tmp_path):
    answers = {f"s{i}": SLOW_CORRECT for i in range(5)}
    subs = _batch(toy, tmp_path / "subs", answers)
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "autograder",
            "grade",
            "toy",
            str(subs),
            "--out",
            str(out),
            "--jobs",
            "1",
        ],
        cwd=toy,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list((out / "_graded").glob("*.json"))) < 2:
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)  # no clean-up at all
    proc.wait()
    done = len(list((out / "_graded").glob("*.json")))
    assert 2 <= done < 5, f"{done} verdicts kept: the kill came too late to test anything"
    resumed = grade("toy", subs, out, "--jobs", "2", cwd=toy)
    assert resumed.returncode == 0, resumed.stderr
    assert f"{done} already graded (unchanged), {5 - done} to go" in resumed.stderr
    assert {row["score"] for row in resumed.rows.values()} == {"3"}
    with sqlite3.connect(out / "gradebook.db") as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_notebook_habits_do_not_break_an_answer(toy, tmp_path):
    """Magics and display() in an answer cell do nothing where grading runs, and cost nothing."""
    code = "%matplotlib inline\n" + CORRECT + "\ndisplay(double(2))\n"
    subs = _batch(toy, tmp_path / "subs", {"habits": code})
    run = grade("toy", subs, tmp_path / "out", cwd=toy)
    assert run.returncode == 0, run.stderr
    assert run.rows["habits"]["score"] == "3" and run.rows["habits"]["flags"] == ""
