"""Per-assignment grading policy: due date, late penalty rule, imports a solution may use.

The policy comes from ``autograder.toml`` at the course root, for example::

    [assignments.a4_optimizers]
    due = 2026-11-01T23:59:00+00:00      # a TOML date-time with its UTC offset
    late_penalty = "10%/day, max=50%"    # default: no penalty
    allowed_imports = ["numpy"]          # plus the standard library; default: no check

and ``grade``'s options ``--due``, ``--late-penalty`` and ``--allowed-imports`` override it.
"""

from __future__ import annotations

import math
import re
import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .course import CourseError

SETTINGS_FILE = "autograder.toml"
UNIT_SECONDS = {"day": 86400.0, "hour": 3600.0}
_RULE_PART = re.compile(r"^(?P<rate>\d+(?:\.\d+)?)\s*%\s*/\s*(?P<unit>day|hour)$")
_MAX_PART = re.compile(r"^max\s*=\s*(?P<max>\d+(?:\.\d+)?)\s*%$")
_GRACE_PART = re.compile(r"^grace\s*=\s*(?P<n>\d+)\s*(?P<unit>min|h)$")


@dataclass(frozen=True)
class LateRule:
    """A percentage of the score taken per started day (or hour) late, up to a maximum.

    Every started unit counts: 1 minute late with ``10%/day`` costs 10%. ``grace`` minutes
    after the due date cost nothing (clock skew, a slow upload).
    """

    percent_per_unit: float = 0.0
    unit: str = "day"
    max_percent: float = 100.0
    grace_seconds: float = 0.0

    @property
    def is_none(self) -> bool:
        return self.percent_per_unit == 0.0

    def describe(self) -> str:
        if self.is_none:
            return "no late penalty"
        text = f"{self.percent_per_unit:g}% of the score per started {self.unit} late"
        if self.max_percent < 100:
            text += f", at most {self.max_percent:g}%"
        if self.grace_seconds:
            text += f", after {self.grace_seconds / 60:g} min of grace"
        return text

    def penalty_percent(self, late_seconds: float | None) -> float:
        if self.is_none or late_seconds is None or late_seconds <= self.grace_seconds:
            return 0.0
        units = math.ceil(late_seconds / UNIT_SECONDS[self.unit])
        return min(self.max_percent, units * self.percent_per_unit)


def parse_late_rule(text: str | None, where: str = "--late-penalty") -> LateRule:
    """Parse ``"10%/day, max=50%, grace=15min"`` (or ``"none"``); errors name ``where``."""
    if text is None or not str(text).strip() or str(text).strip().lower() == "none":
        return LateRule()
    rate = unit = None
    max_percent, grace = 100.0, 0.0
    for part in (p.strip().lower() for p in str(text).split(",")):
        if m := _RULE_PART.match(part):
            rate, unit = float(m["rate"]), m["unit"]
        elif m := _MAX_PART.match(part):
            max_percent = float(m["max"])
        elif m := _GRACE_PART.match(part):
            grace = int(m["n"]) * (60 if m["unit"] == "min" else 3600)
        else:
            raise CourseError(
                f"{where}: cannot read {part!r} in late penalty {text!r} "
                "(expected e.g. '10%/day, max=50%', '2%/hour', 'grace=15min' or 'none')"
            )
    if rate is None:
        raise CourseError(f"{where}: late penalty {text!r} has no rate such as '10%/day'")
    if not 0 <= max_percent <= 100 or rate > 100:
        raise CourseError(f"{where}: late penalty {text!r}: percentages must lie in 0..100")
    return LateRule(rate, unit, max_percent, grace)


def parse_due(value, where: str = "--due") -> datetime:
    """A due date with its time zone, from ISO 8601 text or a TOML date-time."""
    if isinstance(value, datetime):
        due = value
    else:
        try:
            due = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError as exc:
            raise CourseError(
                f"{where}: {value!r} is not a date and time (expected ISO 8601 such as "
                "2026-11-01T23:59:00+00:00)"
            ) from exc
    if due.tzinfo is None:
        # A deadline without a zone is ambiguous by up to a day; refuse rather than guess.
        raise CourseError(
            f"{where}: {value!s} has no time zone; add one, e.g. {due.isoformat()}+00:00"
        )
    # Keep the zone as written: zip entry times (which carry none) are read in it.
    return due


@dataclass
class AssignmentPolicy:
    due: datetime | None = None
    late_rule: LateRule = field(default_factory=LateRule)
    allowed_imports: list[str] | None = None  # None: imports are not checked

    def late_seconds(self, submitted_at: datetime | None) -> float | None:
        if self.due is None or submitted_at is None:
            return None
        return max(0.0, (submitted_at - self.due).total_seconds())

    def to_dict(self) -> dict:
        rule = self.late_rule
        return {
            "due": self.due.isoformat() if self.due else None,
            "late_rule": {
                "percent_per_unit": rule.percent_per_unit,
                "unit": rule.unit,
                "max_percent": rule.max_percent,
                "grace_seconds": rule.grace_seconds,
            },
            "late_rule_text": rule.describe(),
            "allowed_imports": self.allowed_imports,
        }

    @classmethod
    def from_dict(cls, data: dict) -> AssignmentPolicy:
        return cls(
            due=datetime.fromisoformat(data["due"]) if data.get("due") else None,
            late_rule=LateRule(**data.get("late_rule", {})),
            allowed_imports=data.get("allowed_imports"),
        )


def _read_settings(path: Path) -> dict:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CourseError(f"{path}: not valid TOML ({exc})") from exc


def _split_imports(value, where: str) -> list[str]:
    names = value.split(",") if isinstance(value, str) else value
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise CourseError(f"{where}: allowed_imports must be a list of module names")
    return sorted({n.strip() for n in names if n.strip()})


def load_policy(
    course_root: Path,
    assignment: str,
    due: str | None = None,
    late_penalty: str | None = None,
    allowed_imports: str | None = None,
) -> AssignmentPolicy:
    """The assignment's policy from ``autograder.toml``, overridden by command-line values."""
    path = Path(course_root) / SETTINGS_FILE
    section = {}
    if path.is_file():
        settings = _read_settings(path)
        section = settings.get("assignments", {}).get(assignment, {})
        unknown = set(section) - {"due", "late_penalty", "allowed_imports"}
        if unknown:
            raise CourseError(
                f"{path}: [assignments.{assignment}] has unknown key(s) {', '.join(sorted(unknown))} "
                "(known: due, late_penalty, allowed_imports)"
            )
    where = f"{path} [assignments.{assignment}]"
    policy = AssignmentPolicy()
    if due is not None:
        policy.due = parse_due(due)
    elif "due" in section:
        policy.due = parse_due(section["due"], f"{where} due")
    if late_penalty is not None:
        policy.late_rule = parse_late_rule(late_penalty)
    elif "late_penalty" in section:
        policy.late_rule = parse_late_rule(section["late_penalty"], f"{where} late_penalty")
    if allowed_imports is not None:
        policy.allowed_imports = _split_imports(allowed_imports, "--allowed-imports")
    elif "allowed_imports" in section:
        policy.allowed_imports = _split_imports(
            section["allowed_imports"], f"{where} allowed_imports"
        )
    if policy.due is None and not policy.late_rule.is_none:
        raise CourseError(
            f"a late penalty ({policy.late_rule.describe()}) needs a due date: "
            f"give --due or 'due' in {path}"
        )
    return policy


def format_late(seconds: float | None) -> str:
    """``'1 d 2 h 5 min'``: how late, for people (CSV files carry hours as a number too)."""
    if not seconds:
        return ""
    minutes = math.ceil(seconds / 60)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} d"] if days else []
    if hours:
        parts.append(f"{hours} h")
    if mins or not parts:
        parts.append(f"{mins} min")
    return " ".join(parts)
