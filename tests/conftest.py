"""Shared fixtures: run the instructor CLI the way an instructor does."""

from __future__ import annotations

import csv
import hashlib
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


def run_cli(
    *args: str, cwd: Path = ROOT, timeout: int = 1800, env: dict | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "autograder", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def tree_digest(*paths: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """path -> sha256 of every file under ``paths`` (folders or single files), leaving out
    files under a folder named in ``skip``: compare before and after to prove nothing
    changed."""
    out = {}
    for root in map(Path, paths):
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            if not skip or not set(path.relative_to(root).parts) & set(skip):
                out[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


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
