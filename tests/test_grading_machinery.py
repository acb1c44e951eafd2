"""The grade path on a tiny course: scores, bad hand-ins, CSV, feedback, zips.

Uses the toy assignment from fixtures/make_toy_course.py so that every kind of broken
hand-in can be graded in one quick batch.
"""

from __future__ import annotations

import copy
import json
import zipfile

import nbformat
import pytest
from conftest import grade, run_cli, tree_digest
from fixtures.hand_ins import CORRECT, hand_in, release_of
from fixtures.make_toy_course import make_toy_course

HIDDEN_LINE = "for v in (-4, 0, 2.5):"
SOLUTION_LINE = "return 2 * x"


def _answer(release, source):
    nb = copy.deepcopy(release)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "double_implementation":
            cell.source = source
    return nb


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    root = make_toy_course(tmp_path_factory.mktemp("course"))
    proc = run_cli("release", cwd=root)
    assert proc.returncode == 0, proc.stderr
    return root


@pytest.fixture(scope="module")
def batch(toy, tmp_path_factory):
    """One folder with a correct, blank, wrong and every kind of broken hand-in."""
    release = nbformat.read(toy / "exercises" / "toy" / "toy.ipynb", as_version=4)
    subs = tmp_path_factory.mktemp("subs")

    def put(student, name, content):
        path = subs / student / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            nbformat.write(content, path)

    put("correct", "toy.ipynb", _answer(release, "def double(x):\n    return x + x\n"))
    put("renamed", "toy (1).ipynb", _answer(release, "def double(x):\n    return x * 2\n"))
    put("blank", "toy.ipynb", release)
    put("partial", "toy.ipynb", _answer(release, "def double(x):\n    return 6 if x == 3 else 0\n"))
    put("crashes", "toy.ipynb", _answer(release, "def double(x):\n    return undefined_name\n"))
    put("endless", "toy.ipynb", _answer(release, "def double(x):\n    while True:\n        pass\n"))
    put("truncated", "toy.ipynb", '{"cells": [')
    put("empty", "toy.ipynb", b"")
    put("latin1", "toy.ipynb", "caf\xe9".encode("latin-1"))
    put("not_a_notebook", "toy.ipynb", json.dumps({"hello": "world"}))
    v3 = {"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": []}]}
    put("old_format", "toy.ipynb", json.dumps(v3))
    other = copy.deepcopy(release)
    for cell in other.cells:
        if "nbgrader" in cell.metadata:
            cell.metadata["nbgrader"]["grade_id"] = "other_" + cell.metadata["nbgrader"]["grade_id"]
    put("wrong_assignment", "toy.ipynb", other)
    put("nothing", "notes.txt", "I forgot")
    put("two_notebooks", "draft.ipynb", release)
    put("two_notebooks", "final.ipynb", release)
    put("bad id", "toy.ipynb", release)
    deleted = _answer(release, "def double(x):\n    return 2 * x\n")
    deleted.cells = [
        c
        for c in deleted.cells
        if c.metadata.get("nbgrader", {}).get("grade_id") != "double_hidden_cases"
    ]
    put("deleted_test", "toy.ipynb", deleted)
    # files beside the notebook must be ignored: this would shadow double() if imported
    put("correct", "helpers.py", "raise SystemExit('student files must not be used')\n")

    before = tree_digest(subs)
    out = tmp_path_factory.mktemp("out")
    run = grade("toy", subs, out, "--timeout", "10", cwd=toy)
    run.inputs_unchanged = tree_digest(subs) == before
    return run


def test_batch_completes_and_prints_a_summary(batch):
    assert batch.returncode == 0, batch.stderr
    assert "student" in batch.stdout and "correct" in batch.stdout
    assert len(batch.rows) == 16


def test_correct_answers_get_every_automatic_point(batch):
    for student in ("correct", "renamed"):
        row = batch.rows[student]
        assert (row["double_of_three"], row["double_hidden_cases"]) == ("1", "2"), row
        assert row["score"] == "3" and row["max_score"] == "6" and row["manual_pending"] == "3"


def test_deleted_test_cell_is_put_back_and_run(batch):
    row = batch.rows["deleted_test"]
    assert (row["double_of_three"], row["double_hidden_cases"], row["score"]) == ("1", "2", "3"), (
        row
    )
    assert "put back and run: double_hidden_cases" in row["reason"]
    assert "double_hidden_cases" in batch.feedback("deleted_test")


def test_blank_release_gets_zero(batch):
    row = batch.rows["blank"]
    assert row["status"] == "graded" and row["score"] == "0"


def test_partial_answer_gets_partial_credit_and_the_failure_message(batch):
    row = batch.rows["partial"]
    assert (row["double_of_three"], row["double_hidden_cases"], row["score"]) == ("1", "0", "1")
    assert "double(-4) should be -8, got 0" in batch.feedback("partial")


def test_errors_and_endless_loops_are_named_in_feedback(batch):
    assert "NameError" in batch.feedback("crashes")
    assert batch.rows["endless"]["score"] == "0"
    assert "ran longer than the 10 s limit" in batch.feedback("endless")


@pytest.mark.parametrize(
    ("student", "phrase"),
    [
        ("truncated", "not valid JSON"),
        ("empty", "is empty"),
        ("latin1", "not UTF-8"),
        ("not_a_notebook", "not a Jupyter notebook"),
        ("old_format", "notebook format 3"),
        ("wrong_assignment", "not the toy notebook"),
        ("nothing", "no notebook handed in"),
        ("two_notebooks", "cannot tell which one"),
        ("bad id", "not a usable student id"),
    ],
)
def test_ungradable_hand_in_gets_zero_and_a_reason(batch, student, phrase):
    row = batch.rows[student]
    assert row["status"] == "not graded" and row["score"] == "0", row
    assert phrase in row["reason"], row["reason"]
    assert "could not be graded" in batch.feedback(student)


def test_feedback_never_shows_hidden_tests_or_solutions(batch):
    for path in (batch.out / "feedback").glob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert HIDDEN_LINE not in text and "BEGIN HIDDEN TESTS" not in text, path.name
        assert SOLUTION_LINE not in text, path.name


def test_submissions_are_left_untouched(batch):
    assert batch.inputs_unchanged


def test_grades_csv_has_one_column_per_graded_cell(batch):
    header = next(iter(batch.rows.values())).keys()
    assert list(header)[:8] == [
        "student_id",
        "assignment",
        "score",
        "max_score",
        "status",
        "manual_pending",
        "reason",
        "flags",
    ]
    assert list(header)[8:] == ["double_of_three", "double_hidden_cases", "written_linearity"]


def test_zip_with_a_wrapper_folder_is_graded(toy, tmp_path):
    release = nbformat.read(toy / "exercises" / "toy" / "toy.ipynb", as_version=4)
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(
            "Assignment 1/s001/toy.ipynb",
            nbformat.writes(_answer(release, "def double(x):\n    return 2 * x\n")),
        )
        zf.writestr("__MACOSX/._junk", "")
    run = grade("toy", archive, tmp_path / "out", cwd=toy)
    assert run.returncode == 0, run.stderr
    assert run.rows["s001"]["score"] == "3"


def test_zip_entries_escaping_or_bombing_are_refused_and_the_batch_carries_on(toy, tmp_path):
    release = release_of(toy)
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("../../escaped.ipynb", "{}")
        zf.writestr("mal/../../../escaped2.ipynb", "{}")
        zf.writestr("bomb/toy.ipynb", b"\0" * (100 * 2**20))  # 100 MiB of zeros, ~100 KiB
        zf.writestr("fine/toy.ipynb", nbformat.writes(hand_in(release, CORRECT)))
    run = grade("toy", archive, tmp_path / "out", cwd=toy)
    assert run.returncode == 0, run.stderr
    assert "points outside the zip" in run.stderr  # the entry of no student: a warning
    rows = run.rows
    assert rows["fine"]["score"] == "3"
    assert rows["bomb"]["status"] == "not graded" and "zip bomb" in rows["bomb"]["reason"]
    assert rows["mal"]["status"] == "not graded" and "outside the zip" in rows["mal"]["reason"]
    assert not (tmp_path.parent / "escaped.ipynb").exists()
    assert not list(tmp_path.parent.rglob("escaped2.ipynb"))


def test_a_student_zip_is_unpacked_safely(toy, tmp_path):
    release = release_of(toy)
    subs = tmp_path / "subs"
    for sid, members in {
        "zipped": {"work/toy.ipynb": nbformat.writes(hand_in(release, CORRECT))},
        "evil": {"../../../outside.ipynb": "{}"},
    }.items():
        (subs / sid).mkdir(parents=True)
        with zipfile.ZipFile(subs / sid / "handin.zip", "w") as zf:
            for name, text in members.items():
                zf.writestr(name, text)
    run = grade("toy", subs, tmp_path / "out", cwd=toy)
    assert run.returncode == 0, run.stderr
    assert run.rows["zipped"]["score"] == "3"
    assert "outside the zip" in run.rows["evil"]["reason"]
    assert sorted(p.name for p in (subs / "zipped").iterdir()) == ["handin.zip"]


def test_unknown_assignment_is_a_clear_error(toy, tmp_path):
    run = grade("nope", tmp_path, tmp_path / "out", cwd=toy)
    assert run.returncode == 2 and "unknown assignment 'nope'" in run.stderr
