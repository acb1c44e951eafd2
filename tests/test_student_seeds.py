"""Hidden tests draw their random inputs from a seed per student, recorded in results.json:
two students with the same answer meet different inputs, a re-grade meets the same ones."""

from __future__ import annotations

import json

import nbformat
import pytest
from catalog_tools import build_submission, entries
from conftest import grade

from autograder.judge import student_seed

pytestmark = pytest.mark.xdist_group("student-seeds")
ASSIGNMENT = "a4_optimizers"
TEST = "adam_matches_torch_after_200_steps"


def _hand_in(folder, sid, nb):
    (folder / sid).mkdir(parents=True)
    nbformat.write(nb, folder / sid / f"{ASSIGNMENT}.ipynb")


def _seen(out):
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    return {
        s["student_id"]: (
            s["seed"],
            next(c["message"] for c in s["cells"] if c["grade_id"] == TEST),
        )
        for s in data["students"]
    }


def test_each_student_meets_own_recorded_random_inputs(tmp_path):
    wrong = next(e for e in entries(ASSIGNMENT, "wrong") if e.name == "adam_no_bias_correction")
    nb = build_submission(ASSIGNMENT, wrong.cells)
    _hand_in(tmp_path / "class", "ana", nb)
    _hand_in(tmp_path / "class", "ben", nb)
    _hand_in(tmp_path / "again", "ana", nb)
    first = grade(ASSIGNMENT, tmp_path / "class", tmp_path / "out1")
    again = grade(ASSIGNMENT, tmp_path / "again", tmp_path / "out2")
    assert first.returncode == again.returncode == 0, first.stderr
    seen, seen_again = _seen(tmp_path / "out1"), _seen(tmp_path / "out2")
    assert seen["ana"][0] == student_seed(ASSIGNMENT, "ana") != seen["ben"][0]
    assert seen["ana"][1] and "bias correction" in seen["ana"][1]
    assert seen["ana"][1] != seen["ben"][1], "the same answer met the same hidden inputs"
    assert seen_again["ana"] == seen["ana"], "a re-grade must meet the same hidden inputs"
