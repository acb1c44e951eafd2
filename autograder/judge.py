"""Run one hand-in's tests with the verdicts reached outside the student's process.

The student's cells run in a sandboxed worker (``sandbox.start_worker``). The test cells, always
taken from the source notebook, run here in the grader's own process: every name the student
defined is a stand-in (``RemoteObject``, ``RemoteClass``) whose calls go to the worker with
plain-data arguments, and whose results come back as plain data (arrays, numbers, lists...).
So the comparison with the expected values, and the decision pass or fail, happen where no
student code runs: an AST transformer, a patched ``math.isclose`` or ``numpy.allclose``, an
object whose ``__eq__`` is always true, a hidden traceback or a forged output change nothing.

An assignment whose checks need live objects in the student's process (PyTorch models that
student code trains) runs its test cells in the worker instead (``verdicts = "sandbox"``):
still isolated and limited, but the student's process reports the verdict.
"""

from __future__ import annotations

import builtins
import hashlib
import inspect
import json
import os
import select
import signal
import subprocess
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .sandbox import Limits, start_worker
from .sandbox_worker import MAX_MESSAGE, Codec, Remote

MAX_REPLY_BYTES = 256 * 2**20


class WorkerGone(Exception):
    """The student's process ended or was stopped; the test that was running fails."""


class TestTimeout(WorkerGone):
    pass


class StudentError(Exception):
    """An exception the student's code raised whose type is not a Python built-in."""


_student_error_classes: dict[str, type] = {}


# Exceptions NumPy raises that checks catch by class (``except np.linalg.LinAlgError``).
NUMPY_EXCEPTIONS = {
    ("numpy.linalg", "LinAlgError"): np.linalg.LinAlgError,
    ("numpy.linalg.linalg", "LinAlgError"): np.linalg.LinAlgError,
    ("numpy.linalg._linalg", "LinAlgError"): np.linalg.LinAlgError,
    ("numpy.exceptions", "AxisError"): np.exceptions.AxisError,
    ("numpy", "AxisError"): np.exceptions.AxisError,
}


def float_rules() -> dict:
    """The check's current NumPy error state and built-in warning filters, as plain data."""
    rules = []
    for action, message, category, module, _lineno in warnings.filters:
        plain_message = message is None or getattr(message, "pattern", "") == ""
        plain_module = module is None or getattr(module, "pattern", "") == ""
        if (
            plain_message
            and plain_module
            and getattr(builtins, category.__name__, None) is category
        ):
            rules.append([action, category.__name__])
    return {"errstate": np.geterr(), "warnings": rules}


def student_exception(record: dict) -> Exception:
    name, message = record.get("type", "Exception"), record.get("message", "")
    known = NUMPY_EXCEPTIONS.get((record.get("module", ""), name))
    if known is not None:
        return known(message)
    builtin = getattr(builtins, name, None)
    if isinstance(builtin, type) and issubclass(builtin, Exception) and builtin is not Exception:
        try:
            return builtin(message)
        except Exception:
            pass
    if name not in _student_error_classes:
        _student_error_classes[name] = type(name, (StudentError,), {})
    return _student_error_classes[name](message)


class WorkerConnection:
    """The grader's end of one worker process: requests with deadlines, callbacks served."""

    def __init__(self, process: subprocess.Popen, codec: Codec):
        self.process = process
        self.codec = codec
        self.deadline = float("inf")
        self.buffer = b""

    def send(self, message: dict) -> None:
        try:
            self.process.stdin.write(json.dumps(message, allow_nan=False).encode() + b"\n")
            self.process.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            raise WorkerGone(self._ended()) from exc

    def _readline(self) -> bytes:
        fd = self.process.stdout.fileno()
        while b"\n" not in self.buffer:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                self.kill()
                raise TestTimeout("time limit")
            ready, _, _ = select.select([fd], [], [], min(remaining, 5.0))
            if not ready:
                continue
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                raise WorkerGone(self._ended())
            self.buffer += chunk
            if len(self.buffer) > MAX_REPLY_BYTES:
                self.kill()
                raise WorkerGone("the student's code sent back more than 256 MiB at once")
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line

    def receive(self) -> dict:
        line = self._readline()
        try:
            message = json.loads(line)
        except ValueError as exc:
            self.kill()
            raise WorkerGone("the student's process garbled its answer") from exc
        if not isinstance(message, dict):
            self.kill()
            raise WorkerGone("the student's process garbled its answer")
        return message

    def request(self, message: dict):
        """Send a request and return its decoded value, serving callbacks meanwhile."""
        self.send(message)
        while True:
            reply = self.receive()
            if reply.get("op") == "callback":
                self._serve_callback(reply)
                continue
            if "error" in reply:
                raise student_exception(reply["error"])
            return reply

    def _serve_callback(self, request: dict) -> None:
        try:
            target = self.codec.objects[request["ref"]]
            args = self.codec.decode(request["args"])
            kwargs = self.codec.decode(request["kwargs"])
            if request["action"] == "call":
                value = target(*args, **kwargs)
            else:
                value = getattr(target, str(request["name"]))
            self.send({"value": self.codec.encode(value)})
        except WorkerGone:
            raise
        except Exception as exc:
            self.send({"error": {"type": type(exc).__name__, "message": str(exc)[:2000]}})

    def _ended(self) -> str:
        try:
            code = self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.kill()
            return "the student's code closed the grader's channel"
        if code < 0:
            name = signal.Signals(-code).name
            hint = {
                "SIGKILL": " (killed: out of memory, or over a limit?)",
                "SIGXCPU": " (over the CPU time limit)",
                "SIGXFSZ": " (wrote more than the output limit)",
                "SIGSEGV": " (crashed)",
            }.get(name, "")
            return f"the notebook's process was ended by {name}{hint}"
        return f"the notebook's process exited with status {code} (sys.exit, os._exit or a crash?)"

    def kill(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                self.process.kill()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass


class RemoteObject(Remote):
    """Grader-side stand-in for an object that lives in the student's process."""

    _side = "worker"

    def __init__(self, conn: WorkerConnection, ref: int, info: dict):
        object.__setattr__(self, "_conn", conn)
        object.__setattr__(self, "_ref", ref)
        object.__setattr__(self, "_info", info)
        signature = _signature(conn.codec, info.get("signature"))
        if signature is not None:
            object.__setattr__(self, "__signature__", signature)

    def _call(self, op, name=None, args=(), kwargs=None):
        conn = object.__getattribute__(self, "_conn")
        codec = conn.codec
        args = list(args)
        kwargs = dict(kwargs or {})
        reply = conn.request(
            {
                "op": op,
                "ref": object.__getattribute__(self, "_ref"),
                "name": name,
                "args": codec.encode(args),
                "kwargs": codec.encode(kwargs),
                "float_rules": float_rules() if op in ("call", "method") else None,
            }
        )
        # Arrays and generators handed over (now or earlier): show the student's in-place
        # changes here too, then forget those student code no longer holds.
        for token, value in (reply.get("after") or {}).items():
            _write_back(codec.objects.get(int(token)), codec.decode(value))
        value = codec.decode(reply.get("value"))
        for token in reply.get("released") or []:
            obj = codec.objects.pop(token, None)
            if obj is not None:
                codec.ids.pop(id(obj), None)
        return value

    def __call__(self, *args, **kwargs):
        return self._call("call", None, args, kwargs)

    def __getattr__(self, name):
        if name == "__globals__" and self._info.get("callable"):
            return RemoteGlobals(self)
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        methods = self.__dict__.setdefault("_methods", set())
        if name in methods:
            return _BoundMethod(self, name)
        conn = object.__getattribute__(self, "_conn")
        reply = conn.request({"op": "getattr", "ref": self._ref, "name": name})
        if reply.get("method"):
            methods.add(name)
            return _BoundMethod(self, name)
        return conn.codec.decode(reply.get("value"))

    def __setattr__(self, name, value):
        conn = object.__getattribute__(self, "_conn")
        conn.request(
            {"op": "setattr", "ref": self._ref, "name": name, "value": conn.codec.encode(value)}
        )

    def _special(self, name, *args):
        return self._call("special", name, args)

    def __len__(self):
        return self._special("len")

    def __bool__(self):
        return self._special("bool")

    def __repr__(self):
        try:
            return self._special("repr")
        except Exception:
            return f"<student's {self._info.get('type', 'object')}>"

    def __str__(self):
        try:
            return self._special("str")
        except Exception:
            return self.__repr__()

    def __iter__(self):
        return iter(self._special("iter"))

    def __getitem__(self, key):
        return self._special("getitem", key)

    def __setitem__(self, key, value):
        self._special("setitem", key, value)

    def __contains__(self, item):
        return self._special("contains", item)

    def __float__(self):
        return self._special("float")

    def __int__(self):
        return self._special("int")

    def __index__(self):
        return self._special("index")

    def __array__(self, dtype=None, copy=None):
        value = self._special("array")
        if isinstance(value, RemoteObject):
            raise TypeError(f"a {self._info.get('type')} is not an array of numbers")
        return np.asarray(value, dtype=dtype)


class RemoteGlobals(dict):
    """A student function's module globals, read and written in the student's process (a
    check may swap a helper the function looks up by name for a trusted stand-in)."""

    def __init__(self, function: RemoteObject):
        super().__init__()
        self._function = function

    def _op(self, name, *args):
        conn = self._function._conn
        reply = conn.request(
            {
                "op": "globals",
                "ref": self._function._ref,
                "name": name,
                "args": conn.codec.encode(list(args)),
            }
        )
        return conn.codec.decode(reply["value"])

    def __contains__(self, key):
        return self._op("contains", key)

    def __getitem__(self, key):
        return self._op("getitem", key)

    def __setitem__(self, key, value):
        self._op("setitem", key, value)

    def get(self, key, default=None):
        return self[key] if key in self else default


class _BoundMethod:
    """``obj.step`` as one remote call (``method``), so in-place changes come back."""

    def __init__(self, owner: RemoteObject, name: str):
        self._owner, self.__name__ = owner, name

    def __call__(self, *args, **kwargs):
        return self._owner._call("method", self.__name__, args, kwargs)

    def __repr__(self):
        return f"<student's method {self.__name__}>"


class _Unrepresentable:
    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return self.text


def _signature(codec: Codec, params) -> inspect.Signature | None:
    """The student's function's signature, rebuilt from plain data (never by running text)."""
    if not isinstance(params, list):
        return None
    try:
        out = []
        for name, kind, has_default, default in params:
            if not (isinstance(name, str) and name.isidentifier()):
                return None
            if isinstance(default, dict) and "$repr" in default:
                value = _Unrepresentable(str(default["$repr"]))
            else:
                value = codec.decode(default)
            out.append(
                inspect.Parameter(
                    name,
                    inspect._ParameterKind(int(kind)),
                    default=value if has_default else inspect.Parameter.empty,
                )
            )
        return inspect.Signature(out)
    except (TypeError, ValueError, KeyError):
        return None


def _write_back(original, changed) -> None:
    if isinstance(original, np.ndarray) and isinstance(changed, np.ndarray):
        if original.shape == changed.shape and not np.array_equal(
            original, changed, equal_nan=True
        ):
            if original.flags.writeable:
                np.copyto(original, changed, casting="unsafe")
    elif isinstance(original, np.random.Generator) and isinstance(changed, np.random.Generator):
        original.bit_generator.state = changed.bit_generator.state


class _RemoteClassMeta(type):
    """Calling the stand-in class builds the object in the student's process."""

    def __call__(cls, *args, **kwargs):
        return cls._remote(*args, **kwargs)

    def __repr__(cls):
        return f"<student's class {cls.__name__}>"


def remote_class(conn: WorkerConnection, remote: RemoteObject, name: str) -> type:
    """A real class (``isinstance(x, type)`` holds) standing in for a student's class, with
    its class-level attributes copied as plain data so a check can inspect them."""
    reply = conn.request({"op": "class_attributes", "ref": remote._ref})
    attrs = {k: conn.codec.decode(v) for k, v in reply["value"].items()}
    attrs = {k: v for k, v in attrs.items() if not isinstance(v, RemoteObject)}
    attrs["_remote"] = remote
    if "__signature__" in vars(remote):
        attrs["__signature__"] = vars(remote)["__signature__"]
    return _RemoteClassMeta(str(name), (), attrs)


@dataclass
class CellOutcome:
    grade_id: str
    passed: bool
    message: str | None = None


@dataclass
class NotebookRun:
    """Cells of one hand-in, split by who runs them."""

    student_cells: list[tuple[str, str]]  # (name, python source) run in the worker, in order
    setup_cells: list[str]  # the source's locked set-up cells (imports): run on both sides
    test_cells: list[tuple[str, str]]  # (grade_id, source with hidden tests)
    verdicts: str = "judge"  # or "sandbox"
    test_timeout: float = 120.0
    notebook_timeout: float = 900.0
    blocked_modules: list[str] = field(default_factory=list)
    library: str | None = None  # packages the sandbox may import (the checks, "sandbox" mode)
    seed: int | None = None  # this student's seed for randomized hidden inputs (checks.seeds)


class Judge:
    """Grades one hand-in: start the worker, run the student's cells, then each test."""

    def __init__(
        self, run: NotebookRun, scratch: Path, slot: int = 0, limits: Limits | None = None
    ):
        self.run = run
        self.scratch = scratch
        self.slot = slot
        self.limits = limits or Limits()
        self.conn: WorkerConnection | None = None
        self.cell_errors: dict[str, str] = {}
        self.stalled_cells: set[str] = set()
        self.notebook_deadline = time.monotonic() + run.notebook_timeout
        self.restarts = 0
        self.startup_seconds = 0.0  # sandbox start and the student's cells, all attempts

    # -- the worker ---------------------------------------------------------------------
    def _start(self) -> WorkerConnection:
        process = start_worker(
            self.scratch,
            slot=self.slot,
            limits=self.limits,
            blocked_modules=self.run.blocked_modules,
            library=self.run.library,
        )
        holder: dict = {}
        codec = Codec("judge", lambda ref, info: RemoteObject(holder["conn"], ref, info))
        conn = WorkerConnection(process, codec)
        holder["conn"] = conn
        conn.deadline = min(self.notebook_deadline, time.monotonic() + 60)
        hello = conn.receive()
        if not hello.get("ready"):
            conn.kill()
            raise WorkerGone("the sandbox did not start: " + str(hello.get("error", hello))[:500])
        for source in self.run.setup_cells:
            self._exec(conn, "setup", source)
        for name, source in self.run.student_cells:
            if name in self.stalled_cells:
                continue  # it ran past its limit before; a second try would too
            try:
                self._exec(conn, name, source)
            except TestTimeout:
                self.stalled_cells.add(name)
                self.cell_errors[name] = (
                    f"Timeout: this cell ran longer than {self.run.test_timeout:g} s"
                )
                self.restarts += 1
                return self._start()  # a fresh process, without the stalled cell
            except WorkerGone as exc:
                self.cell_errors[name] = str(exc)
                raise
            except Exception as exc:
                self.cell_errors.setdefault(name, f"{type(exc).__name__}: {exc}")
        return conn

    def _exec(self, conn: WorkerConnection, name: str, source: str) -> None:
        conn.deadline = min(self.notebook_deadline, time.monotonic() + self.run.test_timeout)
        conn.request({"op": "exec", "name": name, "source": source})

    def connection(self) -> WorkerConnection:
        if self.conn is None or self.conn.process.poll() is not None:
            if self.conn is not None:
                self.restarts += 1
            started = time.monotonic()
            self.conn = self._start()
            self.startup_seconds += time.monotonic() - started
        return self.conn

    def close(self) -> None:
        if self.conn is not None:
            self.conn.kill()

    # -- the tests ----------------------------------------------------------------------
    def _judge_namespace(self, conn: WorkerConnection) -> dict:
        namespace: dict = {"__name__": "__grader__"}
        for source in self.run.setup_cells:
            exec(compile(source, "<setup>", "exec"), namespace)
        conn.deadline = min(self.notebook_deadline, time.monotonic() + self.run.test_timeout)
        names = conn.request({"op": "names"})["value"]
        for name, encoded in names.items():
            if name in namespace:
                continue
            value = conn.codec.decode(encoded)
            if isinstance(value, RemoteObject) and value._info.get("class"):
                try:
                    value = remote_class(conn, value, name)
                except Exception:
                    pass
            namespace[name] = value
        return namespace

    def grade(self) -> list[CellOutcome]:
        from .checks.seeds import set_student_seed

        set_student_seed(self.run.seed)
        try:
            return self._grade()
        finally:
            set_student_seed(None)

    def _grade(self) -> list[CellOutcome]:
        outcomes = []
        namespace = None
        for grade_id, source in self.run.test_cells:
            if time.monotonic() >= self.notebook_deadline:
                outcomes.append(
                    CellOutcome(
                        grade_id,
                        False,
                        f"Timeout: the whole notebook ran past its {self.run.notebook_timeout:g} s "
                        "limit before this test",
                    )
                )
                continue
            try:
                conn = self.connection()
                if self.run.verdicts == "sandbox":
                    self._exec(conn, grade_id, source)
                else:
                    if namespace is None or namespace.get("__conn__") is not conn:
                        namespace = self._judge_namespace(conn)
                        namespace["__conn__"] = conn
                    conn.deadline = min(
                        self.notebook_deadline, time.monotonic() + self.run.test_timeout
                    )
                    exec(compile(source, f"<test {grade_id}>", "exec"), namespace)
                outcomes.append(CellOutcome(grade_id, True))
            except TestTimeout:
                outcomes.append(
                    CellOutcome(
                        grade_id,
                        False,
                        f"Timeout: this test ran longer than the {self.run.test_timeout:g} s limit "
                        "and was stopped (an endless loop, or far too slow code?)",
                    )
                )
                self.conn = None
            except WorkerGone as exc:
                outcomes.append(CellOutcome(grade_id, False, f"ProcessEnded: {exc}"))
                self.conn = None
            except Exception as exc:  # the test failed: its message is the feedback
                outcomes.append(CellOutcome(grade_id, False, _message(exc)))
        self.close()
        return outcomes


def student_seed(assignment: str, student_id: str) -> int:
    """A student's seed: fixed by the assignment and the student id, different per student."""
    digest = hashlib.sha256(f"{assignment}/{student_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


def _message(exc: BaseException) -> str:
    """A failed test's feedback: the exception's type and message, never a traceback (it
    would quote the hidden test), cut to a readable length."""
    name = type(exc).__name__
    try:
        text = str(exc)
    except Exception:
        text = ""
    if len(text) > MAX_MESSAGE:
        text = text[:MAX_MESSAGE] + " ... (message cut)"
    return f"{name}: {text}".rstrip(": ").rstrip()
