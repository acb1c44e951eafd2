"""Grading written answers by hand from the command line, end to end: export a sheet, fill
it in, import it (bad sheets are refused whole), see the points in grades.csv, the comment in
the feedback and the report, and keep them when the batch is graded again."""

from __future__ import annotations

import csv

import nbformat
import pytest
from conftest import grade, run_cli, tree_digest
from fixtures.hand_ins import CORRECT, PARTIAL, hand_in, release_of
from fixtures.make_toy_course import make_toy_course

ANA_ANSWER = "Because double(a + b) = 2a + 2b = double(a) + double(b)."
COMMENT = "Right, and you showed the scaling part too."


def _write_sheet(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    root = make_toy_course(tmp_path_factory.mktemp("course"))
    assert run_cli("release", cwd=root).returncode == 0
    release = release_of(root)
    subs = tmp_path_factory.mktemp("subs")
    for sid, code, written in (("ana", CORRECT, ANA_ANSWER), ("ben", PARTIAL, "It is linear.")):
        path = subs / sid / "toy.ipynb"
        path.parent.mkdir()
        nbformat.write(hand_in(release, code, written), path)
    out = tmp_path_factory.mktemp("out")
    run = grade("toy", subs, out, cwd=root)
    assert run.returncode == 0, run.stderr
    sheet = tmp_path_factory.mktemp("sheets") / "written.csv"
    proc = run_cli("manual", "toy", "--out", str(out), "export", str(sheet), cwd=root)
    assert proc.returncode == 0, proc.stderr
    with open(sheet, newline="", encoding="utf-8") as fh:
        exported = list(csv.DictReader(fh))
    return root, subs, out, sheet, exported


def test_export_lists_each_written_answer_with_its_text(setup):
    _, _, _, _, exported = setup
    assert [(r["student_id"], r["grade_id"], r["max_points"]) for r in exported] == [
        ("ana", "written_linearity", "3"),
        ("ben", "written_linearity", "3"),
    ]
    assert exported[0]["answer"] == ANA_ANSWER
    assert exported[0]["points"] == "" and exported[0]["comment"] == ""


@pytest.mark.parametrize(
    ("student", "grade_id", "points", "problem"),
    [
        ("zed", "written_linearity", "1", "student 'zed' is not among the students graded"),
        ("ana", "double_of_three", "1", "'double_of_three' is not a written question"),
        ("ana", "written_linearity", "4", "points 4 for ana / written_linearity is outside 0..3"),
        ("ana", "written_linearity", "-1", "is outside 0..3"),
        ("ana", "written_linearity", "two", "points 'two' for ana / written_linearity is not a"),
    ],
)
def test_bad_sheet_is_refused_whole_naming_file_row_and_problem(
    setup, tmp_path, student, grade_id, points, problem
):
    root, _, out, _, _ = setup
    good = {"student_id": "ben", "grade_id": "written_linearity", "points": "1", "comment": ""}
    bad = {"student_id": student, "grade_id": grade_id, "points": points, "comment": ""}
    sheet = _write_sheet(tmp_path / "filled.csv", [good, bad])
    before = tree_digest(out, skip=("_work",))
    proc = run_cli("manual", "toy", "--out", str(out), "import", str(sheet), cwd=root)
    assert proc.returncode == 2, proc.stdout
    assert str(sheet) in proc.stderr and "row 3:" in proc.stderr and problem in proc.stderr, (
        proc.stderr
    )
    assert "nothing was imported" in proc.stderr
    assert tree_digest(out, skip=("_work",)) == before, (
        "a refused sheet must leave the gradebook and grades untouched"
    )


def test_sheet_without_points_column_is_refused(setup, tmp_path):
    root, _, out, _, _ = setup
    sheet = tmp_path / "wrong.csv"
    sheet.write_text("student,question,score\nana,written_linearity,3\n", encoding="utf-8")
    proc = run_cli("manual", "toy", "--out", str(out), "import", str(sheet), cwd=root)
    assert proc.returncode == 2 and "lacks column(s) student_id, grade_id, points" in proc.stderr


@pytest.fixture(scope="module")
def imported(setup):
    root, subs, out, sheet, exported = setup
    exported[0]["points"], exported[0]["comment"] = "3", COMMENT
    exported[1]["points"] = "1,5"  # a decimal comma, as some spreadsheets write it
    _write_sheet(sheet, exported)
    proc = run_cli("manual", "toy", "--out", str(out), "import", str(sheet), cwd=root)
    assert proc.returncode == 0, proc.stderr
    assert "imported 2 grade(s) for 2 student(s)" in proc.stdout
    return setup


def _rows(out):
    with open(out / "grades.csv", newline="", encoding="utf-8") as fh:
        return {r["student_id"]: r for r in csv.DictReader(fh)}


def test_imported_points_reach_grades_csv_feedback_and_gradebook(imported):
    _, _, out, _, _ = imported
    rows = _rows(out)
    assert (
        rows["ana"]["score"],
        rows["ana"]["manual_pending"],
        rows["ana"]["written_linearity"],
    ) == (
        "6",
        "0",
        "3",
    ), rows["ana"]
    assert (rows["ben"]["score"], rows["ben"]["manual_pending"]) == ("2.5", "0"), rows["ben"]
    feedback = (out / "feedback" / "ana.html").read_text(encoding="utf-8")
    assert COMMENT in feedback and "graded by hand" in feedback

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{out / 'gradebook.db'}") as gb:
        assert gb.find_grade("written_linearity", "toy", "toy", "ana").manual_score == 3
        assert gb.find_comment("written_linearity", "toy", "toy", "ana").manual_comment == COMMENT


def test_report_counts_hand_graded_answers(imported):
    root, _, out, _, _ = imported
    assert run_cli("report", "toy", "--out", str(out), cwd=root).returncode == 0
    with open(out / "report_questions.csv", newline="", encoding="utf-8") as fh:
        written = next(r for r in csv.DictReader(fh) if r["grade_id"] == "written_linearity")
    assert (written["graded"], written["mean_points"], written["pass_rate"]) == (
        "2",
        "2.250",
        "0.500",
    ), written


def test_regrading_keeps_hand_grades_even_with_a_new_gradebook(imported):
    root, subs, out, _, _ = imported
    (out / "gradebook.db").unlink()  # nbgrader's copy is gone; manual_grades.json is not
    run = grade("toy", subs, out, cwd=root)
    assert run.returncode == 0, run.stderr
    assert (run.rows["ana"]["score"], run.rows["ana"]["manual_pending"]) == ("6", "0"), run.rows
    assert run.rows["ben"]["written_linearity"] == "1.5"
    assert COMMENT in run.feedback("ana")


def test_export_gives_one_row_per_student_and_assignment(imported, tmp_path):
    root, _, out, _, _ = imported
    dest = tmp_path / "all.csv"
    proc = run_cli("export", "--out", str(out), "--to", str(dest), cwd=root)
    assert proc.returncode == 0, proc.stderr
    with open(dest, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0])[:4] == ["student_id", "assignment", "score", "max_score"]
    assert [(r["student_id"], r["assignment"], r["score"], r["max_score"]) for r in rows] == [
        ("ana", "toy", "6", "6"),
        ("ben", "toy", "2.5", "6"),
    ]
