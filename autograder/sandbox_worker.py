"""The process that runs one student's code inside the sandbox.

This file is copied into the sandbox on its own and run as a plain script by the sandbox's
Python (``python -I``), so it imports only the standard library and NumPy, never the rest of
``autograder``: neither the grader nor the checks nor the solutions are visible in there.

It reads requests from the grader on its standard input and answers on its standard output,
one JSON document per line. Before any student code runs it moves the protocol to private file
descriptors and points the student's stdin at /dev/null and stdout/stderr at a capped file in
the scratch directory, so ``print`` cannot garble the conversation.

Values cross as plain data (``encode``/``decode``): JSON scalars, lists, tuples, dicts, NumPy
arrays and scalars of numeric dtypes (bytes in base64) and random generators (their state).
Anything else stays where it lives and crosses as a numbered reference that the other side
can call, read attributes of, or index: never a pickle. The grader (``autograder.judge``)
imports this module for the same codec.
"""

from __future__ import annotations

import base64
import builtins
import json
import math
import os
import sys
import traceback
import warnings

MAX_MESSAGE = 2000
BIT_GENERATORS = ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64")

try:  # the codec is shared with the grader, which has NumPy; so does every sandbox
    import numpy as np
except ImportError:  # pragma: no cover - only a broken environment lacks NumPy
    np = None


class Remote:
    """Marker base for objects that stand for something living on the other side."""


class Codec:
    """Turns values into plain JSON and back. ``proxy`` makes an object for a foreign
    reference; ``local`` keeps this side's non-plain objects behind numbers."""

    def __init__(self, side: str, proxy):
        self.side = side  # "worker" or "judge": the tag of references this side hands out
        self.other = "judge" if side == "worker" else "worker"
        self.proxy = proxy
        self.objects: dict[int, object] = {}
        self.ids: dict[int, int] = {}
        self.counter = 0
        # Worker side: the judge's arrays and generators passed in, kept as the *same* objects
        # from call to call (a student may keep one and change it later), with a snapshot of
        # their contents to tell the judge what changed.
        self.mirrors: dict[int, object] = {}
        self.mirror_ids: dict[int, int] = {}
        self.snapshots: dict[int, bytes] = {}

    def keep(self, obj) -> int:
        key = id(obj)
        if key not in self.ids:
            self.counter += 1
            self.objects[self.counter] = obj
            self.ids[key] = self.counter
        return self.ids[key]

    def encode(self, obj, depth: int = 0):
        if depth > 50:
            raise ValueError("value nested more than 50 levels deep")
        kind = type(obj)
        if obj is None or kind is bool or kind is str:
            return obj
        if kind is int:
            return obj if abs(obj) < 2**53 else {"$int": str(obj)}
        if kind is float:
            return obj if math.isfinite(obj) else {"$float": repr(obj)}
        if kind is list or kind is tuple:
            return {"$" + kind.__name__: [self.encode(x, depth + 1) for x in obj]}
        if kind is dict:
            return {
                "$dict": [
                    [self.encode(k, depth + 1), self.encode(v, depth + 1)] for k, v in obj.items()
                ]
            }
        if np is not None:
            if kind is np.ndarray and obj.dtype.kind in "biufc" and not obj.dtype.fields:
                token = self.mirror_ids.get(id(obj))
                if token is not None and self.mirrors.get(token) is obj:
                    return {"$" + self.other: token}  # the other side's own array, back again
                data = np.ascontiguousarray(obj).tobytes()
                out = {"$nd": [obj.dtype.str, list(obj.shape), base64.b64encode(data).decode()]}
                if self.side == "judge":
                    out["token"] = self.keep(obj)
                return out
            if (
                isinstance(obj, np.generic)
                and kind.__module__ == "numpy"
                and obj.dtype.kind in "biufc"
            ):
                return {"$np": [obj.dtype.str, base64.b64encode(obj.tobytes()).decode()]}
            if kind is np.random.Generator:
                token = self.mirror_ids.get(id(obj))
                if token is not None and self.mirrors.get(token) is obj:
                    return {"$" + self.other: token}
                bitgen = obj.bit_generator
                out = {"$rng": [type(bitgen).__name__, self.encode(bitgen.state, depth + 1)]}
                if self.side == "judge":
                    out["token"] = self.keep(obj)
                return out
            if kind is np.dtype:
                return {"$dtype": obj.str}
        if isinstance(obj, Remote) and obj._side == self.other:
            return {"$" + self.other: obj._ref}
        info = {
            "$" + self.side: self.keep(obj),
            "type": _type_name(obj),
            "callable": callable(obj),
            "class": isinstance(obj, type),
        }
        if self.side == "worker" and callable(obj):
            info["signature"] = self.signature(obj)
        return info

    def signature(self, obj):
        """The parameters of a function or class as plain data, or None when unknown."""
        import inspect

        try:
            params = inspect.signature(obj).parameters.values()
        except Exception:
            return None
        out = []
        for p in params:
            try:
                default = None if p.default is p.empty else self.encode(p.default)
            except Exception:
                default = {"$repr": repr(p.default)[:200]}
            out.append([p.name, int(p.kind), p.default is not p.empty, default])
        return out

    def decode(self, data):
        if not isinstance(data, dict):
            return data
        (tag, value), *rest = data.items()
        if tag == "$int":
            return int(value)
        if tag == "$float":
            return float(value)
        if tag == "$list":
            return [self.decode(x) for x in value]
        if tag == "$tuple":
            return tuple(self.decode(x) for x in value)
        if tag == "$dict":
            return {self.decode(k): self.decode(v) for k, v in value}
        if tag == "$nd":
            dtype, shape, raw = value
            array = (
                np.frombuffer(base64.b64decode(raw), dtype=np.dtype(dtype)).reshape(shape).copy()
            )
            return self._mirror(data.get("token"), array)
        if tag == "$np":
            dtype, raw = value
            return np.frombuffer(base64.b64decode(raw), dtype=np.dtype(dtype))[0]
        if tag == "$rng":
            name, state = value
            if name not in BIT_GENERATORS:
                raise ValueError(f"unknown bit generator {name!r}")
            bitgen = getattr(np.random, name)()
            bitgen.state = self.decode(state)
            return self._mirror(data.get("token"), np.random.Generator(bitgen))
        if tag == "$dtype":
            return np.dtype(value)
        if tag == "$" + self.side:
            return self.objects[value]
        if tag == "$" + self.other:
            return self.proxy(value, data)
        raise ValueError(f"unknown value tag {tag!r}")

    def _mirror(self, token, fresh):
        """On the worker side, the standing copy of the judge's array or generator ``token``,
        updated to ``fresh``'s contents."""
        if token is None or self.side != "worker":
            return fresh
        kept = self.mirrors.get(token)
        if type(kept) is np.ndarray and type(fresh) is np.ndarray:
            if kept.shape == fresh.shape and kept.dtype == fresh.dtype and kept.flags.writeable:
                np.copyto(kept, fresh)
                fresh = kept
        elif type(kept) is np.random.Generator and type(fresh) is np.random.Generator:
            kept.bit_generator.state = fresh.bit_generator.state
            fresh = kept
        self.mirrors[token] = fresh
        self.mirror_ids[id(fresh)] = token
        self.snapshots[token] = _fingerprint(fresh)
        return fresh

    def changed_mirrors(self) -> tuple[dict, list]:
        """The mirrors whose contents changed since they came over (encoded in full), and
        the tokens of those no student object holds any more (forgotten on both sides)."""
        changed, released = {}, []
        for token in list(self.mirrors):
            obj = self.mirrors[token]
            now = _fingerprint(obj)
            if now != self.snapshots[token]:
                self.snapshots[token] = now
                kind = type(obj)
                if kind is np.ndarray:
                    raw = base64.b64encode(np.ascontiguousarray(obj).tobytes()).decode()
                    changed[str(token)] = {"$nd": [obj.dtype.str, list(obj.shape), raw]}
                else:
                    bitgen = obj.bit_generator
                    changed[str(token)] = {
                        "$rng": [type(bitgen).__name__, self.encode(bitgen.state)]
                    }
            # Held only by this table, the local name and getrefcount's argument.
            if sys.getrefcount(obj) <= 3:
                del self.mirrors[token], self.snapshots[token]
                self.mirror_ids.pop(id(obj), None)
                released.append(token)
            del obj
        return changed, released


class _grader_float_rules:
    """Apply, for one call, the floating-point rules the check set on its side: NumPy's
    ``errstate`` and the warnings filters for built-in warning classes (a check that turns
    overflow into an error must see the student's overflow as one)."""

    def __init__(self, rules):
        self.rules = rules or {}

    def __enter__(self):
        self.saved_err = np.seterr(**self.rules["errstate"]) if "errstate" in self.rules else None
        self.saved_filters = list(warnings.filters)
        for action, category in reversed(self.rules.get("warnings", [])):
            cls = getattr(builtins, category, None)
            if isinstance(cls, type) and issubclass(cls, Warning):
                warnings.filterwarnings(action, category=cls)
        return self

    def __exit__(self, *exc):
        if self.saved_err is not None:
            np.seterr(**self.saved_err)
        warnings.filters[:] = self.saved_filters
        warnings._filters_mutated()
        return False


def _in_instance_dict(obj, name) -> bool:
    try:
        return name in object.__getattribute__(obj, "__dict__")
    except Exception:
        return False


def _fingerprint(obj) -> bytes:
    if type(obj) is np.ndarray:
        return obj.tobytes()
    return json.dumps(obj.bit_generator.state, sort_keys=True, default=str).encode()


def _type_name(obj) -> str:
    try:
        return type(obj).__name__
    except Exception:  # a hostile metaclass
        return "object"


def error_record(exc: BaseException) -> dict:
    """An exception as plain data: its type's name and message, capped."""
    try:
        message = str(exc)
    except Exception:
        message = "(the exception's message could not be read)"
    if len(message) > MAX_MESSAGE:
        message = message[:MAX_MESSAGE] + " ... (message cut)"
    return {
        "type": _type_name(exc)[:100],
        "module": str(getattr(type(exc), "__module__", ""))[:100],
        "message": message,
    }


class Channel:
    """One JSON document per line over a pair of private file descriptors."""

    def __init__(self, fd_in: int, fd_out: int):
        self.fin = os.fdopen(fd_in, "rb")
        self.fout = os.fdopen(fd_out, "wb")

    def send(self, message: dict) -> None:
        self.fout.write(json.dumps(message, allow_nan=False).encode() + b"\n")
        self.fout.flush()

    def receive(self) -> dict:
        line = self.fin.readline()
        if not line:
            raise EOFError("the grader closed the channel")
        return json.loads(line)


class JudgeObject(Remote):
    """Worker-side stand-in for an object of the grader's (a callback such as a gradient)."""

    _side = "judge"

    def __init__(self, worker, ref, info):
        object.__setattr__(self, "_worker", worker)
        object.__setattr__(self, "_ref", ref)
        object.__setattr__(self, "_info", info)

    def __call__(self, *args, **kwargs):
        return self._worker.callback(self._ref, "call", None, args, kwargs)

    def __getattr__(self, name):
        return self._worker.callback(self._ref, "getattr", name, (), {})

    def __repr__(self):
        return f"<grader's {self._info.get('type', 'object')}>"


class _NoIPython:
    """Cells are plain Python here: magics (``%matplotlib inline``, ``!ls``) do nothing."""

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


class Worker:
    def __init__(self, channel: Channel):
        self.channel = channel
        self.codec = Codec("worker", lambda ref, info: JudgeObject(self, ref, info))
        self.namespace = {
            "__name__": "__main__",
            "__builtins__": builtins,
            "get_ipython": lambda: _NoIPython(),
            # Jupyter's display(); nothing is shown here, and a cell calling it must not fail.
            "display": lambda *args, **kwargs: None,
        }

    # -- callbacks into the grader ------------------------------------------------------
    def callback(self, ref, action, name, args, kwargs):
        self.channel.send(
            {
                "op": "callback",
                "ref": ref,
                "action": action,
                "name": name,
                "args": self.codec.encode(list(args)),
                "kwargs": self.codec.encode(dict(kwargs)),
            }
        )
        reply = self.channel.receive()
        if "error" in reply:
            raise RuntimeError(
                f"the grader's {reply['error']['type']}: {reply['error']['message']}"
            )
        return self.codec.decode(reply["value"])

    # -- requests from the grader -------------------------------------------------------
    def serve(self) -> None:
        while True:
            try:
                request = self.channel.receive()
            except EOFError:
                return
            try:
                reply = getattr(self, "op_" + request["op"])(request)
            except BaseException as exc:  # noqa: BLE001 - whatever student code raises is data
                reply = {"error": error_record(exc)}
            try:
                self.channel.send(reply)
            except (TypeError, ValueError) as exc:
                self.channel.send({"error": error_record(exc)})

    def op_exec(self, request) -> dict:
        """Run one cell's code in the notebook's namespace."""
        code = compile(request["source"], request.get("name", "<cell>"), "exec")
        exec(code, self.namespace)
        return {"value": None}

    def op_names(self, request) -> dict:
        """The notebook's global names, as values or references (modules left out)."""
        out = {}
        for name, value in list(self.namespace.items()):
            if name.startswith("__") or type(value).__name__ == "module":
                continue
            out[name] = self.codec.encode(value)
        return {"value": out}

    def op_class_attributes(self, request) -> dict:
        """Class-level attributes of a class, along its MRO (what ``vars`` shows per class)."""
        cls = self.codec.objects[request["ref"]]
        attrs = {}
        for klass in reversed(type.__getattribute__(cls, "__mro__")[:-1]):
            for name, value in list(type.__getattribute__(klass, "__dict__").items()):
                if name.startswith("__"):
                    continue
                try:
                    attrs[name] = self.codec.encode(value)
                except Exception:
                    continue
        return {"value": attrs}

    def op_call(self, request) -> dict:
        target = self.codec.objects[request["ref"]]
        args = self.codec.decode(request["args"])
        kwargs = self.codec.decode(request["kwargs"])
        with _grader_float_rules(request.get("float_rules")):
            result = target(*args, **kwargs)
        return self._result(result, args, kwargs, request)

    def op_method(self, request) -> dict:
        target = self.codec.objects[request["ref"]]
        args = self.codec.decode(request["args"])
        kwargs = self.codec.decode(request["kwargs"])
        with _grader_float_rules(request.get("float_rules")):
            result = getattr(target, request["name"])(*args, **kwargs)
        return self._result(result, args, kwargs, request)

    def op_getattr(self, request) -> dict:
        target = self.codec.objects[request["ref"]]
        name = request["name"]
        value = getattr(target, name)
        # A method defined by the class: the grader calls it by name from now on (one round
        # trip per call, and the call sees whatever the attribute is at that time).
        method = callable(value) and not _in_instance_dict(target, name)
        return {"value": None if method else self.codec.encode(value), "method": method}

    def op_setattr(self, request) -> dict:
        setattr(
            self.codec.objects[request["ref"]], request["name"], self.codec.decode(request["value"])
        )
        return {"value": None}

    def op_globals(self, request) -> dict:
        """Read or change a name in a student function's module globals."""
        scope = self.codec.objects[request["ref"]].__globals__
        args = self.codec.decode(request["args"])
        name = request["name"]
        if name == "contains":
            value = args[0] in scope
        elif name == "getitem":
            value = scope[args[0]]
        elif name == "setitem":
            scope[args[0]] = args[1]
            value = None
        else:
            raise ValueError(f"unknown globals operation {name!r}")
        return {"value": self.codec.encode(value)}

    def op_special(self, request) -> dict:
        """len, bool, repr, str, iter (as a list), getitem, setitem, contains of an object."""
        target = self.codec.objects[request["ref"]]
        args = self.codec.decode(request["args"])
        name = request["name"]
        value = {
            "len": lambda: len(target),
            "bool": lambda: bool(target),
            "repr": lambda: repr(target)[:MAX_MESSAGE],
            "str": lambda: str(target)[:MAX_MESSAGE],
            "iter": lambda: list(target),
            "getitem": lambda: target[args[0]],
            "setitem": lambda: target.__setitem__(args[0], args[1]),
            "contains": lambda: args[0] in target,
            "float": lambda: float(target),
            "int": lambda: int(target),
            "index": lambda: target.__index__(),
            "array": lambda: np.asarray(target),
        }[name]()
        return {"value": self.codec.encode(value)}

    def _result(self, result, args, kwargs, request) -> dict:
        """The call's result, plus what became of the grader's arrays and generators that
        student code was given (now or before): their contents after the call, so in-place
        changes show on the grader's side. A result that *is* one of them goes back as a
        reference to it."""
        encoded = self.codec.encode(result)
        del args, kwargs, result
        changed, released = self.codec.changed_mirrors()
        return {"value": encoded, "after": changed, "released": released}


def _redirect_student_streams(output_path: str, max_bytes: int) -> None:
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    out = os.open(output_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(out, 1)
    os.dup2(out, 2)
    sys.stdin = open(0, closefd=False)  # noqa: SIM115
    sys.stdout = open(1, "w", buffering=1, closefd=False, errors="replace")  # noqa: SIM115
    sys.stderr = open(2, "w", buffering=1, closefd=False, errors="replace")  # noqa: SIM115


def _block_modules(names: list[str]) -> None:
    """Make ``import torch`` (etc.) fail for an assignment that must be written in NumPy."""
    if not names:
        return
    blocked = frozenset(names)

    class Blocked:
        @staticmethod
        def find_spec(fullname, path=None, target=None):
            if fullname.split(".")[0] in blocked:
                raise ModuleNotFoundError(
                    f"{fullname} is not available here: this assignment's code may not use "
                    "it (NumPy and the standard library are)",
                    name=fullname,
                )
            return None

    sys.meta_path.insert(0, Blocked)
    for name in list(sys.modules):
        if name.split(".")[0] in blocked:
            del sys.modules[name]


def main() -> None:
    settings = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    fd_in, fd_out = os.dup(0), os.dup(1)
    os.set_inheritable(fd_in, False)
    os.set_inheritable(fd_out, False)
    channel = Channel(fd_in, fd_out)
    scratch = settings.get("scratch", os.getcwd())
    _redirect_student_streams(os.path.join(scratch, "output.txt"), settings.get("max_output", 0))
    os.chdir(scratch)
    # A notebook's working folder is not on the import path here: nothing handed in beside it
    # (a numpy.py, say) could shadow a real module, and this script's folder is not either.
    sys.path[:] = [p for p in sys.path if p and os.path.abspath(p) != os.path.dirname(__file__)]
    sys.path.extend(settings.get("extra_path", []))
    _block_modules(settings.get("blocked_modules", []))
    os.environ["MPLBACKEND"] = "Agg"  # student cells may plot; there is no screen in here
    worker = Worker(channel)
    channel.send({"ready": True, "pid": os.getpid()})
    try:
        worker.serve()
    except Exception:
        channel.send(
            {"error": {"type": "WorkerError", "message": traceback.format_exc()[-MAX_MESSAGE:]}}
        )


if __name__ == "__main__":
    main()
