"""The class report on a graded batch whose every number the test put in itself.

One zip of toy hand-ins (see fixtures/): correct, partial and late (by timestamp.txt and by
zip entry time), a deleted test cell, an edited test cell, a forbidden import, an endless
loop, a damaged file, and two students on the roster who handed nothing in.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import html
import io
import re
import statistics
from datetime import datetime

import pytest
from conftest import grade, run_cli
from fixtures.hand_ins import CORRECT, ENDLESS, FORBIDDEN, PARTIAL, hand_in, release_of, write_zip
from fixtures.make_toy_course import make_toy_course
from PIL import Image

SETTINGS = """\
[assignments.toy]
due = 2026-11-01T23:59:00+00:00
late_penalty = "10%/day, max=50%"
allowed_imports = ["numpy"]
"""
ON_TIME = datetime(2026, 11, 1, 20, 0)
ROSTER = ["ana", "ben", "cho", "dan", "eve", "fay", "gus", "hal", "ida", "jo"]
# Final scores after the late penalty, graded students only (written answers not graded yet).
# fay imports scipy in a NumPy-only assignment: the import fails in the sandbox, so her
# function is never defined.
EXPECTED_FINAL = {"ana": 3, "ben": 0.8, "cho": 2.7, "dan": 3, "eve": 0, "fay": 0, "gus": 0}


def _read_csv(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = make_toy_course(tmp_path_factory.mktemp("course"))
    (root / "autograder.toml").write_text(SETTINGS, encoding="utf-8")
    proc = run_cli("release", cwd=root)
    assert proc.returncode == 0, proc.stderr
    return root


@pytest.fixture(scope="module")
def graded(course, tmp_path_factory):
    release = release_of(course)
    hand_ins = {
        "ana": hand_in(release, CORRECT),
        "ben": hand_in(release, PARTIAL),
        "cho": hand_in(release, CORRECT),
        "dan": hand_in(release, CORRECT, drop=("double_hidden_cases",)),
        "eve": hand_in(
            release, "def double(x):\n    return 0\n", edit={"double_of_three": "assert True"}
        ),
        "fay": hand_in(release, FORBIDDEN),
        "gus": hand_in(release, ENDLESS),
        "hal": '{"cells": [',
    }
    times = dict.fromkeys(hand_ins, ON_TIME)
    times["cho"] = datetime(2026, 11, 2, 0, 30)  # 31 min late by its zip entry time
    # ben's zip entry says on time, but nbgrader's timestamp.txt says 1 d 10 h 1 min late.
    stamps = {"ben": "2026-11-03 10:00:00.000000 UTC"}
    tmp = tmp_path_factory.mktemp("in")
    archive = write_zip(tmp / "lms-download.zip", hand_ins, times, stamps)
    before = hashlib.sha256(archive.read_bytes()).hexdigest()
    roster = tmp / "roster.csv"
    roster.write_text("student_id,name\n" + "".join(f"{s},{s.title()}\n" for s in ROSTER))
    out = tmp_path_factory.mktemp("out")
    run = grade("toy", archive, out, "--timeout", "3", cwd=course)
    assert run.returncode == 0, run.stderr
    assert hashlib.sha256(archive.read_bytes()).hexdigest() == before, "the zip was modified"
    report = run_cli("report", "toy", "--out", str(out), "--roster", str(roster), cwd=course)
    assert report.returncode == 0, report.stderr
    run.report_html = (out / "report.html").read_text(encoding="utf-8")
    run.roster = roster
    return run


def test_grades_csv_has_score_after_penalty_and_raw_score(graded):
    rows = graded.rows
    for sid, final in EXPECTED_FINAL.items():
        assert float(rows[sid]["score"]) == pytest.approx(final), (sid, rows[sid])
    ben = rows["ben"]
    assert (ben["raw_score"], ben["penalty_percent"], ben["late_hours"]) == ("1", "20", "34.02"), (
        "ben is 1 d 10 h 1 min late by timestamp.txt: 2 started days at 10%/day",
        ben,
    )
    assert ben["submitted_at"] == "2026-11-03T10:00:00+00:00"
    cho = rows["cho"]
    assert (cho["raw_score"], cho["penalty_percent"], cho["score"]) == ("3", "10", "2.7"), cho
    assert (rows["ana"]["penalty_percent"], rows["ana"]["late_hours"]) == ("0", "0.00")
    assert rows["hal"]["status"] == "not graded" and rows["hal"]["score"] == "0"


def test_feedback_explains_the_late_penalty(graded):
    text = graded.feedback("ben")
    assert "1 d 10 h 1 min after the due date" in text, "feedback must say how late"
    assert "Late penalty\n  20%" in text or "Late penalty 20%" in re.sub(r"\s+", " ", text)
    assert "Handed in 2026-11-01T20:00:00+00:00, on time" in graded.feedback("ana")
    assert "Edited test cells: double_of_three" in graded.feedback("eve")


def test_results_json_keeps_flags_and_messages(graded):
    import json

    data = json.loads((graded.out / "results.json").read_text(encoding="utf-8"))
    flags = {s["student_id"]: {f["kind"] for f in s["flags"]} for s in data["students"]}
    assert "deleted test cells" in flags["dan"]
    assert "edited test cells" in flags["eve"]
    assert "forbidden imports" in flags["fay"] and "forbidden imports" not in flags["ana"]
    assert "timeout" in flags["gus"]
    assert "not graded" in flags["hal"]
    assert flags["ben"] >= {"late"} and flags["cho"] >= {"late"} and "late" not in flags["ana"]


def test_report_questions_hardest_first_with_pass_rates(graded):
    rows = _read_csv(graded.out / "report_questions.csv")
    assert [r["grade_id"] for r in rows] == [
        "double_hidden_cases",
        "double_of_three",
        "written_linearity",
    ], "hardest first; written answers not graded yet go last"
    by_id = {r["grade_id"]: r for r in rows}
    # 7 graded: hidden cases passed by ana, cho, dan; double(3) also by ben.
    assert float(by_id["double_hidden_cases"]["pass_rate"]) == pytest.approx(3 / 7, abs=1e-3)
    assert float(by_id["double_of_three"]["pass_rate"]) == pytest.approx(4 / 7, abs=1e-3)
    assert float(by_id["double_hidden_cases"]["mean_points"]) == pytest.approx(6 / 7, abs=1e-3)
    assert (
        by_id["written_linearity"]["graded"] == "0"
        and by_id["written_linearity"]["pass_rate"] == ""
    )


def test_report_counts_failure_messages(graded):
    rows = _read_csv(graded.out / "report_failures.csv")
    hidden = [r for r in rows if r["grade_id"] == "double_hidden_cases"]
    assert hidden[0]["message"] == "AssertionError: double(-4) should be -8, got 0", hidden
    assert (hidden[0]["count"], hidden[0]["students"]) == ("2", "ben eve"), hidden[0]
    assert any(r["students"] == "gus" and r["message"].startswith("Timeout") for r in hidden)
    assert "double(-4) should be -8, got 0" in graded.report_html


def test_report_students_lists_missing_late_and_not_graded(graded):
    rows = {r["student_id"]: r for r in _read_csv(graded.out / "report_students.csv")}
    assert set(rows) == set(ROSTER)
    assert rows["ida"]["status"] == rows["jo"]["status"] == "missing"
    assert rows["hal"]["status"] == "not graded" and "not valid JSON" in rows["hal"]["reason"]
    assert rows["ben"]["penalty_percent"] == "20" and rows["ben"]["score"] == "0.8"
    page = graded.report_html
    for heading in ("Summary", "Questions, hardest first", "Most common failure messages"):
        assert heading in page, f"report section {heading!r} missing"
    assert re.search(r"No hand-in \(missing\)</th><td class=\"num\">2<", page), "2 missing"
    assert re.search(r"Late</th><td class=\"num\">2<", page), "ben and cho are late"
    assert "ida, jo" in page
    mean = sum(EXPECTED_FINAL.values()) / len(EXPECTED_FINAL)
    median = statistics.median(EXPECTED_FINAL.values())
    assert f"{mean:.2f} / {median:g}" in page, "mean / median of the scores after penalty"


def test_report_flags_name_students_and_problems(graded):
    flags = {(r["student_id"], r["kind"]) for r in _read_csv(graded.out / "report_flags.csv")}
    assert {
        ("dan", "deleted test cells"),
        ("eve", "edited test cells"),
        ("fay", "forbidden imports"),
        ("gus", "timeout"),
        ("hal", "not graded"),
        ("ben", "late"),
    } <= flags
    assert "imports scipy (allowed: numpy and the standard library)" in graded.report_html


def test_forbidden_package_is_not_importable_and_feedback_says_so(graded):
    text = re.sub(r"\s+", " ", html.unescape(graded.feedback("fay")))
    assert "scipy is not available here" in text, text[:2000]
    assert "NameError: name 'double' is not defined (your cell" in text


def test_report_figures_are_decodable_pngs(graded):
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', graded.report_html)
    assert len(images) == 2, "expected a score histogram and a pass-rate chart"
    for data in images:
        image = Image.open(io.BytesIO(base64.b64decode(data)))
        image.load()
        assert image.format == "PNG" and image.width >= 300 and image.height >= 150, image.size


def test_report_refuses_a_roster_without_student_ids(graded, course, tmp_path):
    bad = tmp_path / "class.csv"
    bad.write_text("name,email\nAna,a@x\n", encoding="utf-8")
    before = (graded.out / "report.html").read_bytes()
    proc = run_cli("report", "toy", "--out", str(graded.out), "--roster", str(bad), cwd=course)
    assert proc.returncode == 2, proc.stdout
    assert str(bad) in proc.stderr and "no 'student_id' column" in proc.stderr, proc.stderr
    assert (graded.out / "report.html").read_bytes() == before, "a failed report must write nothing"


def test_report_on_a_folder_of_another_assignment_is_refused(graded, course):
    proc = run_cli("report", "other", "--out", str(graded.out), cwd=course)
    assert proc.returncode == 2 and "holds grades of 'toy', not 'other'" in proc.stderr
