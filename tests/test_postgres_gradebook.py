"""The gradebook on a real PostgreSQL server, shared by two grading runs (two machines, each
grading half of the class in parallel), as ``grade --db postgresql://...`` promises.

The test starts its own throwaway server (``initdb`` + ``pg_ctl`` from Debian's
``postgresql`` package) on a free port of 127.0.0.1, and removes it afterwards. Without the
server programs it is skipped, saying so; ``.ci/run`` installs them and makes that an error.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest
from conftest import GradeRun, grade, run_cli
from fixtures.hand_ins import CORRECT, PARTIAL, hand_in, release_of
from fixtures.make_toy_course import make_toy_course

pytestmark = pytest.mark.xdist_group("postgres")


def _server_bin() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(versions[-1]).parent if versions else None


def _as_server_user(cmd: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run its programs as the 'postgres' user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


@pytest.fixture(scope="module")
def postgres_url():
    bindir = _server_bin()
    if bindir is None:
        message = "no PostgreSQL server programs (initdb) here: apt-get install postgresql"
        if os.environ.get("COURSE_REQUIRE_POSTGRES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    tmp = Path(tempfile.mkdtemp(prefix="autograder-pg-"))
    data = tmp / "data"
    if os.geteuid() == 0:
        shutil.chown(tmp, "postgres", "postgres")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    subprocess.run(
        _as_server_user([str(bindir / "initdb"), "-D", str(data), "-U", "grader", "--auth=trust"]),
        check=True,
        capture_output=True,
    )
    options = f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={tmp}"
    subprocess.run(
        _as_server_user(
            [
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(tmp / "log"),
                "-w",
                "start",
            ]
        ),
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql://grader@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(tmp, ignore_errors=True)


def test_two_runs_share_one_postgres_gradebook(postgres_url, tmp_path):
    course = make_toy_course(tmp_path / "course")
    assert run_cli("release", cwd=course).returncode == 0
    release = release_of(course)
    halves = {
        "machine1": {"ana": CORRECT, "ben": PARTIAL},
        "machine2": {"cy": CORRECT, "dee": "def double(x):\n    return x\n"},
    }
    # Both machines grade at the same time, into the same gradebook.
    procs = {}
    for machine, answers in halves.items():
        for sid, code in answers.items():
            (tmp_path / machine / sid).mkdir(parents=True)
            nbformat.write(hand_in(release, code), tmp_path / machine / sid / "toy.ipynb")
        procs[machine] = subprocess.Popen(
            [sys.executable, "-m", "autograder", "grade", "toy", str(tmp_path / machine),
             "--out", str(tmp_path / f"out-{machine}"), "--db", postgres_url, "--jobs", "2"],
            cwd=course, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
    runs = {}
    for machine, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=600)
        runs[machine] = GradeRun(proc.returncode, stdout, stderr, tmp_path / f"out-{machine}")
        assert proc.returncode == 0, stderr
    assert (
        runs["machine1"].rows["ana"]["score"] == "3"
        and runs["machine1"].rows["ben"]["score"] == "1"
    )
    assert (
        runs["machine2"].rows["cy"]["score"] == "3" and runs["machine2"].rows["dee"]["score"] == "0"
    )
    # Grading machine 1's half again changes nothing in the shared gradebook.
    again = grade(
        "toy", tmp_path / "machine1", tmp_path / "out-machine1", "--db", postgres_url, cwd=course
    )
    assert again.returncode == 0, again.stderr
    export = tmp_path / "course.csv"
    proc = run_cli("export", "--db", postgres_url, "--to", str(export), cwd=course)
    assert proc.returncode == 0, proc.stderr
    rows = export.read_text().splitlines()
    scores = {line.split(",")[0]: line.split(",")[2] for line in rows[1:]}
    assert scores == {"ana": "3", "ben": "1", "cy": "3", "dee": "0"}, rows

    from nbgrader.api import Gradebook

    from autograder.config import gradebook_url

    with Gradebook(gradebook_url(postgres_url)) as gb:
        assert len(gb.find_assignment("toy").submissions) == 4, "one submission per student"
        assert gb.find_submission("toy", "ben").score == 1
