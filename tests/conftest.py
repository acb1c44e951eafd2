"""Shared fixtures: run the instructor CLI the way an instructor does."""

from __future__ import annotations

import csv
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))


@dataclass
class GradeRun:
    """What ``python -m autograder grade`` left behind."""

    returncode: int
    stdout: str
    stderr: str
    out: Path

    @property
    def rows(self) -> dict[str, dict[str, str]]:
        with open(self.out / "grades.csv", newline="", encoding="utf-8") as fh:
            return {row["student_id"]: row for row in csv.DictReader(fh)}

    def feedback(self, student_id: str) -> str:
        from autograder.output import feedback_name

        return (self.out / "feedback" / feedback_name(student_id)).read_text(encoding="utf-8")


def run_cli(*args: str, cwd: Path = ROOT, timeout: int = 1800) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "autograder", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def grade(assignment: str, submissions: Path, out: Path, *extra: str, cwd: Path = ROOT) -> GradeRun:
    proc = run_cli("grade", assignment, str(submissions), "--out", str(out), *extra, cwd=cwd)
    return GradeRun(proc.returncode, proc.stdout, proc.stderr, out)


@pytest.fixture(scope="session")
def cli():
    return run_cli


@pytest.fixture(scope="session")
def built_book(tmp_path_factory):
    """One clean build of the whole book (fresh execution cache) per test session."""
    from book_site import build_book

    return build_book(tmp_path_factory.mktemp("book"))
