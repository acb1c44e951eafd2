"""Due dates, late penalties, hand-in times, and the gradebook-wide export."""

from __future__ import annotations

import csv
import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

import nbformat
import pytest
from conftest import grade, run_cli
from fixtures.hand_ins import CORRECT, hand_in, release_of
from fixtures.make_toy_course import make_toy_course

from autograder.course import CourseError
from autograder.policy import format_late, load_policy, parse_due, parse_late_rule
from autograder.submissions import hand_in_time

HOUR = 3600.0


@pytest.mark.parametrize(
    ("rule", "late_seconds", "percent"),
    [
        ("10%/day,max=50%", 0, 0),
        ("10%/day,max=50%", 60, 10),  # every started day counts
        ("10%/day,max=50%", 24 * HOUR, 10),
        ("10%/day,max=50%", 24 * HOUR + 1, 20),
        ("10%/day,max=50%", 30 * 24 * HOUR, 50),
        ("2%/hour", 2.5 * HOUR, 6),
        ("10%/day, grace=15min", 14 * 60, 0),
        ("10%/day, grace=15min", 16 * 60, 10),
        ("none", 99 * HOUR, 0),
    ],
)
def test_late_rule_takes_a_percentage_per_started_unit(rule, late_seconds, percent):
    assert parse_late_rule(rule).penalty_percent(late_seconds) == percent, (
        f"{rule}: {late_seconds} s late should cost {percent}%"
    )


@pytest.mark.parametrize(
    ("rule", "problem"),
    [
        ("10 percent a day", "cannot read '10 percent a day'"),
        ("max=50%", "has no rate"),
        ("150%/day", "percentages must lie in 0..100"),
    ],
)
def test_bad_late_rule_is_a_clear_error(rule, problem):
    with pytest.raises(CourseError, match=problem):
        parse_late_rule(rule)


def test_due_date_needs_a_time_zone():
    with pytest.raises(CourseError, match="has no time zone"):
        parse_due("2026-11-01T23:59:00")
    with pytest.raises(CourseError, match="is not a date and time"):
        parse_due("next friday")
    assert parse_due("2026-11-01T23:59:00Z").utcoffset().total_seconds() == 0


def test_settings_file_is_read_and_options_override_it(tmp_path):
    (tmp_path / "autograder.toml").write_text(
        '[assignments.toy]\ndue = 2026-11-01T23:59:00+01:00\nlate_penalty = "5%/day"\n'
    )
    policy = load_policy(tmp_path, "toy")
    assert policy.due == datetime(2026, 11, 1, 22, 59, tzinfo=timezone.utc)
    assert policy.late_rule.percent_per_unit == 5 and policy.allowed_imports is None
    override = load_policy(tmp_path, "toy", late_penalty="none", allowed_imports="numpy, torch")
    assert override.late_rule.is_none and override.allowed_imports == ["numpy", "torch"]
    assert load_policy(tmp_path, "other").due is None, "no section: no due date, no penalty"


def test_settings_file_errors_name_the_file(tmp_path):
    (tmp_path / "autograder.toml").write_text("[assignments.toy]\ndeadline = 1\n")
    with pytest.raises(CourseError, match=r"autograder.toml: \[assignments.toy\] has unknown key"):
        load_policy(tmp_path, "toy")
    (tmp_path / "autograder.toml").write_text("[assignments.toy\n")
    with pytest.raises(CourseError, match="autograder.toml: not valid TOML"):
        load_policy(tmp_path, "toy")
    (tmp_path / "autograder.toml").write_text('[assignments.toy]\nlate_penalty = "5%/day"\n')
    with pytest.raises(CourseError, match="needs a due date"):
        load_policy(tmp_path, "toy")


def test_hand_in_time_prefers_timestamp_txt_then_zip_entry_then_file_time(tmp_path):
    student = tmp_path / "ana"
    student.mkdir()
    notebook = student / "toy.ipynb"
    notebook.write_text("{}")
    os.utime(notebook, (1_800_000_000, 1_800_000_000))
    when, source, problem = hand_in_time(student, notebook, None, None)
    assert (when, source, problem) == (
        datetime.fromtimestamp(1_800_000_000, tz=timezone.utc),
        "file time",
        "",
    )
    zip_times = {notebook: (2026, 11, 2, 1, 0, 0)}
    when, source, _ = hand_in_time(
        student, notebook, zip_times, parse_due("2026-11-01T00:00+01:00").tzinfo
    )
    assert (when, source) == (datetime(2026, 11, 2, 0, 0, tzinfo=timezone.utc), "zip entry"), (
        "a zip entry time carries no zone: it is read in the due date's zone"
    )
    (student / "timestamp.txt").write_text("2026-11-03 10:00:00.000000 UTC")
    when, source, _ = hand_in_time(student, notebook, zip_times, None)
    assert (when, source) == (datetime(2026, 11, 3, 10, tzinfo=timezone.utc), "timestamp.txt")
    (student / "timestamp.txt").write_text("soon")
    when, source, problem = hand_in_time(student, notebook, zip_times, None)
    assert source == "zip entry" and "timestamp.txt is unreadable" in problem, problem


def test_format_late_reads_like_a_person_would_say_it():
    assert format_late(0) == ""
    assert format_late(59) == "1 min"
    assert format_late(34 * HOUR + 60) == "1 d 10 h 1 min"


def test_bad_options_on_grade_stop_before_grading(tmp_path):
    root = make_toy_course(tmp_path / "course")
    out = tmp_path / "out"
    run = grade("toy", tmp_path, out, "--due", "2026-11-01", "--late-penalty", "10%/day", cwd=root)
    assert run.returncode == 2 and "--due: 2026-11-01 has no time zone" in run.stderr, run.stderr
    run = grade("toy", tmp_path, out, "--due", "2026-11-01T00:00Z", "--late-penalty", "x", cwd=root)
    assert run.returncode == 2 and "--late-penalty: cannot read 'x'" in run.stderr, run.stderr
    assert not out.exists(), "nothing may be written when the options are wrong"


def test_export_covers_every_assignment_in_one_gradebook(tmp_path):
    root = make_toy_course(tmp_path / "course")
    # A second assignment: the same notebook under another name.
    second = root / "solutions" / "toy_b" / "toy_b.ipynb"
    second.parent.mkdir(parents=True)
    shutil.copy(root / "solutions" / "toy" / "toy.ipynb", second)
    assert run_cli("release", cwd=root).returncode == 0
    db = f"sqlite:///{tmp_path / 'course.db'}"
    for assignment, students in (("toy", ["ana"]), ("toy_b", ["ana", "ben"])):
        subs = tmp_path / f"subs_{assignment}"
        for sid in students:
            path = subs / sid / f"{assignment}.ipynb"
            path.parent.mkdir(parents=True)
            nbformat.write(hand_in(release_of(root, assignment), CORRECT, "Linear."), path)
        run = grade(
            assignment,
            subs,
            tmp_path / f"out_{assignment}",
            "--db",
            db,
            "--due",
            "2100-01-01T00:00:00+00:00",
            cwd=root,
        )
        assert run.returncode == 0, run.stderr
    dest = tmp_path / "export" / "course.csv"
    proc = run_cli("export", "--db", db, "--to", str(dest), cwd=root)
    assert proc.returncode == 0, proc.stderr
    with open(dest, newline="", encoding="utf-8") as fh:
        rows = [
            (r["student_id"], r["assignment"], r["score"], r["status"]) for r in csv.DictReader(fh)
        ]
    assert rows == [
        ("ana", "toy", "3", "manual grading pending"),
        ("ana", "toy_b", "3", "manual grading pending"),
        ("ben", "toy", "", "no submission"),
        ("ben", "toy_b", "3", "manual grading pending"),
    ], rows
    missing = run_cli("export", "--db", f"sqlite:///{tmp_path / 'nope.db'}", "--to", str(dest))
    assert missing.returncode == 2 and "nope.db: no such gradebook file" in missing.stderr
    assert not Path(tmp_path / "nope.db").exists()
