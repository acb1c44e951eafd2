"""Grade a batch of hand-ins with nbgrader's autograder and gradebook.

For each student: vet the hand-in (``submissions``), let nbgrader restore the test cells
from the source and execute the notebook, then read the points from the gradebook and the
failure messages from the executed notebook. A student whose hand-in cannot be graded gets
a row with 0 and the reason; the batch carries on.
"""

from __future__ import annotations

import ast
import copy
import re
import shutil
import sys
import tempfile
import warnings
from datetime import datetime, timezone
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps import NbGraderAPI

from .config import RELEASE_DIR, SOURCE_DIR, course_config
from .course import Course, CourseError
from .manual import ManualStore, apply_manual_grades, store_late_penalty
from .policy import AssignmentPolicy, format_late
from .results import (  # noqa: F401 (re-exported: output.py and callers import them from here)
    CellResult,
    GradedCell,
    GradingRun,
    StudentResult,
    answer_digest,
)
from .submissions import Submission, collect, graded_ids, unpack_zip

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
MAX_MESSAGE_CHARS = 2000


def graded_cells(release_nb: nbformat.NotebookNode) -> list[GradedCell]:
    """The graded cells in notebook order, described from the *release* (hidden tests removed)."""
    cells = []
    pending_question = ""
    for cell in release_nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "markdown" and not meta.get("grade"):
            pending_question = _first_line(cell.source)
        if not meta.get("grade"):
            continue
        if cell.cell_type == "code" and not meta.get("solution"):
            kind, description = "test", _docstring_line(cell.source) or meta["grade_id"]
        else:
            kind, description = "written", pending_question or meta["grade_id"]
        cells.append(GradedCell(meta["grade_id"], kind, description, float(meta.get("points", 0))))
    return cells


def _first_line(text: str) -> str:
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            return line
    return ""


def _docstring_line(source: str) -> str:
    match = re.match(r'\s*(?:"""|\'\'\')(.*?)(?:"""|\'\'\'|$)', source, re.S)
    return match.group(1).strip().splitlines()[0] if match and match.group(1).strip() else ""


def _error_messages(nb: nbformat.NotebookNode, cell_timeout: int) -> dict[str, str]:
    """grade_id -> 'ExceptionType: message' for graded cells that raised.

    Only the exception's type and message: a traceback would quote the hidden test's source.
    """
    out = {}
    for cell in nb.cells:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if not gid or cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") != "error":
                continue
            # nbgrader interrupts a cell at its time limit, so the kernel reports KeyboardInterrupt.
            if output.get("ename") in ("CellTimeoutError", "KeyboardInterrupt"):
                text = (
                    f"Timeout: this test ran longer than the {cell_timeout} s limit and was stopped "
                    "(an endless loop, or far too slow code?)"
                )
            else:
                text = ANSI.sub("", f"{output.get('ename', 'Error')}: {output.get('evalue', '')}")
                if len(text) > MAX_MESSAGE_CHARS:
                    text = text[:MAX_MESSAGE_CHARS] + " ... (message cut)"
            out.setdefault(gid, text.rstrip(": ").rstrip())
    return out


def _root_cause(result: dict) -> str:
    """The innermost ``SomeError: message`` line of nbgrader's log, not its generic wrapper."""
    text = ANSI.sub("", (result.get("log") or "") + "\n" + (result.get("error") or ""))
    causes = [
        line.strip()
        for line in text.splitlines()
        if re.match(r"^\s*[A-Za-z_][\w.]*(Error|Exception|Timeout)\b.*:", line)
        and "NbGraderException" not in line
    ]
    return causes[-1] if causes else "unknown error (run with --verbose for nbgrader's log)"


def _grade_id(cell) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def restore_deleted_tests(
    nb: nbformat.NotebookNode, release_nb: nbformat.NotebookNode
) -> tuple[nbformat.NotebookNode, list[str]]:
    """Put back test cells a student deleted, each after the cell that preceded it in the release.

    nbgrader scores a deleted test cell 0 without running it; restored, it runs like any other
    (nbgrader then replaces its source with the source notebook's, hidden tests included).
    """
    nb = copy.deepcopy(nb)
    present = {_grade_id(c) for c in nb.cells} - {None}
    restored = []
    for i, cell in enumerate(release_nb.cells):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        gid = meta.get("grade_id")
        is_test = cell.cell_type == "code" and meta.get("grade") and not meta.get("solution")
        if not is_test or gid in present:
            continue
        anchor = next(
            (_grade_id(c) for c in reversed(release_nb.cells[:i]) if _grade_id(c) in present), None
        )
        position = next(
            (k + 1 for k, c in enumerate(nb.cells) if anchor and _grade_id(c) == anchor),
            len(nb.cells),
        )
        nb.cells.insert(position, copy.deepcopy(cell))
        present.add(gid)
        restored.append(gid)
    return nb, restored


def _source(cell) -> str:
    """A cell's source as one string (a notebook file may store it as a list of lines)."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def edited_tests(nb: nbformat.NotebookNode, release_nb: nbformat.NotebookNode) -> list[str]:
    """Test cells whose source in the hand-in differs from the release's.

    Grading runs the source's version anyway; the flag tells the instructor someone tried.
    """
    originals = {
        _grade_id(c): _source(c).strip()
        for c in release_nb.cells
        if c.cell_type == "code"
        and c.get("metadata", {}).get("nbgrader", {}).get("grade")
        and not c.metadata["nbgrader"].get("solution")
    }
    return [
        _grade_id(c)
        for c in nb.cells
        if _grade_id(c) in originals and _source(c).strip() != originals[_grade_id(c)]
    ]


def _python_source(cell_source: str) -> str:
    """A cell's code with IPython syntax (magics, shell escapes) turned into plain Python."""
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(cell_source)


def imported_modules(source: str) -> set[str]:
    """Top-level modules a piece of code imports, read without running it: import statements,
    and ``__import__``/``importlib.import_module`` with a literal name."""
    try:
        tree = ast.parse(_python_source(source))
    except SyntaxError:
        return set()  # the tests report the syntax error itself
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            first = node.args[0]
            if name in ("__import__", "import_module") and isinstance(first, ast.Constant):
                if isinstance(first.value, str):
                    found.add(first.value.split(".")[0])
    return found


def forbidden_imports(nb: nbformat.NotebookNode, allowed: list[str]) -> dict[str, list[str]]:
    """grade_id -> modules outside ``allowed`` and the standard library, per solution cell."""
    permitted = set(allowed) | set(sys.stdlib_module_names)
    out = {}
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type != "code" or not meta.get("solution"):
            continue
        bad = sorted(imported_modules(_source(cell)) - permitted)
        if bad:
            out[meta.get("grade_id", "?")] = bad
    return out


def nbgrader_timestamp(moment: datetime) -> str:
    """The form nbgrader writes in ``timestamp.txt`` (and reads back with ``parse_utc``)."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f UTC")


class BatchGrader:
    """Grades hand-ins of one assignment into ``out_dir`` (gradebook, feedback, grades.csv)."""

    def __init__(
        self,
        course: Course,
        assignment: str,
        out_dir: Path,
        db_url: str | None = None,
        cell_timeout: int = 120,
        verbose: bool = False,
        policy: AssignmentPolicy | None = None,
    ):
        self.course = course
        self.assignment = assignment
        self.out_dir = Path(out_dir).resolve()
        self.work = self.out_dir / "_work"
        self.db_url = db_url or f"sqlite:///{self.out_dir / 'gradebook.db'}"
        self.cell_timeout = cell_timeout
        self.verbose = verbose
        self.policy = policy or AssignmentPolicy()
        course.source_notebook(assignment)

    # -- set-up -------------------------------------------------------------------------
    def _prepare(self) -> None:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        if self.work.exists():
            shutil.rmtree(self.work)
        shutil.copytree(
            self.course.source_dir / self.assignment,
            self.work / SOURCE_DIR / self.assignment,
            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.pyc"),
        )
        config = course_config(self.work, db_url=self.db_url)
        config.Execute.timeout = self.cell_timeout
        config.Autograde.create_student = True
        if not self.verbose:
            config.NbGraderAPI.log_level = "ERROR"
            config.Application.log_level = "ERROR"
        (self.work / ".exchange").mkdir(exist_ok=True)
        self.api = NbGraderAPI(config=config)
        result = self.api.generate_assignment(self.assignment, force=True, create=True)
        if not result["success"]:
            raise CourseError(
                f"nbgrader could not prepare {self.assignment} for grading:\n"
                f"{result.get('error') or result.get('log')}"
            )
        with Gradebook(self.db_url) as gb:
            # nbgrader keeps due dates as naive UTC; the formgrader then shows lateness too.
            due = self.policy.due
            gb.update_or_create_assignment(
                self.assignment,
                duedate=due.astimezone(timezone.utc).replace(tzinfo=None) if due else None,
            )
        release = self.work / RELEASE_DIR / self.assignment / f"{self.assignment}.ipynb"
        self.release_nb = nbformat.read(release, as_version=4)
        self.cells = graded_cells(self.release_nb)
        self.source_ids = {c.grade_id for c in self.cells} | graded_ids(
            nbformat.read(self.course.source_notebook(self.assignment), as_version=4)
        )
        self.others = {
            name: graded_ids(nbformat.read(self.course.source_notebook(name), as_version=4))
            for name in self.course.assignments()
            if name != self.assignment
        }
        self.manual = ManualStore(self.out_dir)

    def max_score(self) -> float:
        return sum(c.max_points for c in self.cells)

    # -- grading ------------------------------------------------------------------------
    def grade(self, submissions: Path, progress=None) -> list[StudentResult]:
        submissions = Path(submissions)
        if not submissions.exists():
            raise CourseError(f"{submissions}: no such folder or zip file")
        self._prepare()
        zip_zone = self.policy.due.tzinfo if self.policy.due else None
        with tempfile.TemporaryDirectory(prefix="unzip-", dir=self.work) as tmp:
            zip_times = None
            if submissions.is_file():
                if submissions.suffix.lower() != ".zip":
                    raise CourseError(f"{submissions}: expected a folder or a .zip file")
                folder, zip_times = unpack_zip(submissions, Path(tmp))
            else:
                folder = submissions
            subs = collect(
                folder, self.assignment, self.source_ids, self.others, zip_times, zip_zone
            )
            results = []
            for i, sub in enumerate(subs, 1):
                if progress:
                    progress(i, len(subs), sub.student_id)
                result = self.grade_one(sub)
                self._add_lateness(result, sub)
                results.append(result)
        return results

    def run_record(self, results: list[StudentResult]) -> GradingRun:
        """What results.json keeps of this run."""
        return GradingRun(
            assignment=self.assignment,
            graded_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            db_url=self.db_url,
            policy=self.policy,
            cells=self.cells,
            students=results,
        )

    def _add_lateness(self, result: StudentResult, sub: Submission) -> None:
        if sub.submitted_at is not None:
            result.submitted_at = sub.submitted_at.isoformat(timespec="seconds")
            result.timestamp_source = sub.timestamp_source
        if sub.timestamp_problem:
            result.flag("timestamp", sub.timestamp_problem + f"used the {sub.timestamp_source}")
        result.late_seconds = self.policy.late_seconds(sub.submitted_at)
        if result.status != "graded" or not result.late_seconds:
            return
        result.penalty_percent = self.policy.late_rule.penalty_percent(result.late_seconds)
        result.flag(
            "late",
            f"handed in {format_late(result.late_seconds)} late ({sub.timestamp_source}); "
            f"penalty {result.penalty_percent:g}%",
        )
        with Gradebook(self.db_url) as gb:
            store_late_penalty(gb, self.assignment, result)

    def _not_graded(self, sid: str, reason: str) -> StudentResult:
        result = StudentResult(sid, self.assignment, "not graded", 0.0, self.max_score(), reason)
        result.flag("not graded", reason)
        return result

    def grade_one(self, sub: Submission) -> StudentResult:
        if not sub.gradable:
            return self._not_graded(sub.student_id, sub.problem or "nothing to grade")
        sid = sub.student_id
        dest = self.work / "submitted" / sid / self.assignment / f"{self.assignment}.ipynb"
        dest.parent.mkdir(parents=True, exist_ok=True)
        # Only the notebook itself is taken from a hand-in, never files beside it.
        notebook, restored = restore_deleted_tests(sub.notebook, self.release_nb)
        nbformat.write(notebook, dest)
        if sub.submitted_at is not None:
            # nbgrader records the hand-in time in its gradebook from this file.
            (dest.parent / "timestamp.txt").write_text(nbgrader_timestamp(sub.submitted_at))
        with warnings.catch_warnings():
            # nbgrader 0.9 trips SQLAlchemy 2 autoflush warnings on every new student.
            warnings.simplefilter("ignore")
            result = self.api.autograde(self.assignment, sid, force=True, create=True)
        if not result["success"]:
            return self._not_graded(
                sid, "the autograder could not run this notebook: " + _root_cause(result)
            )
        graded = self.work / "autograded" / sid / self.assignment / f"{self.assignment}.ipynb"
        messages = (
            _error_messages(nbformat.read(graded, as_version=4), self.cell_timeout)
            if graded.exists()
            else {}
        )
        present = graded_ids(sub.notebook)
        answers = {_grade_id(c): _source(c) for c in sub.notebook.cells if _grade_id(c) in present}
        hand_graded = self.manual.for_student(sid)
        cells = []
        with Gradebook(self.db_url) as gb:
            # Hand grades kept in DIR/manual_grades.json survive a new or reset gradebook.
            apply_manual_grades(gb, self.assignment, sid, hand_graded)
            try:
                nb_sub = gb.find_submission_notebook(self.assignment, self.assignment, sid)
            except MissingEntry:
                return self._not_graded(sid, "the autograder recorded no grades for this notebook")
            grades = {g.name: g for g in nb_sub.grades}
            comments = {c.name: c.manual_comment for c in nb_sub.comments}
            for cell in self.cells:
                grade = grades.get(cell.grade_id)
                points = (
                    float(grade.score) if grade is not None and grade.score is not None else 0.0
                )
                comment = answer = None
                if cell.kind == "test":
                    status = "passed" if points >= cell.max_points else "failed"
                    message = messages.get(cell.grade_id)
                    if status == "failed" and message is None:
                        message = (
                            "this test did not run (a cell above it may have stopped the notebook)"
                        )
                else:
                    manual = grade is not None and grade.manual_score is not None
                    status, message = ("graded", None) if manual else ("pending", None)
                    comment = comments.get(cell.grade_id) if manual else None
                    answer = answers.get(cell.grade_id)
                    if cell.grade_id not in present:
                        status, message = "failed", "the answer cell was deleted from the notebook"
                        points = 0.0
                cells.append(
                    CellResult(
                        cell.grade_id,
                        cell.kind,
                        cell.description,
                        points,
                        cell.max_points,
                        status,
                        message,
                        comment,
                        answer,
                    )
                )
        score = round(sum(c.points for c in cells), 4)
        reason = (
            f"test cells deleted from the notebook were put back and run: {', '.join(restored)}"
            if restored
            else ""
        )
        student = StudentResult(
            sid, self.assignment, "graded", score, self.max_score(), reason, cells
        )
        self._flag(student, sub.notebook, restored, hand_graded)
        return student

    def _flag(self, student, notebook, restored, hand_graded) -> None:
        """What the instructor should look at in this hand-in (the score is not changed)."""
        if restored:
            student.flag("deleted test cells", ", ".join(restored))
        edited = edited_tests(notebook, self.release_nb)
        if edited:
            student.flag(
                "edited test cells",
                f"{', '.join(edited)} (graded with the original tests)",
            )
        deleted_answers = [
            c.grade_id for c in student.cells if c.message and "deleted" in c.message
        ]
        if deleted_answers:
            student.flag("deleted answer cells", ", ".join(deleted_answers))
        timeouts = [c.grade_id for c in student.cells if (c.message or "").startswith("Timeout")]
        if timeouts:
            student.flag("timeout", f"{', '.join(timeouts)} ran past {self.cell_timeout} s")
        if self.policy.allowed_imports is not None:
            for grade_id, modules in forbidden_imports(
                notebook, self.policy.allowed_imports
            ).items():
                allowed = ", ".join(self.policy.allowed_imports) or "nothing"
                student.flag(
                    "forbidden imports",
                    f"{grade_id} imports {', '.join(modules)} (allowed: {allowed} and the "
                    "standard library)",
                )
        for cell in student.cells:
            graded = hand_graded.get(cell.grade_id)
            if graded and graded.get("answer_sha256") != answer_digest(cell.answer):
                student.flag(
                    "answer changed after hand grading",
                    f"{cell.grade_id}: the hand-given {graded['points']:g} points were kept; "
                    "check the new answer",
                )
