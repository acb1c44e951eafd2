"""The course's nbgrader layout, in one place.

nbgrader expects ``source/<assignment>/<notebook>.ipynb`` and ``release/...``; this course
keeps sources in ``solutions/`` and student releases in ``exercises/``. Both the CLI and the
root ``nbgrader_config.py`` build their configuration here.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from traitlets.config import Config

SOURCE_DIR = "solutions"
RELEASE_DIR = "exercises"


def ensure_tools_on_path() -> None:
    """Put this interpreter's ``bin/`` first on PATH.

    nbgrader runs the ``alembic`` command to check its gradebook schema; inside a virtual
    environment that was not activated (``.venv/bin/python -m autograder``) it is not on PATH.
    """
    bindir = str(Path(sys.executable).parent)
    if os.environ.get("PATH", "").split(os.pathsep)[0] != bindir:
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")


def course_config(root: str | Path, db_url: str | None = None) -> Config:
    """nbgrader configuration for a course rooted at ``root``."""
    ensure_tools_on_path()
    c = Config()
    c.CourseDirectory.root = str(Path(root).resolve())
    c.CourseDirectory.source_directory = SOURCE_DIR
    c.CourseDirectory.release_directory = RELEASE_DIR
    # The exchange (nbgrader's JupyterHub hand-in folder) is unused; keep it in the course.
    c.Exchange.root = str(Path(root).resolve() / ".exchange")
    if db_url:
        c.CourseDirectory.db_url = db_url
    # Students hand in the notebook only; never copy other files of theirs into grading.
    c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]
    return c


def gradebook_url(url: str) -> str:
    """A gradebook URL SQLAlchemy can open here. SQLAlchemy 2.1 reads ``postgresql://`` as
    the psycopg 3 driver; where only psycopg2 is installed (the ``postgres`` extra), name it."""
    import importlib.util

    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix) and importlib.util.find_spec("psycopg") is None:
            if importlib.util.find_spec("psycopg2") is not None:
                return "postgresql+psycopg2://" + url.removeprefix(prefix)
    return url
