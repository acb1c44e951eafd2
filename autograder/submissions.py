"""Collect students' hand-ins from a folder or a .zip, and vet each before grading.

Layout: one folder per student, ``<student_id>/<notebook>.ipynb``. A zip holds the same
layout, optionally inside one top-level folder (as LMS downloads do). Whatever is wrong
with one student's hand-in becomes that student's ``problem``; the batch carries on.
"""

from __future__ import annotations

import json
import re
import stat
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo
from pathlib import Path, PurePosixPath

import nbformat

from .course import CourseError

SAFE_STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$")
MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024
# A zip is refused whole when it would unpack into more than this (zip bombs).
MAX_ZIP_TOTAL_BYTES = 2 * 1024 * 1024 * 1024
MAX_ZIP_MEMBERS = 20_000


@dataclass
class Submission:
    """One student's hand-in: a vetted notebook, or the reason there is none."""

    student_id: str
    path: Path | None = None
    notebook: nbformat.NotebookNode | None = None
    problem: str | None = None
    # When it was handed in, and where that was read: "timestamp.txt", "zip entry" or "file time".
    submitted_at: datetime | None = None
    timestamp_source: str = ""
    timestamp_problem: str = ""

    @property
    def gradable(self) -> bool:
        return self.problem is None and self.notebook is not None


# Where a zip was unpacked, each extracted file's entry time (a zip stores no time zone).
ZipTimes = dict[Path, tuple[int, int, int, int, int, int]]


def read_timestamp_file(path: Path) -> datetime:
    """nbgrader's ``timestamp.txt`` (``2026-11-01 23:59:00.000000 UTC``, or ISO 8601) as UTC."""
    from nbgrader.utils import parse_utc

    text = path.read_text(encoding="utf-8", errors="replace").strip()
    if not text:
        raise ValueError("the file is empty")
    try:
        naive_utc = parse_utc(text)
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"{text[:60]!r} is not a date and time") from exc
    return naive_utc.replace(tzinfo=timezone.utc)


def hand_in_time(
    student_dir: Path, notebook: Path, zip_times: ZipTimes | None, zip_zone: tzinfo | None
) -> tuple[datetime | None, str, str]:
    """(time, source, problem): nbgrader's timestamp.txt beside the notebook or in the student's
    folder, else the notebook's zip entry time (read in ``zip_zone``), else its file time."""
    problem = ""
    for folder in dict.fromkeys([notebook.parent, student_dir]):
        stamp = folder / "timestamp.txt"
        if stamp.is_file():
            try:
                return read_timestamp_file(stamp), "timestamp.txt", ""
            except ValueError as exc:
                problem = f"{stamp.relative_to(student_dir.parent)} is unreadable ({exc}); "
    if zip_times is not None and notebook in zip_times:
        entry = datetime(*zip_times[notebook], tzinfo=zip_zone or timezone.utc)
        return entry.astimezone(timezone.utc), "zip entry", problem
    mtime = datetime.fromtimestamp(notebook.stat().st_mtime, tz=timezone.utc)
    return mtime, "file time", problem


def unpack_zip(archive: Path, dest: Path) -> tuple[Path, ZipTimes, dict[str, str]]:
    """Extract ``archive`` into ``dest`` safely; return the folder of student folders, each
    extracted file's entry time (the hand-in time when there is no timestamp.txt), and the
    students whose entries were refused, with the reason (key "" for entries that belong
    to no student folder). Refused: paths out of the zip, links, entries that would unpack
    to more than a notebook may hold (zip bombs)."""
    entry_times: ZipTimes = {}
    problems: dict[str, str] = {}
    try:
        zf = zipfile.ZipFile(archive)
    except zipfile.BadZipFile as exc:
        raise CourseError(f"{archive}: not a readable zip file ({exc})") from exc
    with zf:
        members = [
            m
            for m in zf.infolist()
            if PurePosixPath(m.filename.replace("\\", "/")).parts[:1] != ("__MACOSX",)
        ]
        if len(members) > MAX_ZIP_MEMBERS:
            raise CourseError(f"{archive}: {len(members)} entries, more than {MAX_ZIP_MEMBERS}")
        names = [PurePosixPath(m.filename.replace("\\", "/")) for m in members]
        tops = {n.parts[0] for n in names if n.parts and not n.is_absolute()}
        nested = [n for n in names if len(n.parts) > 2]
        wrapped = (
            len(tops) == 1
            and bool(nested)
            and not any(len(n.parts) == 2 and n.suffix == ".ipynb" for n in names)
        )

        def owner(name: PurePosixPath) -> str:
            parts = [p for p in name.parts if p not in ("/", "")]
            index = 1 if wrapped else 0
            if len(parts) <= index + 1 or ".." in parts[: index + 1] or name.is_absolute():
                return ""
            return parts[index]

        total = 0
        for member, name in zip(members, names, strict=True):
            who = owner(name)
            if name.is_absolute() or ".." in name.parts:
                problems.setdefault(
                    who, f"zip entry {member.filename!r} points outside the zip (refused)"
                )
                continue
            if stat.S_ISLNK(member.external_attr >> 16):
                problems.setdefault(who, f"zip entry {member.filename!r} is a link (refused)")
                continue
            target = dest.joinpath(*name.parts)
            if member.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            limit = MAX_NOTEBOOK_BYTES * 4
            if member.file_size > limit:
                problems.setdefault(
                    who,
                    f"zip entry {member.filename!r} would unpack to "
                    f"{member.file_size / 2**20:.0f} MiB, more than {limit / 2**20:.0f} MiB "
                    "(a zip bomb?)",
                )
                continue
            total += member.file_size
            if total > MAX_ZIP_TOTAL_BYTES:
                raise CourseError(
                    f"{archive}: would unpack to more than "
                    f"{MAX_ZIP_TOTAL_BYTES / 2**30:.0f} GiB (a zip bomb?)"
                )
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with zf.open(member) as src:
                    data = src.read(limit + 1)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
                problems.setdefault(who, f"zip entry {member.filename!r} is damaged ({exc})")
                continue
            if len(data) > limit:  # the entry's header lied about its size
                problems.setdefault(
                    who, f"zip entry {member.filename!r} unpacks to more than it says (a zip bomb?)"
                )
                continue
            target.write_bytes(data)
            entry_times[target] = member.date_time
    dest.mkdir(parents=True, exist_ok=True)
    entries = [p for p in dest.iterdir() if not p.name.startswith(".")]
    if wrapped and len(entries) == 1 and entries[0].is_dir():
        return entries[0], entry_times, problems  # a wrapper folder around the student folders
    return dest, entry_times, problems


def read_notebook(path: Path) -> tuple[nbformat.NotebookNode | None, str | None]:
    """Parse a hand-in; return (notebook, None) or (None, a reason a person understands)."""
    size = path.stat().st_size
    if size == 0:
        return None, f"{path.name} is empty (0 bytes): the notebook was not saved before hand-in"
    if size > MAX_NOTEBOOK_BYTES:
        return None, (
            f"{path.name} is {size / 2**20:.1f} MiB, more than the "
            f"{MAX_NOTEBOOK_BYTES / 2**20:.0f} MiB limit (clear the outputs and hand in again)"
        )
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, f"{path.name} is not UTF-8 text (byte {exc.start}): not a Jupyter notebook"
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, (
            f"{path.name} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
            "the file is damaged or truncated"
        )
    if not isinstance(data, dict) or "cells" not in data and "worksheets" not in data:
        return None, f"{path.name} is JSON but not a Jupyter notebook (no cells)"
    major = data.get("nbformat")
    if major != 4:
        return None, (
            f"{path.name} is in notebook format {major}; open it in Jupyter and save it again "
            "(format 4) before handing in"
        )
    try:
        nb = nbformat.from_dict(data)
        nbformat.validate(nb)
    except Exception as exc:  # nbformat raises several types for malformed notebooks
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return None, f"{path.name} is not a valid notebook: {first}"
    return nb, None


def graded_ids(nb: nbformat.NotebookNode) -> set[str]:
    return {
        cell.metadata["nbgrader"]["grade_id"]
        for cell in nb.cells
        if "grade_id" in cell.get("metadata", {}).get("nbgrader", {})
    }


def collect(
    folder: Path,
    assignment: str,
    source_ids: set[str],
    other_assignments: dict[str, set[str]],
    zip_times: ZipTimes | None = None,
    zip_zone: tzinfo | None = None,
    problems: dict[str, str] | None = None,
    scratch: Path | None = None,
) -> list[Submission]:
    """One ``Submission`` per student folder under ``folder``, sorted by student id
    (``problems``: students whose zip entries were refused; ``scratch``: where a student's
    own zip is unpacked, never beside the hand-in)."""
    problems = dict(problems or {})
    subs = []
    folders = {p.name: p for p in folder.iterdir() if not p.name.startswith((".", "__"))}
    for sid in sorted(set(folders) | {k for k in problems if k}):
        student_dir = folders.get(sid)
        if sid in problems:
            subs.append(Submission(sid, problem=problems[sid]))
            continue
        if not student_dir.is_dir():
            if student_dir.suffix == ".ipynb":
                subs.append(
                    Submission(
                        sid,
                        problem=(
                            f"{student_dir.name} lies loose in the submissions folder; each student's "
                            "notebook belongs in a folder named by the student id"
                        ),
                    )
                )
            continue
        if not SAFE_STUDENT_ID.match(sid):
            subs.append(
                Submission(
                    sid,
                    problem=(
                        f"folder name {sid!r} is not a usable student id (letters, digits and . _ @ + - "
                        "only, at most 64 characters)"
                    ),
                )
            )
            continue
        sub = _vet(student_dir, assignment, source_ids, other_assignments, scratch)
        if sub.path is not None:
            sub.submitted_at, sub.timestamp_source, sub.timestamp_problem = hand_in_time(
                student_dir, sub.path, zip_times, zip_zone
            )
        subs.append(sub)
    return subs


def _notebooks(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.rglob("*.ipynb")
        if ".ipynb_checkpoints" not in p.parts and p.is_file() and not p.is_symlink()
    )


def _vet(
    student_dir: Path,
    assignment: str,
    source_ids: set[str],
    others: dict[str, set[str]],
    scratch: Path | None = None,
):
    sid = student_dir.name
    notebooks = _notebooks(student_dir)
    zips = sorted(p for p in student_dir.rglob("*.zip") if p.is_file() and not p.is_symlink())
    if not notebooks and len(zips) == 1 and scratch is not None:
        # A student who zipped the notebook: unpack it (safely, elsewhere) and look inside.
        inside = scratch / "student-zips" / sid
        try:
            unpacked, _, refused = unpack_zip(zips[0], inside)
        except CourseError as exc:
            return Submission(sid, problem=f"{zips[0].name}: {str(exc).split(': ', 1)[-1]}")
        if refused:
            return Submission(sid, problem=f"{zips[0].name}: {next(iter(refused.values()))}")
        notebooks = _notebooks(unpacked)
    if not notebooks:
        return Submission(sid, problem=f"no notebook handed in (expected {assignment}.ipynb)")
    exact = [p for p in notebooks if p.name == f"{assignment}.ipynb"]
    if len(exact) == 1:
        path = exact[0]
    elif len(notebooks) == 1:
        path = notebooks[0]
    else:
        names = ", ".join(str(p.relative_to(student_dir)) for p in notebooks)
        return Submission(
            sid,
            problem=(
                f"{len(notebooks)} notebooks handed in ({names}) and none is {assignment}.ipynb: "
                "cannot tell which one to grade"
            ),
        )
    nb, problem = read_notebook(path)
    if problem:
        return Submission(sid, path=path, problem=problem)
    ids = graded_ids(nb)
    if not ids & source_ids:
        guess = [name for name, other_ids in others.items() if ids & other_ids]
        hint = f" (it looks like {guess[0]})" if guess else ""
        return Submission(
            sid,
            path=path,
            problem=(
                f"{path.name} is not the {assignment} notebook: none of its graded cells are there{hint}"
            ),
        )
    return Submission(sid, path=path, notebook=nb)
