"""Where a course's assignments live, and how to find them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .config import RELEASE_DIR, SOURCE_DIR


class CourseError(Exception):
    """An instructor-facing problem (unknown assignment, missing folder): stops the command."""


@dataclass(frozen=True)
class Course:
    root: Path

    @classmethod
    def find(cls, start: str | Path | None = None) -> Course:
        """The course whose root holds ``solutions/``: ``start`` or one of its parents."""
        here = Path(start or Path.cwd()).resolve()
        for candidate in (here, *here.parents):
            if (candidate / SOURCE_DIR).is_dir():
                return cls(candidate)
        raise CourseError(
            f"no course found: neither {here} nor a parent folder has a '{SOURCE_DIR}/' folder "
            "(run the command from the course repository, or pass --course DIR)"
        )

    @property
    def source_dir(self) -> Path:
        return self.root / SOURCE_DIR

    @property
    def release_dir(self) -> Path:
        return self.root / RELEASE_DIR

    def assignments(self) -> list[str]:
        """Every assignment: a folder under solutions/ holding ``<name>.ipynb``."""
        return sorted(
            p.name
            for p in self.source_dir.iterdir()
            if p.is_dir() and (p / f"{p.name}.ipynb").is_file()
        )

    def source_notebook(self, assignment: str) -> Path:
        path = self.source_dir / assignment / f"{assignment}.ipynb"
        if not path.is_file():
            known = ", ".join(self.assignments()) or "none"
            raise CourseError(
                f"unknown assignment {assignment!r}: {path} does not exist (assignments: {known})"
            )
        return path
