"""What one grading run found, kept as ``DIR/results.json`` beside ``grades.csv``.

``grade`` writes it; ``report``, ``manual`` and ``export`` read it, so none of them runs a
student's notebook again. It holds, per student and graded cell, the points, status, failure
message and (for written answers) the answer text, plus flags, hand-in time and lateness.
It is for the instructor only: written answers and flags are not for other students' eyes.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .course import CourseError
from .policy import AssignmentPolicy

RESULTS_FILE = "results.json"
RESULTS_VERSION = 1


@dataclass
class CellResult:
    """The verdict on one graded cell."""

    grade_id: str
    kind: str  # "test" (autograded) or "written" (graded by hand)
    description: str
    points: float
    max_points: float
    status: str  # "passed", "failed", "pending" (manual), "graded" (manual done)
    message: str | None = None
    comment: str | None = None  # the grader's comment on a written answer
    answer: str | None = None  # a written answer's text, as handed in


@dataclass
class StudentResult:
    student_id: str
    assignment: str
    status: str  # "graded" or "not graded"
    score: float  # before any late penalty
    max_score: float
    reason: str = ""
    cells: list[CellResult] = field(default_factory=list)
    submitted_at: str | None = None  # ISO 8601, UTC
    timestamp_source: str = ""
    late_seconds: float | None = None  # None: no due date or no hand-in time
    penalty_percent: float = 0.0
    # Things the instructor should look at: {"kind": ..., "detail": ...}
    flags: list[dict] = field(default_factory=list)
    # The seed of this student's randomized hidden inputs (checks.seeds); None: not graded.
    seed: int | None = None

    @property
    def manual_pending(self) -> float:
        return sum(c.max_points for c in self.cells if c.status == "pending")

    @property
    def penalty_points(self) -> float:
        return round(self.score * self.penalty_percent / 100, 4)

    @property
    def final_score(self) -> float:
        """The score after the late penalty: what goes into the gradebook of record."""
        return round(self.score - self.penalty_points, 4)

    @property
    def is_late(self) -> bool:
        return bool(self.late_seconds)

    def flag(self, kind: str, detail: str) -> None:
        self.flags.append({"kind": kind, "detail": detail})

    def recompute_score(self) -> None:
        self.score = round(sum(c.points for c in self.cells), 4)


@dataclass
class GradedCell:
    """What the source says about a graded cell (never taken from a submission)."""

    grade_id: str
    kind: str
    description: str
    max_points: float


def answer_digest(text: str | None) -> str:
    return hashlib.sha256((text or "").strip().encode("utf-8")).hexdigest()


@dataclass
class GradingRun:
    assignment: str
    graded_at: str
    db_url: str
    policy: AssignmentPolicy
    cells: list[GradedCell]
    students: list[StudentResult]

    @property
    def max_score(self) -> float:
        return sum(c.max_points for c in self.cells)

    def student(self, student_id: str) -> StudentResult | None:
        return next((s for s in self.students if s.student_id == student_id), None)

    def to_dict(self) -> dict:
        return {
            "version": RESULTS_VERSION,
            "assignment": self.assignment,
            "graded_at": self.graded_at,
            "db_url": self.db_url,
            "policy": self.policy.to_dict(),
            "cells": [asdict(c) for c in self.cells],
            "students": [asdict(s) for s in self.students],
        }

    def save(self, out_dir: Path) -> Path:
        path = Path(out_dir) / RESULTS_FILE
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(self.to_dict(), indent=1, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)  # never leave a half-written file behind
        return path

    @classmethod
    def load(cls, out_dir: Path, assignment: str | None = None) -> GradingRun:
        path = Path(out_dir) / RESULTS_FILE
        if not path.is_file():
            raise CourseError(
                f"{path}: not found; is {out_dir} the --out folder of 'python -m autograder "
                "grade'? (folders graded before results.json existed: grade them again)"
            )
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            run = cls(
                assignment=data["assignment"],
                graded_at=data["graded_at"],
                db_url=data["db_url"],
                policy=AssignmentPolicy.from_dict(data["policy"]),
                cells=[GradedCell(**c) for c in data["cells"]],
                students=[
                    StudentResult(
                        **{k: v for k, v in s.items() if k != "cells"},
                        cells=[CellResult(**c) for c in s["cells"]],
                    )
                    for s in data["students"]
                ],
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise CourseError(f"{path}: damaged or from another version ({exc})") from exc
        if assignment is not None and run.assignment != assignment:
            raise CourseError(
                f"{path}: this folder holds grades of {run.assignment!r}, not {assignment!r}"
            )
        return run
