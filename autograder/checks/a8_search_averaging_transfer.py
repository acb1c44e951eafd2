"""Trusted checks for assignment A8 (search, averaging, ensembles, transfer).

The hidden tests of ``solutions/a8_search_averaging_transfer/a8_search_averaging_transfer.ipynb``
call the ``check_*`` functions below with the student's function or class. Each check compares
with an independent oracle where one exists (a twin ``numpy.random.Generator`` replaying the
specified draws, ``itertools.product``, ``torch.optim.swa_utils.AveragedModel``,
``torch.softmax``, ``torch.optim.Adam``, a reference training loop) and checks the contract
(inputs left unmodified, exact boundaries and ties, dtypes, devices). On the first problem it
raises ``AssertionError`` with a message that says what went wrong and, when the student's
numbers coincide with a known mistake (simulated by small private mutants in this module),
names that mistake. PyTorch checks run on CPU and, when ``torch.cuda.is_available()``, again on
CUDA.

Public checks (one per hidden test cell):

``check_log_uniform``, ``check_random_search_draws``, ``check_random_search_history_and_ties``,
``check_grid_search``, ``check_near_boundary``, ``check_ema_matches_torch``,
``check_ema_copies_and_leaves_inputs``, ``check_ensemble_predict_proba``,
``check_scratch_adam_matches_torch``, ``check_scratch_adam_groups_and_state``,
``check_scratch_adam_does_not_delegate``, ``check_train_one_epoch_matches_reference``,
``check_train_one_epoch_train_mode_and_zero_grad``, ``check_freeze_except``,
``check_replace_head``.

Messages never show the reference implementation; they quote the formulas only in words.
"""

from __future__ import annotations

import inspect
import itertools
import math
from collections.abc import Callable
from contextlib import contextmanager

import numpy as np
import torch
from torch import nn

__all__ = [
    "check_ema_copies_and_leaves_inputs",
    "check_ema_matches_torch",
    "check_ensemble_predict_proba",
    "check_freeze_except",
    "check_grid_search",
    "check_log_uniform",
    "check_near_boundary",
    "check_random_search_draws",
    "check_random_search_history_and_ties",
    "check_replace_head",
    "check_scratch_adam_does_not_delegate",
    "check_scratch_adam_groups_and_state",
    "check_scratch_adam_matches_torch",
    "check_train_one_epoch_matches_reference",
    "check_train_one_epoch_train_mode_and_zero_grad",
]

ADAM_RTOL = {torch.float64: 1e-12, torch.float32: 1e-5}
"""Relative tolerance of ScratchAdam against torch.optim.Adam, per dtype (as the syllabus)."""
ADAM_ATOL = {torch.float64: 1e-14, torch.float32: 1e-6}
"""Absolute floor of that comparison (for parameters near 0)."""


# --------------------------------------------------------------------------------------
# Calling the student's code
# --------------------------------------------------------------------------------------


def _short(exc: BaseException, limit: int = 400) -> str:
    text = str(exc)
    return text if len(text) <= limit else text[:limit] + " ..."


def _guarded(what: str, call: str, fn: Callable, *args, **kwargs):
    """Call ``fn``; turn an exception into an AssertionError that names the call."""
    try:
        return fn(*args, **kwargs)
    except NotImplementedError as exc:
        raise AssertionError(
            f"{what} is not implemented yet: {call} raised NotImplementedError. Replace the "
            "`raise NotImplementedError()` lines of the solution cell with your code."
        ) from exc
    except AssertionError:
        raise
    except Exception as exc:
        raise AssertionError(f"{call} raised {type(exc).__name__}: {_short(exc)}") from exc


def _devices() -> list[str]:
    """CPU always; CUDA too when present."""
    return ["cpu", "cuda"] if torch.cuda.is_available() else ["cpu"]


def _on(device: str) -> str:
    return "" if device == "cpu" else f" (on {device})"


def _close(a, b, rtol: float, atol: float = 0.0) -> bool:
    """Elementwise |a - b| <= atol + rtol |b| (NaN never close)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return False
    with np.errstate(all="ignore"):
        return bool(np.all(np.abs(a - b) <= atol + rtol * np.abs(b)))


# --------------------------------------------------------------------------------------
# 1. log_uniform
# --------------------------------------------------------------------------------------


def _log_uniform_mutant(mistake: str, low, high, size, rng):
    if mistake == "ln_bounds_pow10":
        return 10 ** rng.uniform(np.log(low), np.log(high), size)
    if mistake == "log10_bounds_exp":
        return np.exp(rng.uniform(np.log10(low), np.log10(high), size))
    if mistake == "raw_uniform":
        return rng.uniform(low, high, size)
    raise KeyError(mistake)


_LOG_UNIFORM_DIAGNOSES = {
    "ln_bounds_pow10": (
        "natural logarithm mixed with base 10: the exponent was drawn between np.log(low) and "
        "np.log(high) (natural log) but raised as 10 ** u; draw between np.log10(low) and "
        "np.log10(high) and return 10 ** u."
    ),
    "log10_bounds_exp": (
        "base mixed up: the exponent was drawn between log10(low) and log10(high), so the "
        "power must be 10 ** u, not np.exp(u) (natural exp)."
    ),
    "raw_uniform": (
        "this is a uniform draw on the raw values: a log-uniform draw is uniform in the "
        "exponent, u = rng.uniform(log10(low), log10(high), size), and returns 10 ** u."
    ),
}


def _log_uniform_reference(low, high, size, rng):
    return 10 ** rng.uniform(np.log10(low), np.log10(high), size)


def check_log_uniform(log_uniform: Callable) -> None:
    """Exactly one draw ``rng.uniform(log10(low), log10(high), size)``, raised as 10 ** u."""
    cases = [
        (1e-5, 1e-1, None, 1),
        (1e-3, 1.0, 7, 2),
        (0.5, 2.0, (3, 4), 3),
        (1e-8, 1e-2, (2, 1, 3), 4),
        (2.0, 3.0, None, 5),
        (1e-4, 10.0, (1,), 6),
    ]
    for low, high, size, seed in cases:
        call = f"log_uniform({low!r}, {high!r}, {size!r}, rng)"
        rng, twin = np.random.default_rng(seed), np.random.default_rng(seed)
        out = _guarded("log_uniform", call, log_uniform, low, high, size, rng)
        expected = _log_uniform_reference(low, high, size, twin)
        if size is None:
            if isinstance(out, np.ndarray) or not isinstance(out, (float, np.floating)):
                raise AssertionError(
                    f"{call} returned {type(out).__name__} {out!r}: with size=None it must return "
                    "a single float (rng.uniform(a, b, None) gives a float)."
                )
        else:
            if not isinstance(out, np.ndarray) or out.shape != expected.shape:
                raise AssertionError(
                    f"{call} returned {type(out).__name__} of shape {getattr(out, 'shape', None)};"
                    f" expected an array of shape {expected.shape} (pass size to rng.uniform)."
                )
        if rng.bit_generator.state != twin.bit_generator.state:
            raise AssertionError(
                f"{call} left the generator in another state than one call "
                f"rng.uniform(log10(low), log10(high), size): draw exactly once, with size, "
                "and no other random call."
            )
        if not _close(out, expected, rtol=1e-12):
            for key, text in _LOG_UNIFORM_DIAGNOSES.items():
                mutant = _log_uniform_mutant(key, low, high, size, np.random.default_rng(seed))
                if _close(out, mutant, rtol=1e-12):
                    raise AssertionError(f"{call}: {text}")
            raise AssertionError(
                f"{call} gave {np.asarray(out).ravel()[:4]} but the twin generator's draw "
                f"10 ** rng.uniform(log10(low), log10(high), size) is "
                f"{np.asarray(expected).ravel()[:4]}."
            )


# --------------------------------------------------------------------------------------
# 2. random_search and 3. grid_search
# --------------------------------------------------------------------------------------


def _draw(name, spec, rng, log_fn, mistakes):
    kind = spec[0]
    if kind == "log":
        if "log_raw" in mistakes:
            return rng.uniform(spec[1], spec[2])
        return log_fn(spec[1], spec[2], None, rng)
    if kind == "uniform":
        return rng.uniform(spec[1], spec[2])
    options = spec[1]
    if "choice_python_random" in mistakes:
        return options[int(rng.integers(0, len(options) - 1, endpoint=True))]
    return options[rng.integers(len(options))]


def _search_mutant(objective, space, n_trials, rng, log_fn=None, mistakes=()):
    """Random search with optional known mistakes (no mistakes: the contract)."""
    log_fn = log_fn or _log_uniform_reference
    order = list(space)
    if "order_grouped" in mistakes:
        rank = {"log": 0, "uniform": 1, "choice": 2}
        order = sorted(order, key=lambda n: rank[space[n][0]])
    elif "order_reversed" in mistakes:
        order = order[::-1]
    best, best_score, history = None, math.inf, []
    for _ in range(n_trials):
        drawn = {name: _draw(name, space[name], rng, log_fn, mistakes) for name in order}
        params = {name: drawn[name] for name in space}
        score = objective(params)
        history.append((params, score))
        better = score <= best_score if "ties_last" in mistakes else score < best_score
        if best is None or better:
            best, best_score = params, score
    return best, best_score, history


_SEARCH_DIAGNOSES = {
    "log_raw": (
        'a ("log", low, high) entry was drawn with rng.uniform(low, high) on the raw values: '
        "use log_uniform(low, high, None, rng), uniform in log10."
    ),
    "order_grouped": (
        "the draws are not in the dict's order: you drew the names grouped by kind (log "
        "first, then uniform, then choice); draw each trial's names in the order of "
        "space.items()."
    ),
    "order_reversed": (
        "the draws are in reversed order: draw each trial's names in the order of space.items()."
    ),
}


def _score_of(params: dict) -> float:
    """A deterministic objective of mixed-type params."""
    total = 0.0
    for name, value in params.items():
        if isinstance(value, str):
            total += 0.1 * len(value) + 0.01 * len(name)
        else:
            total += math.sin(3.0 * float(value) + len(name))
    return total


_SPACES = [
    {
        "momentum": ("uniform", 0.5, 0.99),
        "lr": ("log", 1e-5, 1e-1),
        "act": ("choice", ["relu", "tanh", "gelu"]),
        "wd": ("log", 1e-6, 1e-2),
        "dropout": ("uniform", 0.0, 0.5),
    },
    {"layers": ("choice", [1, 2, 3, 4]), "lr": ("log", 1e-4, 1.0)},
    {"x": ("uniform", -2.0, 3.0)},
    {
        "width": ("choice", [16, 32, 64, 128, 256]),
        "lr": ("log", 1e-3, 1e-1),
        "seed": ("choice", [0]),
    },
]


def _check_search_result(call: str, out, n_trials: int):
    if not isinstance(out, tuple) or len(out) != 3:
        raise AssertionError(
            f"{call} returned {type(out).__name__}: return a tuple (best_params, best_score, "
            "history)."
        )
    best, score, history = out
    if not isinstance(history, list) or len(history) != n_trials:
        raise AssertionError(
            f"{call}: history must be a list with one (params, score) per trial ({n_trials}), "
            f"got {type(history).__name__} of length {len(history) if hasattr(history, '__len__') else '?'}."
        )
    for i, item in enumerate(history):
        if not (isinstance(item, (tuple, list)) and len(item) == 2 and isinstance(item[0], dict)):
            raise AssertionError(
                f"{call}: history[{i}] is {item!r}; each entry is a pair (params dict, score)."
            )
    return best, score, history


def _same_value(got, expected) -> bool:
    if isinstance(expected, (float, np.floating)) and not isinstance(got, str):
        try:
            return _close(float(got), float(expected), rtol=1e-12)
        except (TypeError, ValueError):
            return False
    return bool(got == expected) and type(got) is type(expected)


def _same_trials(got_history, expected_history) -> tuple[int, str] | None:
    """(trial, name) of the first differing drawn value, or None."""
    for t, ((gp, _), (ep, _)) in enumerate(zip(got_history, expected_history, strict=True)):
        if list(gp) != list(ep):
            return t, f"keys {list(gp)} instead of {list(ep)}"
        for name in ep:
            if not _same_value(gp[name], ep[name]):
                return t, name
    return None


def check_random_search_draws(random_search: Callable) -> None:
    """Replays every case with a twin generator: same values, same final generator state."""
    student_log = getattr(random_search, "__globals__", {}).get("log_uniform")
    for case, (space, n_trials) in enumerate(zip(_SPACES, (12, 7, 5, 9), strict=True)):
        seed = 100 + case
        call = f"random_search(objective, space, {n_trials}, rng) with space = {space}"
        rng = np.random.default_rng(seed)
        out = _guarded("random_search", call, random_search, _score_of, space, n_trials, rng)
        _, _, history = _check_search_result(call, out, n_trials)
        expected = _search_mutant(_score_of, space, n_trials, twin := np.random.default_rng(seed))
        diff = _same_trials(history, expected[2])
        if diff is not None and callable(student_log):
            # A wrong log_uniform loses its own points; replay with it to judge the search alone.
            try:
                twin = np.random.default_rng(seed)
                alt = _search_mutant(_score_of, space, n_trials, twin, log_fn=student_log)
                if _same_trials(history, alt[2]) is None:
                    diff = None
                else:
                    twin = np.random.default_rng(seed)
                    _search_mutant(_score_of, space, n_trials, twin)
            except Exception:
                twin = np.random.default_rng(seed)
                _search_mutant(_score_of, space, n_trials, twin)
        if diff is not None:
            for key, text in _SEARCH_DIAGNOSES.items():
                mutant = _search_mutant(
                    _score_of, space, n_trials, np.random.default_rng(seed), mistakes=(key,)
                )
                if _same_trials(history, mutant[2]) is None:
                    raise AssertionError(f"{call}: {text}")
            t, name = diff
            got_v = history[t][0].get(name, "<missing>") if name in space else ""
            exp_v = expected[2][t][0].get(name, "") if name in space else ""
            raise AssertionError(
                f"{call}: trial {t} ({'trials 0 to ' + str(t - 1) + ' matched' if t else 'the first trial'})"
                f" differs from the twin generator at {name!r}: expected {exp_v!r}, got {got_v!r}. "
                "Each trial draws the names in the dict's order: log -> log_uniform(low, high, "
                "None, rng), uniform -> rng.uniform(low, high), choice -> "
                "options[rng.integers(len(options))]."
            )
        if rng.bit_generator.state != twin.bit_generator.state:
            raise AssertionError(
                f"{call}: every drawn value matches, but the generator ends in another state: "
                "your search draws random numbers besides the one draw per name and trial."
            )


class _Recorder:
    """An objective that records each call and returns scores from a list."""

    def __init__(self, scores=None):
        self.scores = scores
        self.calls: list[dict] = []
        self.objects: list[dict] = []

    def __call__(self, params):
        self.objects.append(params)
        self.calls.append(dict(params))
        if self.scores is None:
            return _score_of(params)
        return self.scores[len(self.calls) - 1]


def _check_history_and_best(what: str, call: str, out, recorder: _Recorder, n: int) -> None:
    best, score, history = _check_search_result(call, out, n)
    if len(recorder.calls) != n:
        raise AssertionError(
            f"{call} called the objective {len(recorder.calls)} times for {n} trials: call it "
            "exactly once per trial and keep the score (do not call it again to find the best)."
        )
    if len({id(p) for p in recorder.objects}) != n:
        raise AssertionError(
            f"{call} passed the same dict object to the objective in several trials: build a "
            "new params dict for each trial (else history holds n references to one dict)."
        )
    for i, ((params, s), seen) in enumerate(zip(history, recorder.calls, strict=True)):
        if params != seen:
            raise AssertionError(
                f"{call}: history[{i}][0] is {params}, but the objective was called with {seen} "
                "in that trial; record each trial's own params (a new dict per trial)."
            )
        expected_score = recorder.scores[i] if recorder.scores else _score_of(seen)
        if s != expected_score:
            raise AssertionError(
                f"{call}: history[{i}][1] is {s!r}, but the objective returned {expected_score!r}."
            )
    scores = [s for _, s in history]
    first = scores.index(min(scores))
    if score != scores[first] or best != recorder.calls[first]:
        last = len(scores) - 1 - scores[::-1].index(min(scores))
        if last != first and best == recorder.calls[last]:
            raise AssertionError(
                f"{call}: with scores {scores} the best is trial {first} (the first with the "
                f"smallest score), but you returned trial {last}: ties go to the first best; "
                "replace the best only when a score is strictly smaller (<, not <=)."
            )
        raise AssertionError(
            f"{call}: returned best ({best}, {score!r}); expected trial {first}: "
            f"({recorder.calls[first]}, {scores[first]!r}), the first trial with the smallest "
            f"score. Scores were {scores}."
        )


def check_random_search_history_and_ties(random_search: Callable) -> None:
    """One objective call per trial with a new dict; history in order; first best on ties."""
    space = _SPACES[0]
    for n, scores in [(9, None), (6, [3.0, 1.0, 2.0, 1.0, 1.0, 5.0]), (4, [2.0, 2.0, 2.0, 2.0])]:
        rec = _Recorder(scores)
        call = f"random_search(objective, space, {n}, rng) (objective scores {scores or 'varied'})"
        out = _guarded(
            "random_search", call, random_search, rec, space, n, np.random.default_rng(n)
        )
        _check_history_and_best("random_search", call, out, rec, n)
    rec = _Recorder()
    call = "random_search(objective, space, 0, rng)"
    out = _guarded("random_search", call, random_search, rec, space, 0, np.random.default_rng(0))
    if not (isinstance(out, tuple) and len(out) == 3 and out[0] is None and out[2] == []):
        raise AssertionError(f"{call} returned {out!r}; with no trial return (None, inf, []).")
    if not (isinstance(out[1], float) and math.isinf(out[1]) and out[1] > 0):
        raise AssertionError(
            f"{call} returned best_score {out[1]!r}; with no trial it is math.inf."
        )


def check_grid_search(grid_search: Callable) -> None:
    """itertools.product order on random grids, one call per new dict, first best on ties."""
    rng = np.random.default_rng(8)
    grids = [
        {"lr": [0.1, 0.01], "wd": [0.0, 1e-4, 1e-3]},
        {"act": ["relu", "tanh"], "width": [16, 32, 64], "lr": [1e-3, 1e-2]},
        {"only": [3, 1, 2]},
        {
            f"h{i}": [round(float(v), 3) for v in rng.uniform(0, 1, size=int(rng.integers(1, 4)))]
            for i in range(4)
        },
    ]
    for grid in grids:
        names = list(grid)
        combos = [dict(zip(names, vals, strict=True)) for vals in itertools.product(*grid.values())]
        n = len(combos)
        for scores in (None, [1.0] * n, [float((i * 7) % 3) for i in range(n)]):
            rec = _Recorder(scores)
            call = f"grid_search(objective, {grid})"
            out = _guarded("grid_search", call, grid_search, rec, grid)
            _, _, history = _check_search_result(call, out, n)
            got = [p for p, _ in history]
            if got != combos:
                reversed_order = [
                    dict(zip(names, vals[::-1], strict=True))
                    for vals in itertools.product(*[grid[k] for k in names[::-1]])
                ]
                if got == reversed_order:
                    raise AssertionError(
                        f"{call}: the trials are in the wrong order: the first name varies "
                        f"fastest in yours, but itertools.product(*grid.values()) varies the "
                        f"last name fastest: expected {combos[:3]} ..., got {got[:3]} ..."
                    )
                raise AssertionError(
                    f"{call}: expected the trials in itertools.product order {combos}, got {got}."
                )
            _check_history_and_best("grid_search", call, out, rec, n)
    call = "grid_search(objective, {'a': [1, 2], 'b': []})"
    out = _guarded("grid_search", call, grid_search, _Recorder(), {"a": [1, 2], "b": []})
    if not (isinstance(out, tuple) and len(out) == 3 and out[0] is None and out[2] == []):
        raise AssertionError(
            f"{call} returned {out!r}; an empty list of values means no combination at all: "
            "(None, inf, [])."
        )


# --------------------------------------------------------------------------------------
# 4. near_boundary
# --------------------------------------------------------------------------------------

# (value, low, high, kwargs, expected, why)
_BOUNDARY_CASES = [
    (0.25, 0.0, 1.0, {"log": False, "frac": 0.25}, True, "u == frac exactly (inclusive)"),
    (0.75, 0.0, 1.0, {"log": False, "frac": 0.25}, True, "u == 1 - frac exactly (inclusive)"),
    (0.5, 0.0, 1.0, {"log": False, "frac": 0.25}, False, "u = 0.5, in the middle"),
    (0.2501, 0.0, 1.0, {"log": False, "frac": 0.25}, False, "u just above frac"),
    (3.0, 1.0, 11.0, {"log": False, "frac": 0.2}, True, "u == frac exactly on raw values"),
    (1e-3, 1e-4, 1.0, {"frac": 0.25}, True, "log10 positions: u == 0.25 == frac exactly"),
    (1e-1, 1e-4, 1.0, {"frac": 0.25}, True, "log10 positions: u == 0.75 == 1 - frac exactly"),
    (1e-2, 1e-4, 1.0, {"frac": 0.25}, False, "log10 positions: u = 0.5 (raw values give 0.0099)"),
    (0.5, 1e-4, 1.0, {}, True, "log10 positions: u = 0.92 >= 0.9 (raw values give 0.5)"),
    (1e-3, 1e-5, 1e-1, {}, False, "log10 positions: u = 0.5"),
    (2e-5, 1e-5, 1e-1, {}, True, "log10 positions: u = 0.075 <= 0.1 (default frac)"),
    (2.0, 0.0, 1.0, {"log": False}, True, "above the range (u = 2)"),
    (-1.0, 0.0, 1.0, {"log": False}, True, "below the range (u = -1)"),
    (1e-6, 1e-4, 1.0, {}, True, "below the range on a log scale (u = -0.5)"),
    (10.0, 1e-4, 1.0, {}, True, "above the range on a log scale (u = 1.25)"),
]


def _boundary_mutant(mistake: str, value, low, high, log=True, frac=0.1):
    if log and mistake != "raw_when_log":
        value, low, high = np.log10(value), np.log10(low), np.log10(high)
    u = (value - low) / (high - low)
    if mistake == "strict":
        return bool(u < frac or u > 1 - frac)
    if mistake == "outside_false":
        return bool(0 <= u <= 1 and (u <= frac or u >= 1 - frac))
    return bool(u <= frac or u >= 1 - frac)


_BOUNDARY_DIAGNOSES = {
    "strict": (
        "strict inequalities: the edges are inclusive, near means u <= frac or u >= 1 - frac "
        "(a value exactly at u == frac is near)."
    ),
    "raw_when_log": (
        "with log=True the position must be computed on log10 values: "
        "u = (log10 v - log10 l) / (log10 h - log10 l); you used the raw values."
    ),
    "outside_false": (
        "values outside [low, high] must count as near the boundary (u < 0 or u > 1 is "
        "beyond an edge): the search range should be widened."
    ),
}


def check_near_boundary(near_boundary: Callable) -> None:
    """Inclusive edges, log10 positions when log=True, values outside the range, bool result."""
    answers = []
    for value, low, high, kwargs, _, _ in _BOUNDARY_CASES:
        extra = "".join(f", {k}={v!r}" for k, v in kwargs.items())
        call = f"near_boundary({value!r}, {low!r}, {high!r}{extra})"
        out = _guarded("near_boundary", call, near_boundary, value, low, high, **kwargs)
        if not isinstance(out, (bool, np.bool_)):
            raise AssertionError(f"{call} returned {type(out).__name__} {out!r}; return a bool.")
        answers.append(bool(out))
    expected = [case[4] for case in _BOUNDARY_CASES]
    if answers == expected:
        return
    for key, text in _BOUNDARY_DIAGNOSES.items():
        mutant = [_boundary_mutant(key, v, lo, hi, **kw) for v, lo, hi, kw, _, _ in _BOUNDARY_CASES]
        if answers == mutant:
            raise AssertionError(text)
    i = next(i for i, (a, e) in enumerate(zip(answers, expected, strict=True)) if a != e)
    value, low, high, kwargs, exp, why = _BOUNDARY_CASES[i]
    extra = "".join(f", {k}={v!r}" for k, v in kwargs.items())
    raise AssertionError(
        f"near_boundary({value!r}, {low!r}, {high!r}{extra}) returned {answers[i]}, expected "
        f"{exp}: {why}."
    )


# --------------------------------------------------------------------------------------
# 5. EMA
# --------------------------------------------------------------------------------------


class _Holder(nn.Module):
    """A module whose parameters mirror a dict of arrays."""

    def __init__(self, arrays: dict[str, np.ndarray]):
        super().__init__()
        for name, a in arrays.items():
            self.register_parameter(name, nn.Parameter(torch.tensor(a, dtype=torch.float64)))


def _ema_mutant(mistake: str, decay: float, sequence):
    avg = None
    for params in sequence:
        if avg is None and mistake != "zeros_start":
            avg = {k: v.copy() for k, v in params.items()}
            continue
        if avg is None:
            avg = {k: np.zeros_like(v) for k, v in params.items()}
        d = 1 - decay if mistake == "decay_swapped" else decay
        avg = {k: d * avg[k] + (1 - d) * params[k] for k in params}
    return avg


_EMA_DIAGNOSES = {
    "zeros_start": (
        "the average starts at zeros: the first update must copy the parameters "
        "(torch's AveragedModel starts from the model's weights), later ones average."
    ),
    "decay_swapped": (
        "decay and 1 - decay swapped: the old average keeps the weight decay, "
        "avg = decay * avg + (1 - decay) * p (decay=0.99 changes the average slowly)."
    ),
}


def _ema_sequence(seed: int, shapes: dict[str, tuple], n: int) -> list[dict[str, np.ndarray]]:
    rng = np.random.default_rng(seed)
    current = {k: np.array(rng.standard_normal(s)) for k, s in shapes.items()}
    out = []
    for _ in range(n):
        current = {k: np.array(v + 0.3 * rng.standard_normal(v.shape)) for k, v in current.items()}
        out.append({k: v.copy() for k, v in current.items()})
    return out


def _average_of(ema, call: str) -> dict:
    avg = getattr(ema, "average", None)
    if not isinstance(avg, dict):
        raise AssertionError(
            f"after {call}, EMA.average is {type(avg).__name__}; it must be a dict name -> array."
        )
    return avg


def check_ema_matches_torch(EMA) -> None:  # noqa: N803 - the class under test
    """30 updates against AveragedModel(multi_avg_fn=get_ema_multi_avg_fn(decay))."""
    from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

    shapes = {"weight": (3, 4), "bias": (4,), "scale": ()}
    for decay, seed in [(0.9, 1), (0.5, 2), (0.99, 3)]:
        sequence = _ema_sequence(seed, shapes, 30)
        module = _Holder(sequence[0])
        averaged = AveragedModel(module, multi_avg_fn=get_ema_multi_avg_fn(decay))
        ema = _guarded("EMA", f"EMA({decay})", EMA, decay)
        for t, params in enumerate(sequence, 1):
            with torch.no_grad():
                for name, p in module.named_parameters():
                    p.copy_(torch.from_numpy(params[name]))
            averaged.update_parameters(module)
            call = f"EMA({decay}).update(params) at update {t}"
            _guarded("EMA", call, ema.update, {k: v.copy() for k, v in params.items()})
            avg = _average_of(ema, call)
            if set(avg) != set(shapes):
                raise AssertionError(
                    f"after {call}, average has keys {sorted(avg)}; expected {sorted(shapes)}."
                )
            expected = {n: p.detach().numpy() for n, p in averaged.module.named_parameters()}
            for name, exp in expected.items():
                if not _close(avg[name], exp, rtol=1e-10, atol=1e-12):
                    for key, text in _EMA_DIAGNOSES.items():
                        mutant = _ema_mutant(key, decay, sequence[:t])
                        if all(_close(avg[k], mutant[k], 1e-10, 1e-12) for k in mutant):
                            raise AssertionError(f"{call}: {text}")
                    raise AssertionError(
                        f"after {call}, average[{name!r}] differs from torch's AveragedModel "
                        f"with get_ema_multi_avg_fn({decay}): expected "
                        f"{np.ravel(exp)[:4]}, got {np.ravel(np.asarray(avg[name]))[:4]}."
                    )


def check_ema_copies_and_leaves_inputs(EMA) -> None:  # noqa: N803 - the class under test
    """The average is the EMA's own copy; update leaves its inputs unmodified."""
    sequence = _ema_sequence(7, {"w": (2, 3), "b": (3,)}, 3)
    inputs = [{k: v.copy() for k, v in p.items()} for p in sequence]
    ema = _guarded("EMA", "EMA(0.9)", EMA, 0.9)
    for t, params in enumerate(inputs, 1):
        call = f"EMA(0.9).update(params) at update {t}"
        _guarded("EMA", call, ema.update, params)
        for s, (given, original) in enumerate(zip(inputs[:t], sequence[:t], strict=True), 1):
            for name in original:
                if not np.array_equal(given[name], original[name]):
                    later = "" if s == t else f" (the arrays passed at update {s})"
                    raise AssertionError(
                        f"{call} modified params[{name!r}]{later}: update must leave its inputs "
                        "unmodified; keep a copy as the average instead of the caller's arrays."
                    )
        avg = _average_of(ema, call)
        snapshot = {k: np.array(v, dtype=np.float64, copy=True) for k, v in avg.items()}
        for name, arr in params.items():
            if name in avg and np.shares_memory(np.asarray(avg[name]), arr):
                raise AssertionError(
                    f"after {call}, average[{name!r}] shares memory with params[{name!r}]: the "
                    "average must be a copy (np.array(p) or p.copy()), not the caller's array; "
                    "training changes the weights in place, and your average would change too."
                )
            arr += 100.0  # what an in-place optimizer step does to the model's weights
        changed = [k for k in avg if not np.array_equal(np.asarray(avg[k]), snapshot[k])]
        if changed:
            raise AssertionError(
                f"after {call}, changing the caller's arrays in place changed average{changed}: "
                "the average must be the EMA's own copy, not a view of the inputs."
            )
        for name in params:  # give back the caller's values for the next update
            params[name][...] = sequence[t - 1][name]


# --------------------------------------------------------------------------------------
# 6. ensemble_predict_proba
# --------------------------------------------------------------------------------------


def _softmax(z, axis=-1):
    z = z - z.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


_ENSEMBLE_MUTANTS = {
    "mean_logits": (
        lambda ls: _softmax(np.mean(ls, axis=0)),
        "you averaged the logits and took one softmax: an ensemble averages the models' "
        "probabilities, mean over models of softmax(logits) (softmax of the mean logits is "
        "another, overconfident combination).",
    ),
    "wrong_axis": (
        lambda ls: np.mean([_softmax(z, axis=0) for z in ls], axis=0),
        "the softmax is taken over the examples (axis 0): normalize over the classes, the last "
        "axis, so that each row sums to 1.",
    ),
}


def check_ensemble_predict_proba(ensemble_predict_proba: Callable) -> None:
    """Mean of torch.softmax over models; rows sum to 1; stable for logits of size 1e4."""
    rng = np.random.default_rng(11)
    cases = [(1, 4, 3, 1.0), (3, 5, 4, 2.0), (5, 2, 6, 3.0), (2, 7, 2, 1.0), (4, 3, 5, 1e4)]
    for m, n, k, scale in cases:
        logits = [scale * rng.standard_normal((n, k)) for _ in range(m)]
        if scale == 1e4:
            logits[0][0] = [1e4, -1e4, 0.0, 5e3, 1e4 - 1][:k]
        originals = [z.copy() for z in logits]
        call = f"ensemble_predict_proba(list of {m} arrays of shape ({n}, {k}))"
        if scale != 1.0:
            call += f" with logits of size up to {scale:g}"
        with np.errstate(all="ignore"):
            out = _guarded("ensemble_predict_proba", call, ensemble_predict_proba, logits)
        if any(not np.array_equal(a, b) for a, b in zip(logits, originals, strict=True)):
            raise AssertionError(f"{call} modified the logits it was given; leave them unchanged.")
        expected = torch.softmax(torch.tensor(np.stack(originals)), dim=-1).mean(0).numpy()
        if not isinstance(out, np.ndarray) or out.shape != (n, k):
            raise AssertionError(
                f"{call} returned {type(out).__name__} of shape {getattr(out, 'shape', None)}; "
                f"expected an array of shape ({n}, {k})."
            )
        if not np.all(np.isfinite(out)):
            raise AssertionError(
                f"{call} returned non-finite values (nan/inf): np.exp overflows for large logits; "
                "subtract each row's maximum before exponentiating (softmax is unchanged)."
            )
        if _close(out, expected, rtol=1e-10, atol=1e-13):
            continue
        for fn, text in _ENSEMBLE_MUTANTS.values():
            if _close(out, fn(originals), rtol=1e-10, atol=1e-13):
                raise AssertionError(f"{call}: {text}")
        sums = out.sum(axis=1)
        if not np.allclose(sums, 1.0, atol=1e-10):
            raise AssertionError(f"{call}: rows must sum to 1, they sum to {sums}.")
        raise AssertionError(
            f"{call} differs from the mean over models of torch.softmax(logits, dim=-1): "
            f"expected row 0 = {expected[0]}, got {out[0]}."
        )


# --------------------------------------------------------------------------------------
# 7. ScratchAdam
# --------------------------------------------------------------------------------------


class _AdamMutant(torch.optim.Optimizer):
    """Adam with known mistakes (used for diagnoses only)."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, **kw):
        self.mistakes = frozenset(kw.pop("mistakes", ()))
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay}
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            b1, b2 = group["betas"]
            lr, eps, wd = group["lr"], group["eps"], group["weight_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad
                if wd and "decoupled_wd" not in self.mistakes:
                    g = g + wd * p
                st = self.state[p]
                if not st:
                    st.update(t=0, m=torch.zeros_like(p), v=torch.zeros_like(p))
                st["t"] += 1
                t = st["t"]
                st["m"] = b1 * st["m"] + (1 - b1) * g
                st["v"] = b2 * st["v"] + (1 - b2) * g * g
                if "no_bias_correction" in self.mistakes:
                    m_hat, v_hat = st["m"], st["v"]
                else:
                    m_hat, v_hat = st["m"] / (1 - b1**t), st["v"] / (1 - b2**t)
                if "eps_inside_sqrt" in self.mistakes:
                    denom = (v_hat + eps).sqrt()
                else:
                    denom = v_hat.sqrt() + eps
                if wd and "decoupled_wd" in self.mistakes:
                    p.mul_(1 - lr * wd)
                p.sub_(lr * m_hat / denom)


_ADAM_DIAGNOSES = {
    "no_bias_correction": (
        "missing bias correction: divide m by (1 - beta1 ** t) and v by (1 - beta2 ** t) "
        "before using them; both averages start at 0 and are far too small at early steps."
    ),
    "eps_inside_sqrt": (
        "epsilon inside the square root: torch.optim.Adam divides by sqrt(v_hat) + eps, "
        "not by sqrt(v_hat + eps)."
    ),
    "decoupled_wd": (
        "weight decay decoupled (that is AdamW): torch.optim.Adam adds weight_decay * p to the "
        "gradient (L2) before updating m and v."
    ),
}


def _make_mlp(dtype, device, seed: int) -> nn.Module:
    torch.manual_seed(seed)
    # two 8 -> 8 layers: parameters of equal shapes must still keep separate state
    return nn.Sequential(
        nn.Linear(4, 8),
        nn.Tanh(),
        nn.Linear(8, 8),
        nn.Tanh(),
        nn.Linear(8, 8),
        nn.Tanh(),
        nn.Linear(8, 3),
    ).to(dtype=dtype, device=device)


def _batch(dtype, device, seed: int, n: int = 16):
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 4, generator=gen, dtype=torch.float64)
    y = torch.randn(n, 3, generator=gen, dtype=torch.float64)
    return x.to(dtype=dtype, device=device), y.to(dtype=dtype, device=device)


def _snapshot(model: nn.Module) -> list[np.ndarray]:
    return [p.detach().to("cpu", torch.float64).numpy().copy() for p in model.parameters()]


def _adam_trajectory(make_opt, dtype, device, seed, steps, scale, groups=None):
    """Parameters after each step of training an MLP with the optimizer ``make_opt`` builds."""
    model = _make_mlp(dtype, device, seed)
    x, y = _batch(dtype, device, seed)
    params = groups(model) if groups else model.parameters()
    opt = make_opt(params)
    out = []
    for _ in range(steps):
        opt.zero_grad()
        loss = scale * ((model(x) - y) ** 2).mean()
        loss.backward()
        opt.step()
        out.append(_snapshot(model))
    return out, opt, model


def _trajectory_close(a, b, rtol, atol) -> int | None:
    """1-based first step where the trajectories differ, or None."""
    for t, (xs, ys) in enumerate(zip(a, b, strict=True), 1):
        if not all(_close(x, y, rtol, atol) for x, y in zip(xs, ys, strict=True)):
            return t
    return None


def _kw_text(kwargs) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in kwargs.items())


def _student_adam(cls, kwargs, what="ScratchAdam"):
    def make(params):
        return _guarded(
            what, f"ScratchAdam(model.parameters(), {_kw_text(kwargs)})", cls, params, **kwargs
        )

    return make


def _torch_adam(kwargs):
    return lambda params: torch.optim.Adam(params, **kwargs, foreach=False)


def _run_student_adam(cls, kwargs, dtype, device, seed, steps, scale, groups=None):
    call = (
        f"ScratchAdam({'param groups' if groups else 'model.parameters()'}, {_kw_text(kwargs)}) "
        f"on an MLP in {str(dtype).replace('torch.', '')}{_on(device)}"
    )
    make = _student_adam(cls, kwargs)
    try:
        traj, opt, model = _adam_trajectory(make, dtype, device, seed, steps, scale, groups)
    except AssertionError:
        raise
    except NotImplementedError as exc:
        raise AssertionError(
            "ScratchAdam is not implemented yet: it raised NotImplementedError. Replace the "
            "`raise NotImplementedError()` lines of the solution cell with your code."
        ) from exc
    except Exception as exc:
        hint = ""
        if "leaf Variable that requires grad" in str(exc):
            hint = (
                " Update parameters inside torch.no_grad() (decorate step with @torch.no_grad())."
            )
        raise AssertionError(
            f"{call}: step raised {type(exc).__name__}: {_short(exc)}{hint}"
        ) from exc
    return call, traj, opt, model


def _compare_adam(cls, kwargs, dtype, device, seed, steps=15, scale=1.0, groups=None, note=""):
    call, got, _, _ = _run_student_adam(cls, kwargs, dtype, device, seed, steps, scale, groups)
    expected, _, _ = _adam_trajectory(
        _torch_adam(kwargs), dtype, device, seed, steps, scale, groups
    )
    rtol, atol = ADAM_RTOL[dtype], ADAM_ATOL[dtype]
    t = _trajectory_close(got, expected, rtol, atol)
    if t is None:
        return
    for key, text in _ADAM_DIAGNOSES.items():
        mutant, _, _ = _adam_trajectory(
            lambda p, k=key: _AdamMutant(p, **kwargs, mistakes=(k,)),
            dtype,
            device,
            seed,
            steps,
            scale,
            groups,
        )
        if _trajectory_close(got, mutant, 1e3 * rtol, 1e3 * atol) is None:
            raise AssertionError(f"{call}{note}: {text}")
    i = next(
        i
        for i, (x, y) in enumerate(zip(got[t - 1], expected[t - 1], strict=True))
        if not _close(x, y, rtol, atol)
    )
    raise AssertionError(
        f"{call}{note}: step {t} does not match torch.optim.Adam (compared with rtol={rtol:g}); "
        f"parameter {i} (in model.parameters() order): expected {expected[t - 1][i].ravel()[:3]}, "
        f"got {got[t - 1][i].ravel()[:3]}."
    )


def check_scratch_adam_matches_torch(ScratchAdam) -> None:  # noqa: N803 - the class under test
    """15 steps on an MLP against torch.optim.Adam, float64 and float32, with weight decay."""
    if not (isinstance(ScratchAdam, type) and issubclass(ScratchAdam, torch.optim.Optimizer)):
        raise AssertionError("ScratchAdam must be a subclass of torch.optim.Optimizer.")
    settings = [
        ({"lr": 1e-2}, torch.float64, 1.0, ""),
        (
            {"lr": 3e-2, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.1},
            torch.float64,
            1.0,
            "",
        ),
        (
            {"lr": 1e-2},
            torch.float64,
            1e-7,
            " with a loss scaled by 1e-7 (tiny gradients, eps matters)",
        ),
        ({"lr": 1e-2, "weight_decay": 0.05}, torch.float32, 1.0, ""),
    ]
    for device in _devices():
        for seed, (kwargs, dtype, scale, note) in enumerate(settings):
            _compare_adam(ScratchAdam, kwargs, dtype, device, seed, scale=scale, note=note)


def check_scratch_adam_groups_and_state(ScratchAdam) -> None:  # noqa: N803 - the class under test
    """Defaults, parameter groups, parameters without grad, per-parameter step counts."""
    sig = inspect.signature(ScratchAdam.__init__)
    defaults = {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0}
    for name, value in defaults.items():
        param = sig.parameters.get(name)
        if param is None or param.default != value:
            raise AssertionError(
                f"ScratchAdam.__init__ must have the parameter {name}={value!r} "
                "(the signature is fixed: params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, "
                "weight_decay=0.0)."
            )
    for device in _devices():
        _compare_adam(ScratchAdam, {}, torch.float64, device, 20, steps=5, note=" (defaults)")

        def groups(model):
            layers = list(model)
            return [
                {
                    "params": [p for m in layers[:-1] for p in m.parameters()],
                    "lr": 1e-3,
                    "weight_decay": 0.1,
                },
                {"params": list(layers[-1].parameters()), "betas": (0.5, 0.9)},
            ]

        _compare_adam(
            ScratchAdam,
            {"lr": 3e-2},
            torch.float64,
            device,
            21,
            steps=8,
            groups=groups,
            note=" with two groups (lr=1e-3 and weight_decay=0.1 on the body, betas=(0.5, 0.9) "
            "on the head): each group's own hyperparameters apply",
        )
        _check_none_grads(ScratchAdam, device)


def _check_none_grads(ScratchAdam, device) -> None:  # noqa: N803 - the class under test
    """A parameter never used stays put with no state; one used every other step counts its own t."""
    results = []
    for make in (
        lambda ps: ScratchAdam(ps, lr=0.05),
        lambda ps: torch.optim.Adam(ps, lr=0.05, foreach=False),
    ):
        model = _make_mlp(torch.float64, device, 30)
        unused = nn.Parameter(torch.ones(3, dtype=torch.float64, device=device))
        sometimes = nn.Parameter(torch.full((3,), 0.5, dtype=torch.float64, device=device))
        x, y = _batch(torch.float64, device, 30)
        opt = _guarded(
            "ScratchAdam",
            "ScratchAdam([...], lr=0.05)",
            make,
            [*model.parameters(), unused, sometimes],
        )
        traj = []
        for step in range(8):
            opt.zero_grad()
            out = model(x)
            if step % 2 == 0:  # `sometimes` takes part only in even steps
                out = out * sometimes.sum()
            ((out - y) ** 2).mean().backward()
            if step % 2 and sometimes.grad is not None:
                sometimes.grad = None
            _guarded("ScratchAdam", f"ScratchAdam.step() at step {step + 1}", opt.step)
            traj.append(
                [
                    *_snapshot(model),
                    unused.detach().cpu().numpy().copy(),
                    sometimes.detach().cpu().numpy().copy(),
                ]
            )
        results.append((traj, opt, unused, sometimes, model))
    (got, opt, unused, sometimes, model), (expected, *_) = results
    if not np.array_equal(got[-1][-2], np.ones(3)):
        raise AssertionError(
            f"a parameter whose .grad is None (not used in the loss) was changed{_on(device)}: "
            "skip parameters with p.grad is None, as torch.optim.Adam does."
        )
    if len(opt.state.get(unused, {})) != 0:
        raise AssertionError(
            f"ScratchAdam created state for a parameter that never had a gradient{_on(device)}: "
            "skip it before touching self.state[p]."
        )
    t = _trajectory_close(got, expected, 1e-12, 1e-14)
    if t is not None:
        raise AssertionError(
            f"a parameter that has a gradient only at every other step{_on(device)} moves "
            f"differently from torch.optim.Adam from step {t} on: skip it when p.grad is None, and "
            "count the step t per parameter (self.state[p]), not once per optimizer step."
        )
    missing = [i for i, p in enumerate(model.parameters()) if not opt.state.get(p)]
    if missing or not opt.state.get(sometimes):
        raise AssertionError(
            f"ScratchAdam keeps no state in self.state[p] for parameters {missing or ['sometimes']}"
            ": keep each parameter's m, v and step count in self.state[p] (the base class "
            "creates self.state, so state_dict() and two optimizers side by side work)."
        )


# (module, attribute path) of every public and private entry point of torch's Adam
_DELEGATE_TARGETS = [
    ("torch.optim", "Adam.step"),
    ("torch.optim", "Adam.__init__"),
    ("torch.optim", "AdamW.__init__"),
    ("torch.optim.adam", "adam"),
    ("torch.optim.adam", "_single_tensor_adam"),
    ("torch.optim.adam", "_multi_tensor_adam"),
    ("torch.optim.adam", "_fused_adam"),
    ("torch.optim._functional", "adam"),
    ("torch", "_fused_adam_"),
]


class _Delegated(RuntimeError):
    pass


@contextmanager
def _forbid_torch_adam(calls: list[str]):
    """Replace torch's Adam entry points by stubs that record the call and raise."""
    import importlib

    saved = []
    for module_name, path in _DELEGATE_TARGETS:
        owner = importlib.import_module(module_name)
        *parents, attr = path.split(".")
        for part in parents:
            owner = getattr(owner, part, None)
        present = attr in vars(owner) if isinstance(owner, type) else hasattr(owner, attr)
        if owner is None or not present:
            continue
        label = f"{module_name}.{path}"
        saved.append((owner, attr, getattr(owner, attr)))

        def stub(*args, _label=label, **kwargs):
            calls.append(_label)
            raise _Delegated(f"{_label} is not allowed inside ScratchAdam")

        setattr(owner, attr, stub)
    try:
        yield
    finally:
        for owner, attr, original in reversed(saved):
            setattr(owner, attr, original)


def check_scratch_adam_does_not_delegate(ScratchAdam) -> None:  # noqa: N803 - the class under test
    """No torch.optim.Adam in the class's ancestry, and no call to torch's Adam during use."""
    if isinstance(ScratchAdam, type) and torch.optim.Adam in ScratchAdam.__mro__:
        raise AssertionError(
            "ScratchAdam inherits from torch.optim.Adam (or AdamW): subclass torch.optim.Optimizer "
            "and write the update yourself with tensor operations."
        )
    calls: list[str] = []
    model = _make_mlp(torch.float64, "cpu", 40)
    x, y = _batch(torch.float64, "cpu", 40)
    before = _snapshot(model)
    failure = None
    with _forbid_torch_adam(calls):
        try:
            opt = ScratchAdam(model.parameters(), lr=1e-2)
            for _ in range(3):
                opt.zero_grad()
                ((model(x) - y) ** 2).mean().backward()
                opt.step()
        except _Delegated:
            pass
        except Exception as exc:  # judged after the stubs are removed
            failure = exc
    if calls:
        raise AssertionError(
            f"ScratchAdam delegates to torch: it called {', '.join(sorted(set(calls)))}. Write "
            "the Adam update yourself with tensor operations (mul_, add_, addcmul_, sqrt, ...)."
        )
    if failure is not None:
        _guarded(
            "ScratchAdam", "ScratchAdam(model.parameters(), lr=1e-2) and 3 steps", _raise, failure
        )
    after = _snapshot(model)
    if all(np.array_equal(a, b) for a, b in zip(before, after, strict=True)):
        raise AssertionError(
            "ScratchAdam(model.parameters(), lr=1e-2): three steps did not change any parameter; "
            "step must update the parameters in place."
        )


def _raise(exc: BaseException):
    raise exc


# --------------------------------------------------------------------------------------
# 8. train_one_epoch
# --------------------------------------------------------------------------------------


def _reference_epoch(model, loader, optimizer, loss_fn, mistakes=()) -> float:
    if "no_train" not in mistakes:
        model.train()
    total, count, losses = 0.0, 0, []
    for inputs, targets in loader:
        if "no_zero_grad" not in mistakes:
            optimizer.zero_grad()
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(inputs)
        count += len(inputs)
        losses.append(loss.item())
    if "batch_mean" in mistakes:
        return sum(losses) / len(losses)
    if "last_batch" in mistakes:
        return losses[-1]
    return total / count


_EPOCH_DIAGNOSES = {
    "batch_mean": (
        "the returned loss is the plain mean of the batch losses: weight each batch's loss by "
        "its size, sum(n_b * loss_b) / sum(n_b), since the last batch is smaller."
    ),
    "last_batch": "the returned loss is the last batch's loss: return the epoch's weighted mean.",
    "no_zero_grad": (
        "gradients accumulate across batches: call optimizer.zero_grad() at the start of every "
        "batch, before loss.backward() (backward adds to .grad)."
    ),
    "no_train": (
        "model.train() was not called: a model left in eval mode keeps dropout off and batch "
        "norm on its running statistics; call model.train() at the start of the epoch."
    ),
}


def _epoch_setup(kind: str, device: str, seed: int):
    """(model, loader, make_optimizer, loss_fn, description)."""
    from torch.utils.data import DataLoader, TensorDataset

    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    if kind == "dropout_regression":
        model = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Dropout(0.3), nn.Linear(8, 1))
        x, y = torch.randn(10, 3, generator=gen), torch.randn(10, 1, generator=gen)
        batch, loss_fn = 4, nn.MSELoss()

        def make_opt(m):
            return torch.optim.SGD(m.parameters(), lr=0.1, momentum=0.9)

        text = "a dropout MLP, 10 examples in batches of 4, 4, 2, SGD with momentum, MSELoss"
    elif kind == "classifier":
        model = nn.Sequential(nn.Linear(5, 6), nn.ReLU(), nn.Linear(6, 3))
        x = torch.randn(13, 5, generator=gen)
        y = torch.randint(0, 3, (13,), generator=gen)
        batch, loss_fn = 5, nn.CrossEntropyLoss()

        def make_opt(m):
            return torch.optim.Adam(m.parameters(), lr=0.05, foreach=False)

        text = "a classifier, 13 examples in batches of 5, 5, 3, Adam, CrossEntropyLoss"
    else:  # batchnorm model left in eval mode
        model = nn.Sequential(
            nn.Linear(4, 6), nn.BatchNorm1d(6), nn.ReLU(), nn.Dropout(0.2), nn.Linear(6, 2)
        )
        x, y = torch.randn(11, 4, generator=gen), torch.randn(11, 2, generator=gen)
        batch, loss_fn = 4, nn.MSELoss()

        def make_opt(m):
            return torch.optim.SGD(m.parameters(), lr=0.1)

        text = "a batch-norm and dropout MLP left in eval mode, 11 examples in batches of 4, 4, 3"
    model = model.to(dtype=torch.float64, device=device)
    x = x.to(dtype=torch.float64, device=device) if x.is_floating_point() else x.to(device)
    y = y.to(dtype=torch.float64, device=device) if y.is_floating_point() else y.to(device)
    loader = DataLoader(TensorDataset(x, y), batch_size=batch, shuffle=False)
    return model, loader, make_opt, loss_fn, text + _on(device)


def _state_arrays(model) -> list[np.ndarray]:
    return [t.detach().to("cpu", torch.float64).numpy().copy() for t in model.state_dict().values()]


def _run_epoch(fn, kind, device, seed, stale: bool, mistakes=None):
    model, loader, make_opt, loss_fn, text = _epoch_setup(kind, device, seed)
    if kind == "batchnorm_eval":
        model.eval()
    if stale:  # gradients left over from an earlier backward (e.g. a gradient check)
        x0, y0 = next(iter(loader))
        (10.0 * loss_fn(model(x0), y0)).backward()
    opt = make_opt(model)
    torch.manual_seed(seed + 1000)  # dropout masks: the same stream for student and reference
    if mistakes is None:
        call = f"train_one_epoch(model, loader, optimizer, loss_fn) on {text}"
        out = _guarded("train_one_epoch", call, fn, model, loader, opt, loss_fn)
    else:
        call, out = text, _reference_epoch(model, loader, opt, loss_fn, mistakes)
    return call, out, model


def _compare_epoch(fn, kind, device, seed, stale, check_loss: bool) -> None:
    call, out, model = _run_epoch(fn, kind, device, seed, stale)
    if isinstance(out, torch.Tensor) or not isinstance(out, (float, np.floating)):
        raise AssertionError(
            f"{call} returned {type(out).__name__}; return a Python float (use loss.item())."
        )
    if kind == "batchnorm_eval":
        modes = [type(m).__name__ for m in model.modules() if not m.training]
        if modes:
            raise AssertionError(f"{call}: {_EPOCH_DIAGNOSES['no_train']} Still in eval: {modes}.")
    _, expected, ref_model = _run_epoch(fn, kind, device, seed, stale, mistakes=())
    got_state, ref_state = _state_arrays(model), _state_arrays(ref_model)
    params_ok = all(_close(a, b, 1e-10, 1e-12) for a, b in zip(got_state, ref_state, strict=True))
    loss_ok = _close(float(out), expected, 1e-10)
    if params_ok and (loss_ok or not check_loss):
        return
    for key, text in _EPOCH_DIAGNOSES.items():
        _, m_loss, m_model = _run_epoch(fn, kind, device, seed, stale, mistakes=(key,))
        same_params = all(
            _close(a, b, 1e-10, 1e-12)
            for a, b in zip(got_state, _state_arrays(m_model), strict=True)
        )
        if (
            same_params
            and (not check_loss or _close(float(out), m_loss, 1e-10))
            and (key != "no_train" or not params_ok)
        ):
            if key in ("batch_mean", "last_batch") and not params_ok:
                continue
            raise AssertionError(f"{call}: {text}")
    if not params_ok:
        raise AssertionError(
            f"{call}: the parameters after the epoch differ from the standard loop's "
            "(model.train(); per batch: zero_grad, forward, loss, backward, step)."
        )
    raise AssertionError(
        f"{call} returned {float(out)!r}; the mean loss weighted by batch size is {expected!r}."
    )


def check_train_one_epoch_matches_reference(train_one_epoch: Callable) -> None:
    """Same final parameters and weighted mean loss as the reference loop."""
    for device in _devices():
        for seed, kind in enumerate(("dropout_regression", "classifier")):
            _compare_epoch(train_one_epoch, kind, device, seed, stale=False, check_loss=True)


def check_train_one_epoch_train_mode_and_zero_grad(train_one_epoch: Callable) -> None:
    """A model left in eval mode with stale gradients: train mode on, stale gradients cleared."""
    for device in _devices():
        _compare_epoch(train_one_epoch, "batchnorm_eval", device, 5, stale=True, check_loss=False)


# --------------------------------------------------------------------------------------
# 9. freeze_except
# --------------------------------------------------------------------------------------


def _freeze_model() -> nn.Module:
    model = nn.Module()
    model.z_body = nn.Sequential(nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 5))
    model.head = nn.Linear(5, 3)
    model.header = nn.Linear(3, 2, bias=False)
    model.a_norm = nn.LayerNorm(2)
    return model


def check_freeze_except(freeze_except: Callable) -> None:
    """requires_grad set both ways, names in named_parameters() order, across repeated calls."""
    model = _freeze_model()
    names = [n for n, _ in model.named_parameters()]
    model.head.weight.requires_grad_(False)  # frozen by an earlier stage of fine-tuning
    model.z_body[0].bias.requires_grad_(False)
    for prefix in ("head", "z_body.2", "", "nothing", "a_norm.", "z_body"):
        before = {n: p.requires_grad for n, p in model.named_parameters()}
        call = f"freeze_except(model, {prefix!r})"
        out = _guarded("freeze_except", call, freeze_except, model, prefix)
        expected = [n for n in names if n.startswith(prefix)]
        flags = {n: p.requires_grad for n, p in model.named_parameters()}
        wrong_true = [n for n in names if flags[n] and n not in expected]
        wrong_false = [n for n in expected if not flags[n]]
        if wrong_true or wrong_false:
            if set(wrong_true) | set(wrong_false) == set(names):
                raise AssertionError(
                    f"{call}: requires_grad is inverted: the parameters whose names start with "
                    "the prefix must be the trainable ones (True), all the others frozen (False)."
                )
            if wrong_false and not wrong_true and all(not before[n] for n in wrong_false):
                raise AssertionError(
                    f"{call}: {wrong_false} match the prefix but stay frozen because an earlier "
                    "call froze them: set requires_grad both ways, True on every match."
                )
            raise AssertionError(
                f"{call}: should be trainable: {expected}; wrongly trainable: {wrong_true}, "
                f"wrongly frozen: {wrong_false}."
            )
        if not isinstance(out, list) or out != expected:
            if isinstance(out, list) and sorted(out) == sorted(expected):
                raise AssertionError(
                    f"{call} returned {out}; the names must be in named_parameters() order: "
                    f"{expected}."
                )
            raise AssertionError(
                f"{call} returned {out!r}; expected the list of trainable names {expected}."
            )


# --------------------------------------------------------------------------------------
# 10. replace_head
# --------------------------------------------------------------------------------------


class _Net(nn.Module):
    def __init__(self, out_features: int, bias: bool):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(6, 5), nn.ReLU())
        self.classifier = nn.Linear(5, out_features, bias=bias)

    def forward(self, x):
        return self.classifier(self.body(x))


def check_replace_head(replace_head: Callable) -> None:
    """Fresh nn.Linear with bias, in place, old in_features, dtype and device, body untouched."""
    for device in _devices():
        for dtype, old_out, bias, n_classes in [
            (torch.float64, 4, False, 3),
            (torch.float64, 4, True, 4),
            (torch.float32, 7, True, 2),
        ]:
            torch.manual_seed(n_classes)
            model = _Net(old_out, bias).to(dtype=dtype, device=device)
            for p in model.parameters():
                p.requires_grad_(False)  # a frozen pretrained network
            old = model.classifier
            old_weight = old.weight.detach().clone()
            body = [(p, p.detach().clone()) for p in model.body.parameters()]
            kind = str(dtype).replace("torch.", "")
            call = (
                f"replace_head(model, 'classifier', {n_classes}) on a {kind} model{_on(device)} "
                f"whose head is nn.Linear(5, {old_out}, bias={bias})"
            )
            out = _guarded("replace_head", call, replace_head, model, "classifier", n_classes)
            if out is not model:
                raise AssertionError(f"{call}: return the model itself (modified in place).")
            head = model.classifier
            if not isinstance(head, nn.Linear) or head is old:
                raise AssertionError(
                    f"{call}: model.classifier must be a new nn.Linear (setattr(model, attr, new))"
                    f", got {head!r}."
                )
            if (head.in_features, head.out_features) != (5, n_classes):
                raise AssertionError(
                    f"{call}: the new head is {head}; expected in_features=5 (the old head's) and "
                    f"out_features={n_classes}."
                )
            if head.bias is None:
                raise AssertionError(f"{call}: the new head must have a bias (bias=True).")
            for name, p in head.named_parameters():
                if p.dtype != dtype:
                    raise AssertionError(
                        f"{call}: the new head's {name} is {p.dtype} on a {kind} model; create it "
                        "with the old head's dtype (nn.Linear(..., dtype=old.weight.dtype))."
                    )
                if p.device != old_weight.device:
                    raise AssertionError(
                        f"{call}: the new head's {name} is on {p.device}, the model on "
                        f"{old_weight.device}; pass device=old.weight.device."
                    )
                if not p.requires_grad:
                    raise AssertionError(f"{call}: the fresh head must be trainable ({name}).")
            w = head.weight.detach()
            if (
                head.weight is old.weight
                or (w.shape == old_weight.shape and torch.equal(w, old_weight))
                or torch.equal(w, old_weight[: w.shape[0]])
            ):
                raise AssertionError(
                    f"{call}: the new head reuses the old head's weights: create a fresh "
                    "nn.Linear with its own random initialization (the old classes mean nothing "
                    "for the new task)."
                )
            for p, value in body:
                if not torch.equal(p.detach(), value) or p.requires_grad:
                    raise AssertionError(f"{call}: the body's parameters must stay untouched.")
            if [m is p for m, (p, _) in zip(model.body.parameters(), body, strict=True)].count(
                False
            ):
                raise AssertionError(f"{call}: the body's parameters must stay the same objects.")
            x = torch.zeros(2, 6, dtype=dtype, device=device)
            y = _guarded("replace_head", f"model(x) after {call}", model, x)
            if y.shape != (2, n_classes):
                raise AssertionError(f"{call}: the model now outputs {tuple(y.shape)}.")
