"""Generate student releases (``exercises/``) from the source notebooks (``solutions/``).

nbgrader's ``generate_assignment`` does the work (solutions cleared, hidden tests removed,
checksums added); it runs in a scratch course so the repository gets no gradebook and the
result can also be written elsewhere (the in-sync test compares such a copy).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from nbgrader.apps import NbGraderAPI

from .config import RELEASE_DIR, SOURCE_DIR, course_config
from .course import Course, CourseError


def generate_release(course: Course, assignment: str, dest: Path) -> list[Path]:
    """Write the student release of ``assignment`` into ``dest`` (replaced); return its files."""
    course.source_notebook(assignment)  # fails clearly on an unknown assignment
    with tempfile.TemporaryDirectory(prefix="release-") as tmp:
        scratch = Path(tmp)
        shutil.copytree(
            course.source_dir / assignment,
            scratch / SOURCE_DIR / assignment,
            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.pyc"),
        )
        config = course_config(scratch, db_url=f"sqlite:///{scratch / 'gb.db'}")
        config.NbGraderAPI.log_level = "ERROR"
        config.Application.log_level = "ERROR"
        (scratch / ".exchange").mkdir()
        api = NbGraderAPI(config=config)
        result = api.generate_assignment(assignment, force=True, create=True)
        if not result["success"]:
            raise CourseError(
                f"nbgrader could not generate the release of {assignment}:\n"
                f"{result.get('error') or result.get('log')}"
            )
        built = scratch / RELEASE_DIR / assignment
        if dest.exists():
            shutil.rmtree(dest)
        shutil.copytree(built, dest)
    return sorted(p for p in dest.rglob("*") if p.is_file())


def student_readme(course: Course) -> str:
    """The text of ``exercises/README.md``: how a student sets up, works, checks, hands in."""
    template = (Path(__file__).parent / "templates" / "exercises_README.md").read_text()
    rows = "\n".join(f"| {a} | [`{a}/{a}.ipynb`]({a}/{a}.ipynb) |" for a in course.assignments())
    return template.replace("{assignment_rows}", rows)


def release(course: Course, assignments: list[str] | None = None) -> dict[str, list[Path]]:
    """Regenerate ``exercises/<assignment>`` for each assignment (all when none are named),
    and the students' ``exercises/README.md``."""
    names = assignments or course.assignments()
    if not names:
        raise CourseError(f"no assignments under {course.source_dir}")
    written = {a: generate_release(course, a, course.release_dir / a) for a in names}
    course.release_dir.mkdir(exist_ok=True)
    (course.release_dir / "README.md").write_text(student_readme(course), encoding="utf-8")
    return written
