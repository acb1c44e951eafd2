"""`make test` runs on both cores with pytest-xdist's ``--dist loadgroup``; the suite relies on
``xdist_group`` keeping an assignment's catalog batch (and the book build) on one worker.
pytest 9 silently ignores the grouping with pytest-xdist 3.8, and every worker then regrades
every batch and rebuilds the book: this test catches such a version combination."""

from __future__ import annotations

import os
import subprocess
import sys

GROUPED_TESTS = """
import os
import pytest

@pytest.mark.parametrize(
    "i", [pytest.param(i, marks=pytest.mark.xdist_group(f"g{i % 2}")) for i in range(8)]
)
def test_record_worker(i):
    with open(os.path.join(os.environ["GROUPING_OUT"], f"worker-{i}"), "w") as out:
        out.write(os.environ.get("PYTEST_XDIST_WORKER", "none"))
"""


def test_xdist_group_keeps_each_group_on_one_worker(tmp_path):
    (tmp_path / "test_grouped.py").write_text(GROUPED_TESTS)
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-n", "2", "--dist", "loadgroup",
         "-p", "no:cacheprovider", "--basetemp", str(tmp_path / "base"), "test_grouped.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
        env={**os.environ, "GROUPING_OUT": str(tmp_path)},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    workers = {i: (tmp_path / f"worker-{i}").read_text() for i in range(8)}
    for group in (0, 1):
        used = {workers[i] for i in range(group, 8, 2)}
        assert len(used) == 1, f"group g{group} ran on several workers: {sorted(used)}"
