"""Every assignment through the real grade path (``python -m autograder grade``).

For each assignment with a catalog under tests/catalog/, one batch holds the reference
solution, the untouched release, every plausible wrong implementation, the correct
alternatives written differently, and a damaged file; each row of grades.csv and each
feedback page is then checked against what went in.
"""

from __future__ import annotations

import html
import re

import nbformat
import pytest
from catalog_tools import CATALOG, build_submission, entries, release_notebook
from conftest import grade


def _on_one_worker(assignment: str, *values):
    """A test parameter whose assignment's whole batch stays on one pytest-xdist worker.

    Each batch is graded once per worker (the ``batch`` fixture caches it), so all tests of
    one assignment share a worker while different assignments grade in parallel.
    """
    name = values[0].name if values else assignment
    return pytest.param(
        assignment,
        *values,
        marks=pytest.mark.xdist_group(f"catalog-{assignment}"),
        id=f"{assignment}:{name}" if values else assignment,
    )


ASSIGNMENTS = sorted(p.name for p in CATALOG.iterdir() if p.is_dir())
BY_ASSIGNMENT = [_on_one_worker(a) for a in ASSIGNMENTS]
WRONG = [_on_one_worker(a, e) for a in ASSIGNMENTS for e in entries(a, "wrong")]
CORRECT = [_on_one_worker(a, e) for a in ASSIGNMENTS for e in entries(a, "correct")]


def _test_cells(assignment: str) -> list[str]:
    return [
        c.metadata["nbgrader"]["grade_id"]
        for c in release_notebook(assignment).cells
        if c.cell_type == "code"
        and c.metadata.get("nbgrader", {}).get("grade")
        and not c.metadata["nbgrader"].get("solution")
    ]


_batches: dict = {}


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """Grade each assignment's batch once, on first use."""

    def get(assignment: str):
        if assignment not in _batches:
            subs = tmp_path_factory.mktemp(f"{assignment}-submissions")

            def hand_in(student, nb):
                (subs / student).mkdir()
                nbformat.write(nb, subs / student / f"{assignment}.ipynb")

            hand_in("reference", build_submission(assignment))
            hand_in("blank", build_submission(assignment, blank=True))
            for entry in entries(assignment, "wrong") + entries(assignment, "correct"):
                hand_in(f"{entry.kind}-{entry.name}", build_submission(assignment, entry.cells))
            (subs / "damaged").mkdir()
            (subs / "damaged" / f"{assignment}.ipynb").write_text(
                '{"cells": [{"cell_type": "code",'
            )
            run = grade(assignment, subs, tmp_path_factory.mktemp(f"{assignment}-out"))
            assert run.returncode == 0, run.stderr[-3000:]
            _batches[assignment] = run
        return _batches[assignment]

    return get


def _messages(run, student) -> str:
    page = run.feedback(student)
    return "\n".join(html.unescape(m) for m in re.findall(r"<pre>(.*?)</pre>", page, re.S))


@pytest.mark.parametrize("assignment", BY_ASSIGNMENT)
def test_catalog_is_big_enough(assignment):
    assert len(entries(assignment, "wrong")) >= 10, "the catalog of wrong implementations shrank"
    assert len(entries(assignment, "correct")) >= 2


@pytest.mark.parametrize("assignment", BY_ASSIGNMENT)
def test_reference_solution_gets_full_marks(batch, assignment):
    run = batch(assignment)
    row = run.rows["reference"]
    assert row["status"] == "graded", row["reason"]
    lost = [gid for gid in _test_cells(assignment) if float(row[gid]) == 0]
    assert lost == [], f"reference lost points in {lost}:\n{_messages(run, 'reference')}"
    assert float(row["score"]) == float(row["max_score"]) - float(row["manual_pending"])
    assert float(row["manual_pending"]) > 0, "each assignment has a written question graded by hand"


@pytest.mark.parametrize("assignment", BY_ASSIGNMENT)
def test_blank_release_gets_zero(batch, assignment):
    row = batch(assignment).rows["blank"]
    assert (row["status"], row["score"]) == ("graded", "0")


@pytest.mark.parametrize("assignment", BY_ASSIGNMENT)
def test_damaged_file_gets_zero_with_a_reason(batch, assignment):
    row = batch(assignment).rows["damaged"]
    assert row["status"] == "not graded" and row["score"] == "0"
    assert "not valid JSON" in row["reason"]


@pytest.mark.parametrize(("assignment", "entry"), WRONG)
def test_wrong_implementation_loses_points(batch, assignment, entry):
    run = batch(assignment)
    row, reference = run.rows[f"wrong-{entry.name}"], run.rows["reference"]
    assert float(row["score"]) < float(reference["score"]), f"{entry.description}: no points lost"
    for gid in entry.loses:
        assert float(row[gid]) < float(reference[gid]), (
            f"{entry.description}: {gid} kept its points"
        )
    if entry.message:
        messages = _messages(run, f"wrong-{entry.name}")
        assert entry.message.lower() in messages.lower(), (
            f"{entry.description}: feedback does not say {entry.message!r}:\n{messages}"
        )


@pytest.mark.parametrize(("assignment", "entry"), CORRECT)
def test_correct_alternative_gets_full_marks(batch, assignment, entry):
    run = batch(assignment)
    row = run.rows[f"correct-{entry.name}"]
    assert row["score"] == run.rows["reference"]["score"], _messages(run, f"correct-{entry.name}")


def test_every_assignment_has_a_catalog():
    from autograder.course import Course

    missing = set(Course(CATALOG.parents[1]).assignments()) - set(ASSIGNMENTS)
    assert not missing, f"no tests/catalog/<assignment>/ for {sorted(missing)}"
