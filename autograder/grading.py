"""Grade a batch of hand-ins: sandboxed, verdicts outside the student's process, in parallel.

For each student: vet the hand-in (``submissions``); run its code cells in a sandbox and the
source's test cells against them (``judge``), in a pool of ``--jobs`` processes; keep each
verdict in ``DIR/_graded/`` as soon as it is reached (a re-run finishes only what is missing);
then write points and messages to nbgrader's gradebook and flag what the instructor should
look at. A student whose hand-in cannot be graded gets a row with 0 and the reason; the batch
carries on.
"""

from __future__ import annotations

import ast
import copy
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import time
import warnings
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps import NbGraderAPI

from .config import RELEASE_DIR, SOURCE_DIR, course_config
from .course import Course, CourseError
from .judge import Judge, NotebookRun, student_seed
from .manual import ManualStore, apply_manual_grades, store_late_penalty
from .policy import AssignmentPolicy, format_late
from .results import (  # noqa: F401 (re-exported: output.py and callers import them from here)
    CellResult,
    GradedCell,
    GradingRun,
    StudentResult,
    answer_digest,
)
from .sandbox import ORACLE_PACKAGES, WORKER_SCRIPT, isolation
from .submissions import Submission, collect, graded_ids, unpack_zip


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


def forbidden_imports(
    nb: nbformat.NotebookNode, allowed: list[str], only: list[str] | None = None
) -> dict[str, list[str]]:
    """grade_id -> modules outside ``allowed`` and the standard library, per solution cell
    (with ``only``: just those of these modules that a solution cell imports)."""
    permitted = set(allowed) | set(sys.stdlib_module_names)
    out = {}
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type != "code" or not meta.get("solution"):
            continue
        found = imported_modules(_source(cell))
        bad = sorted(found & set(only)) if only is not None else sorted(found - permitted)
        if bad:
            out[meta.get("grade_id", "?")] = bad
    return out


# The nbgrader metadata that decides how a cell is graded; a hand-in may not change it.
GRADING_KEYS = ("grade", "solution", "locked", "points", "task")
KNOWN_KERNELS = {"python3", "python"}


def tampering(
    nb: nbformat.NotebookNode, release_nb: nbformat.NotebookNode
) -> list[tuple[str, str]]:
    """(flag, detail) for graded cells added, duplicated or with changed grading metadata, for
    outputs stored in test cells (they never print), and for a kernel that is not Python.
    Grading ignores all of these (cells, points and tests come from the source); the flags
    tell the instructor someone tried."""
    found = []
    release = {_grade_id(c): c for c in release_nb.cells if _grade_id(c)}
    seen: dict[str, int] = {}
    for cell in nb.cells:
        gid = _grade_id(cell)
        if gid:
            seen[gid] = seen.get(gid, 0) + 1
    duplicated = sorted(g for g, n in seen.items() if n > 1)
    if duplicated:
        found.append(("duplicated graded cells", ", ".join(duplicated) + " (only one counts)"))
    added = sorted(
        g
        for g in seen
        if g not in release
        and any(
            _grade_id(c) == g and c.get("metadata", {}).get("nbgrader", {}).get("grade")
            for c in nb.cells
        )
    )
    if added:
        found.append(("added graded cells", ", ".join(added) + " (not part of the assignment)"))
    changed = []
    for cell in nb.cells:
        gid = _grade_id(cell)
        if gid not in release:
            continue
        mine = cell.get("metadata", {}).get("nbgrader", {})
        theirs = release[gid].get("metadata", {}).get("nbgrader", {})
        keys = [k for k in GRADING_KEYS if mine.get(k) != theirs.get(k)]
        if cell.get("cell_type") != release[gid].get("cell_type"):
            keys.append("cell_type")
        if keys:
            changed.append(f"{gid} ({', '.join(keys)})")
    if changed:
        found.append(("changed metadata", "; ".join(changed) + " (the source's are used)"))
    forged = []
    for cell in nb.cells:
        gid = _grade_id(cell)
        meta = release.get(gid, {}).get("metadata", {}).get("nbgrader", {}) if gid else {}
        is_test = meta.get("grade") and not meta.get("solution")
        if is_test and any(_claims_success(o) for o in cell.get("outputs", [])):
            forged.append(gid)
    if forged:
        found.append(
            (
                "forged outputs",
                ", ".join(forged) + ": outputs no test here produces (a result, or a claim of "
                "success); grading ignores stored outputs",
            )
        )
    kernel = nb.get("metadata", {}).get("kernelspec", {}) or {}
    language = (nb.get("metadata", {}).get("language_info", {}) or {}).get("name", "python")
    if kernel.get("name", "python3") not in KNOWN_KERNELS or language != "python":
        found.append(
            (
                "unknown kernel",
                f"the notebook names kernel {kernel.get('name')!r} ({language}); it was run as "
                "Python",
            )
        )
    return found


_SUCCESS = re.compile(r"pass|success|correct|\bok\b|✓|✔|all tests|full marks|points", re.I)


def _claims_success(output) -> bool:
    """A test cell's tests end in asserts: they show no result and announce nothing. (A
    student's own print or warning inside a test may show; it claims no success.)"""
    kind = output.get("output_type")
    if kind == "execute_result":
        return True
    if kind in ("stream", "display_data"):
        text = (
            output.get("text", "")
            if kind == "stream"
            else output.get("data", {}).get("text/plain", "")
        )
        text = "".join(text) if isinstance(text, list) else str(text)
        return bool(_SUCCESS.search(text))
    return False


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
        jobs: int | None = None,
        notebook_timeout: int | None = None,
    ):
        self.course = course
        self.assignment = assignment
        self.out_dir = Path(out_dir).resolve()
        self.work = self.out_dir / "_work"
        self.db_url = db_url or f"sqlite:///{self.out_dir / 'gradebook.db'}"
        self.cell_timeout = cell_timeout
        self.verbose = verbose
        self.policy = policy or AssignmentPolicy()
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        # Plain nbgrader limits each cell only: twenty slow cells would stall a batch.
        self.notebook_timeout = notebook_timeout or max(600, 5 * cell_timeout)
        self.cache_dir = self.out_dir / "_graded"
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
        (self.work / ".exchange").mkdir(exist_ok=True)
        # The release (hidden tests removed) from nbgrader, with a private gradebook.
        self._generate(f"sqlite:///{self.work / 'release.db'}")
        release = self.work / RELEASE_DIR / self.assignment / f"{self.assignment}.ipynb"
        self.release_nb = nbformat.read(release, as_version=4)
        self.cells = graded_cells(self.release_nb)
        # The assignment's rows in the real gradebook: made once, remade only when the source
        # changed. Several machines may start grading into one shared gradebook at the same
        # moment: one at a time looks and writes.
        with gradebook_setup_lock(self.db_url):
            _ensure_course_row(self.db_url)
            if not self._gradebook_is_current():
                self._generate(self.db_url)
            with warnings.catch_warnings(), Gradebook(self.db_url) as gb:
                warnings.simplefilter("ignore")
                # nbgrader keeps due dates as naive UTC; the formgrader then shows lateness too.
                due = self.policy.due
                gb.update_or_create_assignment(
                    self.assignment,
                    duedate=due.astimezone(timezone.utc).replace(tzinfo=None) if due else None,
                )
        self.source_nb = nbformat.read(self.course.source_notebook(self.assignment), as_version=4)
        self.source_ids = {c.grade_id for c in self.cells} | graded_ids(self.source_nb)
        self.others = {
            name: graded_ids(nbformat.read(self.course.source_notebook(name), as_version=4))
            for name in self.course.assignments()
            if name != self.assignment
        }
        self.manual = ManualStore(self.out_dir)
        self.plan = GradingPlan(self.source_nb)
        self.fingerprint = self._fingerprint()
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        if self.plan.verdicts == "sandbox":
            # The checks run beside the student's code: give the sandbox the checks, and only them.
            lib = self.work / "checks_lib"
            shutil.copytree(
                Path(__file__).parent / "checks",
                lib / "autograder" / "checks",
                ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
            )
            (lib / "autograder" / "__init__.py").write_text("")
            self.checks_lib = str(lib)
        else:
            self.checks_lib = None

    def _generate(self, db_url: str) -> None:
        """nbgrader's generate_assignment into ``db_url`` (and the release into ``_work``)."""
        config = course_config(self.work, db_url=db_url)
        if not self.verbose:
            config.NbGraderAPI.log_level = "ERROR"
            config.Application.log_level = "ERROR"
        result = NbGraderAPI(config=config).generate_assignment(
            self.assignment, force=True, create=True
        )
        if not result["success"]:
            raise CourseError(
                f"nbgrader could not prepare {self.assignment} for grading:\n"
                f"{result.get('error') or result.get('log')}"
            )

    def _gradebook_is_current(self) -> bool:
        """Whether the gradebook already holds this assignment with these graded cells."""
        with warnings.catch_warnings(), Gradebook(self.db_url) as gb:
            warnings.simplefilter("ignore")
            try:
                notebook = gb.find_notebook(self.assignment, self.assignment)
            except MissingEntry:
                return False
            have = {(c.name, float(c.max_score)) for c in notebook.grade_cells}
        return have == {(c.grade_id, c.max_points) for c in self.cells}

    def _fingerprint(self) -> str:
        """What a cached verdict depends on besides the hand-in: the source notebook, the
        checks and the code that runs them (what runs where, which imports are blocked).
        Change any and every hand-in is graded again."""
        digest = hashlib.sha256()
        digest.update(self.course.source_notebook(self.assignment).read_bytes())
        here = Path(__file__).parent
        code = ["grading.py", "judge.py", "sandbox.py", WORKER_SCRIPT.name]
        for path in sorted([*(here / "checks").glob("*.py"), *(here / name for name in code)]):
            digest.update(path.name.encode() + path.read_bytes())
        digest.update(f"{self.cell_timeout}/{self.notebook_timeout}".encode())
        return digest.hexdigest()

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
            zip_times, refused = None, {}
            if submissions.is_file():
                if submissions.suffix.lower() != ".zip":
                    raise CourseError(f"{submissions}: expected a folder or a .zip file")
                folder, zip_times, refused = unpack_zip(submissions, Path(tmp) / "hand-ins")
                if "" in refused:
                    print(f"warning: {submissions}: {refused.pop('')}", file=sys.stderr)
            else:
                folder = submissions
            subs = collect(
                folder,
                self.assignment,
                self.source_ids,
                self.others,
                zip_times,
                zip_zone,
                problems=refused,
                scratch=Path(tmp),
            )
            verdicts = self._run_all(subs, progress)
            results = []
            for sub in subs:
                result = self.grade_one(sub, verdicts.get(sub.student_id))
                self._add_lateness(result, sub)
                results.append(result)
        return results

    # -- running the hand-ins, in parallel, resumably -----------------------------------
    def _cache_path(self, sid: str) -> Path:
        return self.cache_dir / f"{sid}.json"

    def _cached(self, sub: Submission) -> dict | None:
        """The verdicts of an earlier run on this very notebook with these very tests."""
        try:
            data = json.loads(self._cache_path(sub.student_id).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if data.get("fingerprint") != self.fingerprint or data.get("digest") != _digest(sub):
            return None
        return data

    def _store(self, sub: Submission, verdict: dict) -> None:
        verdict = {**verdict, "fingerprint": self.fingerprint, "digest": _digest(sub)}
        path = self._cache_path(sub.student_id)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(verdict), encoding="utf-8")
        os.replace(tmp, path)  # a kill mid-write leaves the old file or none, never half of one

    def _task(self, sub: Submission) -> dict:
        run = self.notebook_run(sub.notebook)
        run.seed = student_seed(self.assignment, sub.student_id)
        return {
            "student_id": sub.student_id,
            "run": run,
            "scratch": str(self.work / "scratch" / sub.student_id),
        }

    def _run_all(self, subs: list[Submission], progress=None) -> dict[str, dict]:
        """Run every gradable hand-in that has no verdict yet; return all verdicts."""
        verdicts, todo = {}, []
        for sub in subs:
            if not sub.gradable:
                continue
            cached = self._cached(sub)
            if cached is not None:
                verdicts[sub.student_id] = cached
            else:
                todo.append(sub)
        total, done = len(subs), len(subs) - len(todo)
        if progress and done:
            progress(done, total, f"{done} already graded (unchanged), {len(todo)} to go")
        if not todo:
            return verdicts
        for sub, verdict in self._run(todo):
            self._store(sub, verdict)
            verdicts[sub.student_id] = verdict
            done += 1
            if progress:
                progress(done, total, f"{sub.student_id} ({verdict['seconds']:.1f} s)")
        return verdicts

    def _run(self, todo: list[Submission]):
        """(hand-in, verdict) as each is reached: in this process, or in a pool of --jobs."""
        jobs = min(self.jobs, len(todo))
        if jobs == 1:
            for sub in todo:
                yield sub, run_task(self._task(sub))
            return
        import multiprocessing

        context = multiprocessing.get_context("fork")
        slots = context.Value("i", 0)
        pool = ProcessPoolExecutor(
            max_workers=jobs, mp_context=context, initializer=_take_slot, initargs=(slots,)
        )
        try:
            futures = {pool.submit(run_task, self._task(sub)): sub for sub in todo}
            for future in as_completed(futures):
                yield futures[future], future.result()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def notebook_run(self, notebook: nbformat.NotebookNode) -> NotebookRun:
        """What runs where for one hand-in: its own code cells (locked cells as in the
        source) in the sandbox, and the source's test cells."""
        plan = self.plan
        student_cells = []
        for i, cell in enumerate(notebook.cells):
            if cell.get("cell_type") != "code":
                continue
            gid = _grade_id(cell)
            if gid in plan.test_ids:
                continue  # tests always come from the source, below
            source = plan.locked.get(gid, _source(cell))
            student_cells.append((gid or f"cell {i + 1}", _plain_python(source)))
        return NotebookRun(
            student_cells=student_cells,
            setup_cells=plan.judge_setup,
            test_cells=plan.tests,
            verdicts=plan.verdicts,
            test_timeout=self.cell_timeout,
            notebook_timeout=self.notebook_timeout,
            blocked_modules=plan.blocked,
            library=self.checks_lib,
        )

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

    def grade_one(self, sub: Submission, verdict: dict | None = None) -> StudentResult:
        if not sub.gradable:
            return self._not_graded(sub.student_id, sub.problem or "nothing to grade")
        sid = sub.student_id
        if verdict is None:
            verdict = run_task(self._task(sub))
            self._store(sub, verdict)
        _, restored = restore_deleted_tests(sub.notebook, self.release_nb)
        outcomes = {gid: (passed, message) for gid, passed, message in verdict["outcomes"]}
        present = graded_ids(sub.notebook)
        answers = {_grade_id(c): _source(c) for c in sub.notebook.cells if _grade_id(c) in present}
        hand_graded = self.manual.for_student(sid)
        cells = []
        with warnings.catch_warnings(), Gradebook(self.db_url) as gb:
            # nbgrader 0.9 trips SQLAlchemy 2 autoflush warnings on every new student.
            warnings.simplefilter("ignore")
            gb.update_or_create_student(sid)
            stamp = {"timestamp": nbgrader_timestamp(sub.submitted_at)} if sub.submitted_at else {}
            gb.update_or_create_submission(self.assignment, sid, **stamp)
            # Hand grades kept in DIR/manual_grades.json survive a new or reset gradebook.
            apply_manual_grades(gb, self.assignment, sid, hand_graded)
            nb_sub = gb.find_submission_notebook(self.assignment, self.assignment, sid)
            grades = {g.name: g for g in nb_sub.grades}
            comments = {c.name: c.manual_comment for c in nb_sub.comments}
            for cell in self.cells:
                grade = grades.get(cell.grade_id)
                comment = answer = None
                if cell.kind == "test":
                    passed, message = outcomes.get(cell.grade_id, (False, "this test did not run"))
                    points = cell.max_points if passed else 0.0
                    status = "passed" if passed else "failed"
                    if grade is not None:
                        grade.auto_score = points
                        grade.needs_manual_grade = grade.manual_score is not None
                    if grade is not None and grade.manual_score is not None:
                        points = float(grade.manual_score)  # an instructor's override wins
                else:
                    manual = grade is not None and grade.manual_score is not None
                    points = float(grade.manual_score) if manual else 0.0
                    if grade is not None and not manual:
                        grade.auto_score = None
                        grade.needs_manual_grade = True
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
            gb.db.commit()
        score = round(sum(c.points for c in cells), 4)
        reason = (
            f"test cells deleted from the notebook were put back and run: {', '.join(restored)}"
            if restored
            else ""
        )
        student = StudentResult(
            sid, self.assignment, "graded", score, self.max_score(), reason, cells
        )
        student.seed = verdict.get("seed")
        self._flag(student, sub.notebook, restored, hand_graded)
        cell_errors = verdict.get("cell_errors", {})
        for name, problem in cell_errors.items():
            kind = "timeout" if problem.startswith("Timeout") else "cell raised"
            student.flag(kind, f"{name}: {problem}")
        if cell_errors:
            # "NameError: name 'double' is not defined" alone would hide the cause.
            first, problem = next(iter(cell_errors.items()))
            for cell in student.cells:
                if cell.status == "failed" and (cell.message or "").startswith("NameError"):
                    cell.message += f" (your cell {first} stopped with {problem})"
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
        for kind, detail in tampering(notebook, self.release_nb):
            student.flag(kind, detail)
        if self.plan.flagged_imports:
            reached = forbidden_imports(notebook, [], only=self.plan.flagged_imports)
            for grade_id, modules in reached.items():
                student.flag(
                    "forbidden imports",
                    f"{grade_id} imports {', '.join(modules)}, which this assignment's answers "
                    "may not use",
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


# -- what runs where -------------------------------------------------------------------------
class GradingPlan:
    """How one assignment's source notebook is graded (the same for every hand-in)."""

    def __init__(self, source_nb: nbformat.NotebookNode):
        self.tests: list[tuple[str, str]] = []
        self.locked: dict[str, str] = {}
        self.judge_setup: list[str] = []
        imports: set[str] = set()
        solution_imports: set[str] = set()
        for cell in source_nb.cells:
            if cell.cell_type != "code":
                continue
            meta = cell.get("metadata", {}).get("nbgrader", {})
            gid, source = meta.get("grade_id"), _source(cell)
            if meta.get("grade") and not meta.get("solution"):
                self.tests.append((gid, _plain_python(source)))
                continue
            imports |= imported_modules(source)
            if meta.get("solution"):
                solution_imports |= imported_modules(source)
            if meta.get("locked") and not meta.get("solution") and gid:
                self.locked[gid] = source
                if _only_imports(source):
                    self.judge_setup.append(_plain_python(source))
        self.test_ids = {gid for gid, _ in self.tests}
        # The checks' oracles (and the grader) are not importable where the student's code runs,
        # unless the assignment itself uses them outside its tests.
        self.blocked = sorted(set(ORACLE_PACKAGES) - imports)
        # What an answer may not import, though the assignment's own cells may (A2 loads a
        # data set with scikit-learn): flagged, read from the answer without running it.
        self.flagged_imports = sorted(set(ORACLE_PACKAGES) - solution_imports)
        # Checks that hand live PyTorch models to student code run beside it, in the sandbox;
        # all others reach their verdict in the grader's process.
        self.verdicts = "sandbox" if "torch" in imports else "judge"
        if self.verdicts == "sandbox":
            # Its checks run in the sandbox and need their oracles (torch, scikit-learn).
            self.blocked = [m for m in self.blocked if m in ("nbgrader", "coursekit")]


@contextmanager
def gradebook_setup_lock(db_url: str):
    """Hold PostgreSQL's advisory lock ``autograder-setup`` (other databases: nothing to do;
    an SQLite gradebook belongs to one --out folder)."""
    if not db_url.startswith(("postgresql", "postgres")):
        yield
        return
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(hashtext('autograder-setup'))"))
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(hashtext('autograder-setup'))"))
    finally:
        engine.dispose()


def _ensure_course_row(db_url: str) -> None:
    """nbgrader files assignments under the course id "" without making that course: SQLite
    does not check the reference, PostgreSQL does. Make it (once, whoever comes first)."""
    from nbgrader.api import Course
    from sqlalchemy.exc import IntegrityError

    with warnings.catch_warnings(), Gradebook(db_url) as gb:
        warnings.simplefilter("ignore")
        if gb.db.query(Course).filter(Course.id == "").count() == 0:
            gb.db.add(Course(id=""))
            try:
                gb.db.commit()
            except IntegrityError:  # another machine made it at the same moment
                gb.db.rollback()


def _only_imports(source: str) -> bool:
    try:
        body = ast.parse(_plain_python(source)).body
    except SyntaxError:
        return False
    return bool(body) and all(isinstance(n, (ast.Import, ast.ImportFrom)) for n in body)


def _plain_python(source: str) -> str:
    try:
        return _python_source(source)
    except Exception:
        return source  # the worker reports the syntax error


def _digest(sub: Submission) -> str:
    return hashlib.sha256(
        json.dumps(sub.notebook, sort_keys=True, ensure_ascii=True).encode()
    ).hexdigest()


_SLOT = 0


def _take_slot(counter) -> None:
    """Give each parallel worker process its own slot (and so its own sandbox user id)."""
    global _SLOT
    with counter.get_lock():
        _SLOT = counter.value
        counter.value += 1


def run_task(task: dict) -> dict:
    """Grade one hand-in's tests (in a pool worker or in-process); return plain data."""
    import resource

    start = time.monotonic()
    scratch = Path(task["scratch"])
    if scratch.exists():
        shutil.rmtree(scratch, ignore_errors=True)
    judge = Judge(task["run"], scratch, slot=_SLOT)
    try:
        outcomes = judge.grade()
    finally:
        judge.close()
        shutil.rmtree(scratch, ignore_errors=True)
        shutil.rmtree(scratch.parent / (scratch.name + "-worker"), ignore_errors=True)
    return {
        "seed": task["run"].seed,
        "outcomes": [[o.grade_id, o.passed, o.message] for o in outcomes],
        "cell_errors": judge.cell_errors,
        "restarts": judge.restarts,
        "seconds": round(time.monotonic() - start, 3),
        "startup_seconds": round(judge.startup_seconds, 3),
        # Peak resident memory: the sandboxed student process (the largest so far in this
        # pool worker) and the grader's own process that ran the checks.
        "worker_peak_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
        "judge_peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "isolation": "bubblewrap" if isolation().sandboxed else "limits only",
    }
