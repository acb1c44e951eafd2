"""The red team: hostile and broken hand-ins, each a way a student might try to raise a score,
disrupt grading or break the batch. ``test_red_team.py`` grades them all in one batch beside
honest students and checks that nothing works.

Each ``Attack`` says what the hand-in is and what the same hand-in *without* the attack would
score (``baseline``: the honest wrong answer, or the correct one when the attack only tries to
disrupt), and a phrase the feedback must show so the instructor sees what happened.

The toy assignment (``fixtures/make_toy_course.py``): ``double(x)`` returns ``2 * x``; a
visible test (1 point), a hidden test (2 points), a written answer (3 points, by hand).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field

import nbformat
from fixtures.hand_ins import hand_in

CORRECT = "def double(x):\n    return 2 * x\n"
WRONG = "def double(x):\n    return 0\n"
# Scores of the honest versions (tests only; the written answer is not graded yet).
SCORE = {"correct": 3.0, "wrong": 0.0}


@dataclass
class Attack:
    name: str
    kind: str  # tampering, cheating, disruption, escape, file
    description: str
    baseline: str  # "correct" or "wrong": the same hand-in without the attack
    expect: str  # a phrase in the feedback page (or the not-graded reason)
    code: str | None = None  # the solution cell
    change: Callable | None = None  # notebook -> notebook (tampering with cells/metadata)
    raw: Callable | None = None  # ctx -> bytes of the file handed in, for broken files
    extra_files: dict[str, str] = field(default_factory=dict)  # beside the notebook
    folder: str | None = None  # student folder name, when the name itself is the attack


def _cells(nb, gid):
    return [c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == gid]


def _edit(gid, source):
    def change(nb):
        _cells(nb, gid)[0].source = source
        return nb

    return change


def _drop(*gids):
    def change(nb):
        nb.cells = [
            c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") not in gids
        ]
        return nb

    return change


def _duplicate(nb):
    cell = _cells(nb, "double_of_three")[0]
    twin = copy.deepcopy(cell)
    twin["id"] = "pasted-twice"
    nb.cells.insert(nb.cells.index(cell), twin)
    return nb


def _added_cell(nb):
    cell = nbformat.v4.new_code_cell("assert True")
    cell.metadata["nbgrader"] = {
        "grade": True,
        "grade_id": "bonus_points",
        "locked": True,
        "points": 100,
        "schema_version": 3,
        "solution": False,
        "task": False,
    }
    nb.cells.append(cell)
    return nb


def _more_points(nb):
    meta = _cells(nb, "double_of_three")[0].metadata["nbgrader"]
    meta["points"] = 100
    return nb


def _test_made_answer(nb):
    """The hidden test cell turned into a solution cell (so nbgrader would keep its source)."""
    cell = _cells(nb, "double_hidden_cases")[0]
    cell.metadata["nbgrader"]["solution"] = True
    cell.source = "pass"
    return nb


def _test_made_markdown(nb):
    cell = _cells(nb, "double_hidden_cases")[0]
    cell.cell_type = "markdown"
    cell.pop("outputs", None)
    cell.pop("execution_count", None)
    return nb


def _forged_outputs(nb):
    for gid in ("double_of_three", "double_hidden_cases"):
        cell = _cells(nb, gid)[0]
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="All tests passed!\n")]
        cell.execution_count = 7
    return nb


def _unknown_kernel(nb):
    nb.metadata["kernelspec"] = {"name": "ir", "display_name": "R", "language": "R"}
    nb.metadata["language_info"] = {"name": "R"}
    return nb


# -- runtime cheating: code in the answer cell ------------------------------------------------
AST_TRANSFORMER = (
    WRONG
    + """
import ast
class Pass(ast.NodeTransformer):
    def visit_Assert(self, node):
        return ast.Pass()
ip = get_ipython()
ip.ast_transformers.append(Pass())
ip.input_transformers_post.append(lambda lines: ["pass\\n"])
"""
)

PATCHED_COMPARISONS = (
    WRONG
    + """
import builtins, math, operator
math.isclose = lambda *a, **k: True
builtins.abs = lambda x: 0
operator.eq = lambda a, b: True
builtins.AssertionError = type("AssertionError", (Exception,), {})
"""
)

ALWAYS_EQUAL = """
class Anything(float):
    def __eq__(self, other):
        return True
    __hash__ = float.__hash__
    def __ne__(self, other):
        return False

def double(x):
    return Anything(0)
"""

ALWAYS_EQUAL_OBJECT = """
class Anything:
    def __eq__(self, other):
        return True
    def __bool__(self):
        return True
    def __repr__(self):
        return "6"

def double(x):
    return Anything()
"""

HIDDEN_TRACEBACKS = (
    WRONG
    + """
import sys
sys.excepthook = lambda *a: None
ip = get_ipython()
ip.showtraceback = lambda *a, **k: None
ip._showtraceback = lambda *a, **k: None
"""
)

FAKE_GRADER_MODULES = (
    WRONG
    + """
import sys, types
fake = types.ModuleType("autograder")
fake.checks = types.ModuleType("autograder.checks")
sys.modules["autograder"] = fake
sys.modules["autograder.checks"] = fake.checks
"""
)

FORGED_REPLIES = (
    WRONG
    + """
import os
for fd in range(3, 64):
    try:
        os.write(fd, b'{"value": null}\\n{"ready": true}\\n')
    except OSError:
        pass
"""
)

# Escapes: each returns the right answer only if it could see what it must not.
PEEK = """
import os, glob
def _seen():
    for pattern in {patterns!r}:
        try:
            if glob.glob(pattern):
                return True
        except OSError:
            pass
    return False
SEEN = _seen()
def double(x):
    return 2 * x if SEEN else 0
"""

WRITE_OUTSIDE = (
    CORRECT
    + """
import os
for path in {targets!r}:
    try:
        with open(path, "w") as fh:
            fh.write("overwritten by a student")
    except OSError:
        pass
    try:
        os.remove(path)
    except OSError:
        pass
"""
)

DETACHED_CHILD = (
    CORRECT
    + """
import subprocess, sys
subprocess.Popen(
    [sys.executable, "-c", "import time; time.sleep(4); open({target!r}, 'w').write('x')"],
    start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
)
"""
)

NETWORK = (
    WRONG
    + """
import socket, urllib.request
REACHED = []
for url in {urls!r}:
    try:
        urllib.request.urlopen(url, timeout=2).read()
        REACHED.append(url)
    except Exception:
        pass
try:
    socket.create_connection(("1.1.1.1", 53), timeout=2)
    REACHED.append("internet")
except OSError:
    pass
if REACHED:
    def double(x):
        return 2 * x
"""
)

# Disruption.
EXIT_AT_IMPORT = CORRECT + "\nimport sys\nsys.exit(0)\n"
OS_EXIT = "def double(x):\n    import os\n    os._exit(3)\n"
KILL_PARENT = (
    "def double(x):\n    import os, signal\n    os.kill(os.getppid(), signal.SIGKILL)\n"
    "    os.kill(1, signal.SIGKILL)\n    os.killpg(0, signal.SIGKILL)\n    return 2 * x\n"
)
KILL_EVERYONE = (
    "def double(x):\n    import os, signal\n    os.kill(-1, signal.SIGKILL)\n    return 2 * x\n"
)
ENDLESS_TOP_LEVEL = CORRECT + "\nwhile True:\n    pass\n"
ENDLESS_IN_TEST = "def double(x):\n    while True:\n        pass\n"
SLEEPS = "def double(x):\n    import time\n    time.sleep(3600)\n    return 2 * x\n"
MEMORY_BOMB = WRONG + "\nhog = bytearray(64 * 2**30)\n"
MEMORY_GROWTH = (
    "def double(x):\n    hog = []\n    while True:\n        hog.append(bytearray(2**26))\n"
)
FORK_BOMB = (
    "def double(x):\n    import os\n    while True:\n        try:\n            os.fork()\n"
    "        except OSError:\n            pass\n"
)
HUGE_OUTPUT = "def double(x):\n    chunk = 'x' * 2**20\n    while True:\n        print(chunk)\n"
HUGE_RESULT = "def double(x):\n    return list(range(10**8))\n"
RECURSION = "def double(x):\n    return double(x)\n"
SIGNAL_IGNORED = (
    CORRECT + "\nimport signal\nfor s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):\n"
    "    signal.signal(s, signal.SIG_IGN)\nwhile True:\n    pass\n"
)
FORBIDDEN_ORACLE = "import sklearn\nimport torch\n\n" + CORRECT
DYNAMIC_ORACLE = (
    "import importlib\nchecks = importlib.import_module('autograder.checks')\n\n" + CORRECT
)


def attacks(ctx) -> list[Attack]:
    """Every attack; ``ctx`` gives paths and URLs the escapes aim at."""
    A = Attack
    return [
        # -- tampering with the notebook
        A(
            "edit_visible_test",
            "tampering",
            "visible test replaced by assert True",
            "wrong",
            "Edited test cells",
            WRONG,
            _edit("double_of_three", "assert True"),
        ),
        A(
            "edit_hidden_test",
            "tampering",
            "hidden test cell emptied",
            "wrong",
            "Edited test cells",
            WRONG,
            _edit("double_hidden_cases", "pass"),
        ),
        A(
            "delete_tests",
            "tampering",
            "both test cells deleted",
            "wrong",
            "Deleted test cells",
            WRONG,
            _drop("double_of_three", "double_hidden_cases"),
        ),
        A(
            "duplicate_test",
            "tampering",
            "a test cell pasted twice",
            "wrong",
            "Duplicated graded cells",
            WRONG,
            _duplicate,
        ),
        A(
            "added_graded_cell",
            "tampering",
            "a new 100-point test cell that passes",
            "wrong",
            "Added graded cells",
            WRONG,
            _added_cell,
        ),
        A(
            "more_points",
            "tampering",
            "a test's points raised to 100 in its metadata",
            "correct",
            "Changed metadata",
            CORRECT,
            _more_points,
        ),
        A(
            "test_made_answer",
            "tampering",
            "hidden test turned into a solution cell",
            "wrong",
            "Changed metadata",
            WRONG,
            _test_made_answer,
        ),
        A(
            "test_made_markdown",
            "tampering",
            "hidden test turned into markdown",
            "wrong",
            "Changed metadata",
            WRONG,
            _test_made_markdown,
        ),
        A(
            "forged_outputs",
            "tampering",
            "'All tests passed!' pasted into test outputs",
            "wrong",
            "Forged outputs",
            WRONG,
            _forged_outputs,
        ),
        A(
            "unknown_kernel",
            "tampering",
            "the notebook claims to be an R notebook",
            "wrong",
            "Unknown kernel",
            WRONG,
            _unknown_kernel,
        ),
        # -- cheating at run time
        A(
            "ast_transformer",
            "cheating",
            "an AST/input transformer that deletes asserts",
            "wrong",
            "double(3) should be 6, got 0",
            AST_TRANSFORMER,
        ),
        A(
            "patched_comparisons",
            "cheating",
            "math.isclose, abs, operator.eq, AssertionError patched",
            "wrong",
            "double(3) should be 6, got 0",
            PATCHED_COMPARISONS,
        ),
        A(
            "always_equal_float",
            "cheating",
            "a float subclass whose == is always true",
            "wrong",
            "double(3) should be 6",
            ALWAYS_EQUAL,
        ),
        A(
            "always_equal_object",
            "cheating",
            "an object whose == and bool are always true",
            "wrong",
            "double(3) should be 6",
            ALWAYS_EQUAL_OBJECT,
        ),
        A(
            "hidden_tracebacks",
            "cheating",
            "excepthook and showtraceback silenced",
            "wrong",
            "double(3) should be 6, got 0",
            HIDDEN_TRACEBACKS,
        ),
        A(
            "fake_grader_modules",
            "cheating",
            "fake autograder modules in sys.modules",
            "wrong",
            "double(3) should be 6, got 0",
            FAKE_GRADER_MODULES,
        ),
        A(
            "forged_replies",
            "cheating",
            "forged protocol replies written to every descriptor",
            "wrong",
            "double",
            FORGED_REPLIES,
        ),
        A(
            "forbidden_oracle",
            "cheating",
            "imports scikit-learn and torch in a NumPy-only assignment",
            "correct",
            "sklearn is not available here",
            FORBIDDEN_ORACLE,
        ),
        A(
            "dynamic_oracle",
            "cheating",
            "importlib.import_module('autograder.checks')",
            "correct",
            "autograder is not available here",
            DYNAMIC_ORACLE,
        ),
        # -- reaching out of the sandbox
        A(
            "read_solutions",
            "escape",
            "looks for solutions/ by relative and absolute path",
            "wrong",
            "double(3) should be 6, got 0",
            PEEK.format(
                patterns=[
                    f"{ctx.course}/solutions/*/*.ipynb",
                    "../../solutions/*/*.ipynb",
                    "../../../solutions/*/*.ipynb",
                    "/**/toy.ipynb",
                ]
            ),
        ),
        A(
            "read_other_students",
            "escape",
            "looks for other students' hand-ins and the gradebook",
            "wrong",
            "double(3) should be 6, got 0",
            PEEK.format(
                patterns=[
                    f"{ctx.submissions}/*/*.ipynb",
                    f"{ctx.out}/*.db",
                    "../*/toy.ipynb",
                    f"{ctx.canary}",
                ]
            ),
        ),
        A(
            "read_home",
            "escape",
            "looks for the instructor's files in the home folder",
            "wrong",
            "double(3) should be 6, got 0",
            PEEK.format(patterns=[f"{ctx.home_canary}", "~/.ssh/*", "/root/*", "/home/*/*"]),
        ),
        A(
            "write_outside",
            "escape",
            "overwrites the gradebook, the solutions and a canary",
            "correct",
            "Score: 3",
            WRITE_OUTSIDE.format(
                targets=[
                    f"{ctx.out}/gradebook.db",
                    str(ctx.canary),
                    f"{ctx.course}/solutions/toy/toy.ipynb",
                    str(ctx.home_canary),
                    "/usr/lib/os.py",
                ]
            ),
        ),
        A(
            "detached_child",
            "escape",
            "a detached child that rewrites the gradebook later",
            "correct",
            "Score: 3",
            DETACHED_CHILD.format(target=f"{ctx.out}/gradebook.db"),
        ),
        A(
            "network",
            "escape",
            "calls a server on the grader's loopback and the internet",
            "wrong",
            "double(3) should be 6, got 0",
            NETWORK.format(urls=[ctx.url]),
        ),
        A(
            "numpy_shadow",
            "escape",
            "a numpy.py handed in beside the notebook",
            "wrong",
            "double(3) should be 6, got 0",
            "import numpy\n" + WRONG,
            extra_files={
                "numpy.py": "def __getattr__(name):\n    raise SystemExit\n",
                "sitecustomize.py": "raise SystemExit\n",
            },
        ),
        # -- disruption
        A(
            "exit_at_import",
            "disruption",
            "sys.exit() in the answer cell",
            "correct",
            "SystemExit",
            EXIT_AT_IMPORT,
        ),
        A(
            "os_exit",
            "disruption",
            "os._exit() inside the function",
            "wrong",
            "exited with status 3",
            OS_EXIT,
        ),
        A(
            "kill_parent",
            "disruption",
            "kills its parent, PID 1 and its process group",
            "wrong",
            "PermissionError",
            KILL_PARENT,
        ),
        A(
            "kill_everyone",
            "disruption",
            "kill(-1, SIGKILL)",
            "wrong",
            "No such process",
            KILL_EVERYONE,
        ),
        A(
            "endless_top_level",
            "disruption",
            "an endless loop in the answer cell",
            "correct",
            "Timeout",
            ENDLESS_TOP_LEVEL,
        ),
        A(
            "endless_in_test",
            "disruption",
            "an endless loop in the function",
            "wrong",
            "Timeout",
            ENDLESS_IN_TEST,
        ),
        A("sleeps", "disruption", "sleeps for an hour (no CPU used)", "wrong", "Timeout", SLEEPS),
        A(
            "signals_ignored",
            "disruption",
            "ignores SIGTERM/SIGINT, then loops",
            "correct",
            "Timeout",
            SIGNAL_IGNORED,
        ),
        A(
            "memory_bomb",
            "disruption",
            "allocates 64 GiB at once",
            "wrong",
            "MemoryError",
            MEMORY_BOMB,
        ),
        A(
            "memory_growth",
            "disruption",
            "grows a list until memory runs out",
            "wrong",
            "double(3)",
            MEMORY_GROWTH,
        ),
        A("fork_bomb", "disruption", "forks forever", "wrong", "double(3)", FORK_BOMB),
        A("huge_output", "disruption", "prints without end", "wrong", "double(3)", HUGE_OUTPUT),
        A(
            "huge_result",
            "disruption",
            "returns a list of 10^8 numbers",
            "wrong",
            "double(3)",
            HUGE_RESULT,
        ),
        A("recursion", "disruption", "endless recursion", "wrong", "RecursionError", RECURSION),
        # -- broken files
        A(
            "invalid_json",
            "file",
            "a notebook cut off mid-way",
            "wrong",
            "not valid JSON",
            raw=lambda ctx: b'{"cells": [{"cell_type": "code",',
        ),
        A("empty_file", "file", "an empty file", "wrong", "is empty", raw=lambda ctx: b""),
        A(
            "nbformat_3",
            "file",
            "a notebook in format 3",
            "wrong",
            "notebook format 3",
            raw=lambda ctx: (
                b'{"nbformat": 3, "nbformat_minor": 0, "worksheets": [], "metadata": {}}'
            ),
        ),
        A(
            "not_utf8",
            "file",
            "Latin-1 bytes",
            "wrong",
            "not UTF-8",
            raw=lambda ctx: b'{"cells": [], "note": "caf\xe9"}',
        ),
        A(
            "huge_file",
            "file",
            "a 21 MiB notebook",
            "wrong",
            "MiB limit",
            raw=lambda ctx: b'{"cells": [], "pad": "' + b"x" * (21 * 2**20) + b'"}',
        ),
        A(
            "not_a_notebook",
            "file",
            "JSON that is not a notebook",
            "wrong",
            "not a Jupyter",
            raw=lambda ctx: b'{"hello": "world"}',
        ),
        A(
            "unsafe_id",
            "file",
            "a student folder named with shell characters",
            "wrong",
            "not a usable student id",
            CORRECT,
            folder="rm -rf $(x)",
        ),
    ]


def build(attack: Attack, release, ctx) -> tuple[str, dict[str, bytes]]:
    """(student folder, {file name: bytes}) for one attack."""
    folder = attack.folder or attack.name
    if attack.raw is not None:
        return folder, {"toy.ipynb": attack.raw(ctx)}
    nb = hand_in(release, attack.code or WRONG)
    if attack.change is not None:
        nb = attack.change(nb)
    files = {"toy.ipynb": nbformat.writes(nb).encode()}
    files.update({name: text.encode() for name, text in attack.extra_files.items()})
    return folder, files
