"""The student's self-check (``python -m autograder validate``) on real exercise notebooks."""

from __future__ import annotations

import copy

import nbformat
import pytest
from catalog_tools import build_submission, release_notebook
from conftest import run_cli

ASSIGNMENT = "a5_lr_schedules"  # visible tests only, no torch import: the quickest to run


def _hand_in(tmp_path, nb, name=f"{ASSIGNMENT}.ipynb"):
    path = tmp_path / name
    nbformat.write(nb, path)
    return path


def _test_ids(nb) -> list[str]:
    return [
        c.metadata["nbgrader"]["grade_id"]
        for c in nb.cells
        if c.cell_type == "code"
        and c.metadata.get("nbgrader", {}).get("grade")
        and not c.metadata["nbgrader"].get("solution")
    ]


@pytest.fixture(scope="module")
def reference():
    return build_submission(ASSIGNMENT)


def test_reference_passes_every_visible_test_and_still_says_it_is_not_a_grade(tmp_path, reference):
    proc = run_cli("validate", str(_hand_in(tmp_path, reference)))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    n = len(_test_ids(release_notebook(ASSIGNMENT)))
    assert f"Visible tests passed in {n} of {n} test cells." in proc.stdout
    assert "This is not your grade" in proc.stdout
    assert "hidden tests" in proc.stdout
    assert "graded by hand" in proc.stdout
    assert "FAIL" not in proc.stdout


def test_blank_release_fails_with_not_implemented_and_exit_status_1(tmp_path):
    proc = run_cli("validate", str(_hand_in(tmp_path, release_notebook(ASSIGNMENT))))
    assert proc.returncode == 1
    assert "Visible tests passed in 0 of" in proc.stdout
    assert "not implemented yet" in proc.stdout


def test_edited_and_deleted_test_cells_are_restored_and_named(tmp_path, reference):
    nb = copy.deepcopy(reference)
    ids = _test_ids(nb)
    edited, deleted = ids[0], ids[1]
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == edited:
            cell.source = "pass  # trust me"
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != deleted]
    proc = run_cli("validate", str(_hand_in(tmp_path, nb)))
    assert proc.returncode == 0, proc.stdout
    assert f"test cell {edited!r} was edited" in proc.stdout
    assert f"test cell {deleted!r} was deleted" in proc.stdout
    assert f"PASS  {deleted}" in proc.stdout  # put back and run


def test_missing_function_and_errors_saved_in_the_notebook_are_warned_about(tmp_path, reference):
    nb = copy.deepcopy(reference)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "step_decay_implementation":
            cell.source = cell.source.replace("def step_decay(", "def stepdecay(")
            cell.outputs = [
                nbformat.v4.new_output("error", ename="ValueError", evalue="oops", traceback=[])
            ]
    proc = run_cli("validate", str(_hand_in(tmp_path, nb)))
    assert proc.returncode == 1
    assert "'step_decay' is not defined" in proc.stdout
    assert "saved with errors in: step_decay_implementation" in proc.stdout


@pytest.mark.parametrize(
    ("content", "phrase"),
    [
        (b"", "the file is empty"),
        (b'{"cells": [', "not a readable notebook"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
    ],
)
def test_unreadable_file_gets_a_clear_message_naming_it(tmp_path, content, phrase):
    path = tmp_path / f"{ASSIGNMENT}.ipynb"
    path.write_bytes(content)
    proc = run_cli("validate", str(path))
    assert proc.returncode == 2
    assert phrase in proc.stderr and str(path) in proc.stderr


def test_renamed_notebook_is_refused_with_the_list_of_assignments(tmp_path, reference):
    proc = run_cli("validate", str(_hand_in(tmp_path, reference, name="my homework.ipynb")))
    assert proc.returncode == 2
    assert "keep the notebook's original file name" in proc.stderr
    assert ASSIGNMENT in proc.stderr


def test_check_prints_the_same_report_from_inside_python(tmp_path, reference, capsys):
    from autograder.selfcheck import check

    report = check(_hand_in(tmp_path, reference))
    assert report.all_passed
    assert "This is not your grade" in capsys.readouterr().out
