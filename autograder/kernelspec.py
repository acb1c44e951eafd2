"""Make this environment's ``python3`` kernel quiet about its local TCP transport.

ipykernel 7 warns on every start that the kernel "is running over TCP without encryption".
Kernels here are only ever started locally (book builds, grading), so the warning is noise:
it would fail the book's warnings-as-errors build. Run once after ``ipykernel install``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

QUIET = "--IPKernelApp.log_level=ERROR"


def quiet_kernelspec(prefix: str = sys.prefix) -> Path:
    path = Path(prefix) / "share" / "jupyter" / "kernels" / "python3" / "kernel.json"
    spec = json.loads(path.read_text())
    if QUIET not in spec["argv"]:
        spec["argv"].append(QUIET)
        path.write_text(json.dumps(spec, indent=1) + "\n")
    return path


if __name__ == "__main__":
    print(f"kernel spec: {quiet_kernelspec()}")
