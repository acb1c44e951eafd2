"""Student releases: generated from solutions/, in sync, and free of answers."""

from __future__ import annotations

import filecmp
import subprocess
import sys
from pathlib import Path

import pytest
from leaks import find_leaks, secret_lines

from autograder.course import Course
from autograder.release import generate_release

ROOT = Path(__file__).resolve().parents[1]
COURSE = Course(ROOT)
ASSIGNMENTS = COURSE.assignments()
NBGRADER = [sys.executable, "-m", "nbgrader"]


def test_every_assignment_has_a_release():
    assert ASSIGNMENTS, "no assignment under solutions/"
    for a in ASSIGNMENTS:
        assert (ROOT / "exercises" / a / f"{a}.ipynb").is_file(), (
            f"run `make release`: {a} has no release"
        )


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_is_in_sync_with_solutions(assignment, tmp_path):
    """Regenerating the release changes nothing under exercises/."""
    fresh = tmp_path / assignment
    generate_release(COURSE, assignment, fresh)
    committed = ROOT / "exercises" / assignment
    diff = filecmp.dircmp(fresh, committed)
    assert not diff.left_only and not diff.right_only, (
        f"files differ: only in fresh release {diff.left_only}, only in exercises/ {diff.right_only}"
    )
    for name in diff.common_files:
        assert (fresh / name).read_bytes() == (committed / name).read_bytes(), (
            f"exercises/{assignment}/{name} is stale: run `make release` and commit the result"
        )


def test_student_readme_is_in_sync_and_lists_every_assignment():
    from autograder.release import student_readme

    readme = ROOT / "exercises" / "README.md"
    assert readme.is_file(), "run `make release`: exercises/README.md is missing"
    assert readme.read_text(encoding="utf-8") == student_readme(COURSE), (
        "exercises/README.md is stale: run `make release` and commit the result"
    )
    for a in ASSIGNMENTS:
        assert f"({a}/{a}.ipynb)" in readme.read_text(encoding="utf-8")
    for step in ("## 1. Set up", "## 2. Work", "## 3. Check", "## 4. Hand in"):
        assert step in readme.read_text(encoding="utf-8")
    assert "python -m autograder validate" in readme.read_text(encoding="utf-8")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_tells_the_student_how_to_check_and_that_it_is_not_a_grade(assignment):
    import nbformat

    nb = nbformat.read(ROOT / "exercises" / assignment / f"{assignment}.ipynb", as_version=4)
    intro = nb.cells[0].source
    assert f"python -m autograder validate {assignment}.ipynb" in intro
    assert "**not** your grade" in intro


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_contains_no_solution_or_hidden_test(assignment):
    secrets = secret_lines(ROOT / "solutions" / assignment / f"{assignment}.ipynb")
    assert secrets, "found no solution text to look for: the leak check would be vacuous"
    assert find_leaks(secrets, ROOT / "exercises") == []


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solutions_have_no_outputs(assignment):
    import nbformat

    nb = nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    with_outputs = [
        c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells if c.get("outputs")
    ]
    assert with_outputs == [], f"strip outputs (nbstripout) from cells {with_outputs}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_nbgrader_validate_passes_solutions_and_fails_the_blank_release(assignment):
    source = ROOT / "solutions" / assignment / f"{assignment}.ipynb"
    release = ROOT / "exercises" / assignment / f"{assignment}.ipynb"
    ok = subprocess.run(
        [*NBGRADER, "validate", str(source)], capture_output=True, text=True, cwd=ROOT
    )
    assert ok.returncode == 0 and "Success!" in ok.stdout, ok.stdout + ok.stderr
    inverted = subprocess.run(
        [*NBGRADER, "validate", "--invert", str(release)], capture_output=True, text=True, cwd=ROOT
    )
    assert inverted.returncode == 0 and "Success!" in inverted.stdout, (
        inverted.stdout + inverted.stderr
    )
