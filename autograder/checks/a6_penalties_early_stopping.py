"""Trusted checks for assignment A6 (penalties, constraints, early stopping).

The hidden tests of ``solutions/a6_penalties_early_stopping/a6_penalties_early_stopping.ipynb``
call the ``check_*`` functions below with the student's function (or class). Independent
references:

* penalties: ``torch`` sums over the same arrays (``lam * sum(W ** 2)``, ``lam * sum(|W|)``);
* gradients: ``torch.autograd`` of those sums, and central finite differences (away from 0
  for L1) of a NumPy penalty written out here;
* ``max_norm``: ``torch.renorm(p=2, maxnorm=max_value)`` applied to the slices along ``axis``
  (``torch.renorm`` adds 1e-7 to the norm, so it agrees to about 1e-7), and Keras' ``MaxNorm``
  formula written out without its epsilon (agreement to 1e-12, and bit for bit where nothing is
  scaled);
* ``EarlyStopping``: torch's ``ReduceLROnPlateau(mode="min", threshold_mode="abs",
  threshold=min_delta)`` with an unreachable patience, whose ``best`` and ``num_bad_epochs``
  follow exactly the rule ``val_loss < best - min_delta`` of the contract.

On the first problem a check raises ``AssertionError`` with a message that names the call, the
expected and the actual value and, when the student's numbers coincide with a known mistake
(simulated by small private "mutant" functions in this module), the mistake. Messages never
show the reference implementation; they state the formulas in words.

Public checks: ``check_l2_penalty``, ``check_l2_penalty_grad``, ``check_l1_penalty``,
``check_l1_penalty_grad``, ``check_elastic_net_penalty``, ``check_max_norm_matches_torch``,
``check_max_norm_edge_cases``, ``check_early_stopping_matches_torch``,
``check_early_stopping_ties_and_nan``, ``check_early_stopping_contract``; ``check_max_norm``
and ``check_early_stopping`` run all checks of one object.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "check_early_stopping",
    "check_early_stopping_contract",
    "check_early_stopping_matches_torch",
    "check_early_stopping_ties_and_nan",
    "check_elastic_net_penalty",
    "check_l1_penalty",
    "check_l1_penalty_grad",
    "check_l2_penalty",
    "check_l2_penalty_grad",
    "check_max_norm",
    "check_max_norm_edge_cases",
    "check_max_norm_matches_torch",
]

RTOL = 1e-12
"""Relative tolerance of penalties, gradients and max_norm against the exact formulas."""
ATOL = 1e-14
KERAS_EPSILON = 1e-7  # Keras' backend epsilon, also what torch.renorm adds to the norm
_FD_STEP = 1e-6


# --------------------------------------------------------------------------------------
# Calling student code
# --------------------------------------------------------------------------------------


def _short(exc: BaseException, limit: int = 400) -> str:
    text = str(exc)
    return text if len(text) <= limit else text[:limit] + " ..."


def _guarded(what: str, call: str, fn: Callable, *args, hint: str = "", **kwargs):
    """Call ``fn``; turn an exception into an AssertionError that names the call."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(*args, **kwargs)
    except NotImplementedError as exc:
        raise AssertionError(
            f"{what} is not implemented yet: {call} raised NotImplementedError. Replace the "
            "`raise NotImplementedError()` lines of the solution cell with your code."
        ) from exc
    except Exception as exc:
        msg = f"{call} raised {type(exc).__name__}: {_short(exc)}"
        if hint:
            msg += f"\n{hint}"
        raise AssertionError(msg) from exc


def _describe_weights(weights: Sequence[np.ndarray]) -> str:
    if not weights:
        return "[] (an empty list)"
    parts = [f"0-d array({float(w)!r})" if w.ndim == 0 else f"array{w.shape}" for w in weights]
    return "[" + ", ".join(parts) + "]"


def _check_unmodified(call: str, weights, copies) -> None:
    for j, (w, c) in enumerate(zip(weights, copies, strict=True)):
        if not np.array_equal(w, c, equal_nan=True):
            raise AssertionError(
                f"{call} modified its input: weights[{j}] changed. Never write into the weight "
                "arrays (no `W *= ...`, `W[...] = ...`, `np.abs(W, out=W)`); build new arrays."
            )


def _check_float(call: str, out, what: str) -> float:
    if out is None:
        raise AssertionError(f"{call} returned None: return the {what} (forgot `return`?).")
    if isinstance(out, np.ndarray):
        raise AssertionError(
            f"{call} returned a NumPy array of shape {out.shape}: the {what} is ONE float summed "
            "over every array of the list; convert with float(...)."
        )
    if isinstance(out, bool) or not isinstance(out, float):
        kind = (type(out).__module__ + "." + type(out).__name__).removeprefix("builtins.")
        raise AssertionError(
            f"{call} returned a {kind} ({out!r}); the {what} must be a float (a Python float or "
            "np.float64): convert with float(...)."
        )
    return float(out)


def _close(got: float, expected: float) -> bool:
    return math.isclose(got, expected, rel_tol=RTOL, abs_tol=ATOL)


# --------------------------------------------------------------------------------------
# Penalties: oracle, cases, mutants
# --------------------------------------------------------------------------------------


def _torch_sums(weights) -> tuple[float, float]:
    """(sum |W|, sum W**2) over the list, computed by torch in float64."""
    import torch

    torch.set_num_threads(1)
    s_abs = sum(float(torch.sum(torch.abs(torch.from_numpy(w)))) for w in weights)
    s_sq = sum(float(torch.sum(torch.from_numpy(w) ** 2)) for w in weights)
    return float(s_abs), float(s_sq)


def _np_sums(weights) -> tuple[float, float]:
    return (
        float(sum(np.sum(np.abs(w)) for w in weights)),
        float(sum(np.sum(w * w) for w in weights)),
    )


@dataclass
class _PenaltyCase:
    weights: list[np.ndarray]
    lam: float
    l1_ratio: float | None = None
    note: str = ""


def _penalty_cases(seed: int, with_ratio: bool = False) -> list[_PenaltyCase]:
    rng = np.random.default_rng(seed)
    shape_lists = [
        [(3, 4), (4,), (2, 3, 2), (), (1,)],
        [(6,)],
        [(5, 5), (5,)],
        [(), ()],
        [(2, 1, 3, 2), (7,), (3, 3)],
        [(40, 10), (10,), (10, 3), (3,)],
    ]
    lams = [0.1, 1e-3, 2.5, 0.01, 0.7, 1e-4]
    ratios = [0.5, 0.3, 0.8, 0.15, 1.0, 0.0]
    cases = []
    for shapes, lam, ratio in zip(shape_lists, lams, ratios, strict=True):
        scale = rng.choice([0.1, 1.0, 5.0])
        weights = [rng.normal(scale=scale, size=s) for s in shapes]
        cases.append(_PenaltyCase(weights, lam, ratio if with_ratio else None))
    single = [np.array(-1.5)]
    cases.append(_PenaltyCase(single, 0.2, 0.4 if with_ratio else None, "a single 0-d array"))
    cases.append(
        _PenaltyCase(
            [rng.normal(size=(3, 2)), np.zeros(4)], 0.0, 0.5 if with_ratio else None, "lam = 0"
        )
    )
    cases.append(_PenaltyCase([], 0.1, 0.5 if with_ratio else None, "an empty list"))
    if with_ratio:
        w = [rng.normal(size=(4, 3)), rng.normal(size=3)]
        cases.append(_PenaltyCase(w, 0.05, 1.0, "l1_ratio = 1: the L1 penalty lam * sum|W|"))
        cases.append(_PenaltyCase(w, 0.05, 0.0, "l1_ratio = 0: the L2 penalty lam * sum W**2"))
    return cases


def _expected_penalty(kind: str, case: _PenaltyCase) -> float:
    s_abs, s_sq = _torch_sums(case.weights)
    if kind == "l2":
        return case.lam * s_sq
    if kind == "l1":
        return case.lam * s_abs
    r = case.l1_ratio
    return case.lam * (r * s_abs + (1 - r) * s_sq)


def _first_last(weights, which):
    if not weights:
        return []
    return [weights[0]] if which == "first" else [weights[-1]]


_L2_MUTANTS: dict[str, tuple[Callable, str]] = {
    "half": (
        lambda w, lam: 0.5 * lam * _np_sums(w)[1],
        "factor 1/2: this penalty is lam * sum(W ** 2) with NO 1/2 (Keras' l2); "
        "(lam / 2) * ||W||^2 is the textbook convention whose gradient is lam * W.",
    ),
    "first_only": (
        lambda w, lam: lam * _np_sums(_first_last(w, "first"))[1],
        "only the first array of the list counts: sum over EVERY array of the list.",
    ),
    "last_only": (
        lambda w, lam: lam * _np_sums(_first_last(w, "last"))[1],
        "only the last array of the list counts: in your loop the running total is "
        "overwritten (total = ...) instead of accumulated (total += ...).",
    ),
    "norm_not_squared": (
        lambda w, lam: lam * sum(float(np.sqrt(np.sum(a * a))) for a in w),
        "norms instead of squared norms: the L2 penalty sums the SQUARES, lam * sum(W ** 2), "
        "not lam * ||W||.",
    ),
    "abs": (
        lambda w, lam: lam * _np_sums(w)[0],
        "absolute values summed: that is the L1 penalty; L2 sums the squares W ** 2.",
    ),
    "no_lam": (
        lambda w, lam: _np_sums(w)[1],
        "lam is missing: the penalty is lam times the sum of squares.",
    ),
}

_L1_MUTANTS: dict[str, tuple[Callable, str]] = {
    "no_abs": (
        lambda w, lam: lam * float(sum(np.sum(a) for a in w)),
        "absolute value missing: the L1 penalty sums |W|, so negative weights add to it too.",
    ),
    "squares": (
        lambda w, lam: lam * _np_sums(w)[1],
        "squares summed: that is the L2 penalty; L1 sums the absolute values |W|.",
    ),
    "half": (
        lambda w, lam: 0.5 * lam * _np_sums(w)[0],
        "factor 1/2: the L1 penalty is lam * sum(|W|), no 1/2.",
    ),
    "first_only": (
        lambda w, lam: lam * _np_sums(_first_last(w, "first"))[0],
        "only the first array of the list counts: sum over EVERY array of the list.",
    ),
    "last_only": (
        lambda w, lam: lam * _np_sums(_first_last(w, "last"))[0],
        "only the last array of the list counts: in your loop the running total is "
        "overwritten (total = ...) instead of accumulated (total += ...).",
    ),
    "no_lam": (
        lambda w, lam: _np_sums(w)[0],
        "lam is missing: the penalty is lam times the sum of absolute values.",
    ),
}

_ELASTIC_MUTANTS: dict[str, tuple[Callable, str]] = {
    "swapped": (
        lambda w, lam, r: lam * ((1 - r) * _np_sums(w)[0] + r * _np_sums(w)[1]),
        "l1_ratio swapped: l1_ratio weighs the L1 term sum|W| and (1 - l1_ratio) the squared "
        "term, so l1_ratio = 1 is pure L1.",
    ),
    "half_l2": (
        lambda w, lam, r: lam * (r * _np_sums(w)[0] + 0.5 * (1 - r) * _np_sums(w)[1]),
        "factor 1/2 on the squared term (scikit-learn's ElasticNet convention): here the "
        "squared term has no 1/2, so that l1_ratio = 0 gives exactly the L2 penalty above.",
    ),
    "lam_on_l1_only": (
        lambda w, lam, r: lam * r * _np_sums(w)[0] + (1 - r) * _np_sums(w)[1],
        "lam multiplies only the L1 term: it multiplies the whole mixture.",
    ),
    "no_abs": (
        lambda w, lam, r: lam * (r * float(sum(np.sum(a) for a in w)) + (1 - r) * _np_sums(w)[1]),
        "absolute value missing in the L1 term: it sums |W|.",
    ),
    "no_mixing": (
        lambda w, lam, r: lam * (_np_sums(w)[0] + _np_sums(w)[1]),
        "l1_ratio ignored: the terms are weighted by l1_ratio and (1 - l1_ratio).",
    ),
}


def _penalty_call(name: str, case: _PenaltyCase) -> str:
    args = f"{_describe_weights(case.weights)}, {case.lam!r}"
    if case.l1_ratio is not None:
        args += f", {case.l1_ratio!r}"
    return f"{name}({args})"


def _run_penalty_checks(name: str, kind: str, fn, cases, mutants) -> None:
    for case in cases:
        call = _penalty_call(name, case)
        copies = [w.copy() for w in case.weights]
        args = (list(case.weights), case.lam) + (
            (case.l1_ratio,) if case.l1_ratio is not None else ()
        )
        hint = "The penalty of an empty list of weights is 0.0." if not case.weights else ""
        out = _guarded(name, call, fn, *args, hint=hint)
        _check_unmodified(call, case.weights, copies)
        got = _check_float(call, out, "penalty")
        expected = _expected_penalty(kind, case)
        if _close(got, expected):
            continue
        lines = [
            f"{call}{' (' + case.note + ')' if case.note else ''}: expected {expected!r} "
            f"(torch: {'lam * sum(W ** 2)' if kind == 'l2' else ''}"
            f"{'lam * sum(|W|)' if kind == 'l1' else ''}"
            f"{'lam * (l1_ratio * sum|W| + (1 - l1_ratio) * sum W**2)' if kind == 'en' else ''}"
            f" over all arrays), got {got!r}."
        ]
        for mutant, text in mutants.values():
            value = mutant(case.weights, *args[1:])
            if not _close(value, expected) and math.isclose(got, value, rel_tol=1e-9):
                lines.append(f"Diagnosis: {text}")
                break
        raise AssertionError("\n".join(lines))


def check_l2_penalty(l2_penalty) -> None:
    """lam * sum(W ** 2) over random lists of arrays (0-d, empty, lam = 0), as one float."""
    _run_penalty_checks("l2_penalty", "l2", l2_penalty, _penalty_cases(6001), _L2_MUTANTS)


def check_l1_penalty(l1_penalty) -> None:
    """lam * sum(|W|) over random lists of arrays (0-d, empty, lam = 0), as one float."""
    _run_penalty_checks("l1_penalty", "l1", l1_penalty, _penalty_cases(6002), _L1_MUTANTS)


def check_elastic_net_penalty(elastic_net_penalty) -> None:
    """The elastic-net mixture for several l1_ratio, including the L1 (1) and L2 (0) ends."""
    cases = _penalty_cases(6003, with_ratio=True)
    _run_penalty_checks("elastic_net_penalty", "en", elastic_net_penalty, cases, _ELASTIC_MUTANTS)


# --------------------------------------------------------------------------------------
# Gradients
# --------------------------------------------------------------------------------------


def _torch_grads(kind: str, weights, lam) -> list[np.ndarray]:
    """Autograd of lam * sum(W ** 2) (kind "l2") or lam * sum(|W|) (kind "l1")."""
    import torch

    torch.set_num_threads(1)
    params = [torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in weights]
    if not params:
        return []
    terms = [torch.sum(p**2) if kind == "l2" else torch.sum(torch.abs(p)) for p in params]
    (lam * torch.stack(terms).sum()).backward()
    return [p.grad.numpy().copy() for p in params]


def _np_penalty(kind: str, weights, lam) -> float:
    s_abs, s_sq = _np_sums(weights)
    return lam * (s_sq if kind == "l2" else s_abs)


def _finite_difference(kind: str, weights, lam, j: int, idx: tuple) -> float:
    plus = [w.copy() for w in weights]
    minus = [w.copy() for w in weights]
    plus[j][idx] += _FD_STEP
    minus[j][idx] -= _FD_STEP
    return (_np_penalty(kind, plus, lam) - _np_penalty(kind, minus, lam)) / (2 * _FD_STEP)


def _check_grad_list(call: str, out, weights) -> list[np.ndarray]:
    if out is None:
        raise AssertionError(f"{call} returned None: return the list of gradients.")
    if not isinstance(out, list):
        raise AssertionError(
            f"{call} returned a {type(out).__name__}; return a list with one array per weight "
            "array (e.g. a list comprehension [... for W in weights])."
        )
    if len(out) != len(weights):
        raise AssertionError(
            f"{call} returned a list of {len(out)} gradients for {len(weights)} weight arrays: "
            "one gradient per weight array, in the same order."
        )
    grads = []
    for j, (g, w) in enumerate(zip(out, weights, strict=True)):
        if not isinstance(g, (np.ndarray, np.generic)) or np.shape(g) != w.shape:
            raise AssertionError(
                f"{call}: gradient #{j} is {g!r}, expected a NumPy array of shape {w.shape} "
                f"(the shape of weights[{j}])."
            )
        if np.asarray(g).dtype != np.float64:
            raise AssertionError(
                f"{call}: gradient #{j} has dtype {np.asarray(g).dtype}, expected float64."
            )
        if isinstance(g, np.ndarray) and np.shares_memory(g, w):
            raise AssertionError(
                f"{call}: gradient #{j} shares memory with weights[{j}] (it is the weight array "
                "itself or a view of it); return new arrays, so that changing a gradient can "
                "never change the weights."
            )
        grads.append(np.asarray(g, dtype=np.float64))
    return grads


_L2_GRAD_MUTANTS: dict[str, tuple[Callable, str]] = {
    "missing_two": (
        lambda w, lam: [lam * a for a in w],
        "factor 2 missing: the derivative of lam * W**2 is 2 * lam * W (lam * W is the gradient "
        "of the penalty with a 1/2, which this assignment does not use).",
    ),
    "no_lam": (
        lambda w, lam: [2 * a for a in w],
        "lam is missing: the gradient is 2 * lam * W.",
    ),
    "sign": (
        lambda w, lam: [2 * lam * np.sign(a) for a in w],
        "sign(W) used: that is the shape of the L1 gradient; the L2 gradient is proportional to "
        "W itself, 2 * lam * W.",
    ),
    "squared": (
        lambda w, lam: [2 * lam * a * a for a in w],
        "2 * lam * W**2 is not the derivative of lam * W**2: the power drops by one, 2 * lam * W.",
    ),
}

_L1_GRAD_MUTANTS: dict[str, tuple[Callable, str]] = {
    "zero_positive": (
        lambda w, lam: [np.where(a >= 0, lam, -lam) for a in w],
        "at W = 0 you return +lam: the L1 subgradient used at exactly 0 is 0 (np.sign(0) == 0), "
        "so weights that are exactly zero are not pushed.",
    ),
    "zero_negative": (
        lambda w, lam: [np.where(a > 0, lam, -lam) for a in w],
        "at W = 0 you return -lam: the L1 subgradient used at exactly 0 is 0 (np.sign(0) == 0).",
    ),
    "two": (
        lambda w, lam: [2 * lam * np.sign(a) for a in w],
        "factor 2: the derivative of lam * |W| is lam * sign(W), without a 2 (the 2 belongs to "
        "the L2 gradient).",
    ),
    "w": (
        lambda w, lam: [lam * a for a in w],
        "lam * W is not the L1 gradient: |W| has slope +1 or -1, so the gradient is lam * sign(W).",
    ),
    "no_lam": (
        lambda w, lam: [np.sign(a) for a in w],
        "lam is missing: the gradient is lam * sign(W).",
    ),
}


def _grad_cases(seed: int, zeros: bool) -> list[tuple[list[np.ndarray], float, str]]:
    rng = np.random.default_rng(seed)
    shape_lists = [
        [(3, 4), (4,), (2, 3, 2), (), (1,)],
        [(7,)],
        [(4, 4), (4,)],
        [(2, 2, 2, 3)],
    ]
    cases = []
    for shapes, lam in zip(shape_lists, [0.1, 2.0, 1e-3, 0.35], strict=True):
        weights = [rng.normal(scale=rng.choice([0.2, 1.0, 4.0]), size=s) for s in shapes]
        if zeros:
            for w in weights:
                if w.ndim:
                    w[rng.random(w.shape) < 0.25] = 0.0
        cases.append((weights, lam, ""))
    if zeros:
        cases.append(
            ([np.array([0.0, -0.0, 1.5, -2.0]), np.array(0.0)], 0.5, "weights exactly 0 and -0.0")
        )
    cases.append(([np.array(-3.0), np.array(2.0)], 0.25, "0-d arrays"))
    cases.append(([], 0.1, "an empty list: the result is []"))
    return cases


def _run_grad_checks(name: str, kind: str, fn, mutants) -> None:
    rng = np.random.default_rng(6100 if kind == "l2" else 6200)
    for weights, lam, note in _grad_cases(6101 if kind == "l2" else 6201, zeros=kind == "l1"):
        call = f"{name}({_describe_weights(weights)}, {lam!r})"
        if note:
            call += f" ({note})"
        copies = [w.copy() for w in weights]
        out = _guarded(name, call, fn, list(weights), lam)
        _check_unmodified(call, weights, copies)
        grads = _check_grad_list(call, out, weights)
        expected = _torch_grads(kind, weights, lam)
        formula = "2 * lam * W" if kind == "l2" else "lam * sign(W), 0 at W = 0"
        for j, (g, e) in enumerate(zip(grads, expected, strict=True)):
            if kind == "l1" and np.isnan(g).any():
                at_zero = bool(np.any(np.isnan(g) & (weights[j] == 0)))
                raise AssertionError(
                    f"{call}: gradient #{j} contains NaN"
                    + (
                        " where the weight is exactly 0. W / np.abs(W) divides 0 by 0 there; "
                        "use np.sign(W), which is 0 at 0 (the subgradient the contract uses)."
                        if at_zero
                        else "."
                    )
                )
            if np.allclose(g, e, rtol=RTOL, atol=ATOL):
                continue
            flat = int(np.argmax(~np.isclose(g, e, rtol=RTOL, atol=ATOL)))
            bad = tuple(int(i) for i in np.unravel_index(flat, np.shape(g)))
            where = f"weights[{j}]{list(bad) if bad else ''} = {float(weights[j][bad])!r}"
            lines = [
                f"{call}: wrong gradient #{j} ({formula}). At {where} expected "
                f"{float(e[bad])!r} (torch autograd), got {float(g[bad])!r}."
            ]
            for _key, (mutant, text) in mutants.items():
                m = mutant(weights, lam)
                if not all(
                    np.allclose(mj, ej, rtol=RTOL, atol=ATOL)
                    for mj, ej in zip(m, expected, strict=True)
                ) and all(
                    np.allclose(gj, mj, rtol=1e-9, atol=1e-12)
                    for gj, mj in zip(grads, m, strict=True)
                ):
                    lines.append(f"Diagnosis: {text}")
                    break
            raise AssertionError("\n".join(lines))
        # Finite differences of the penalty itself, at a few coordinates (away from 0 for L1).
        for j, w in enumerate(weights):
            for _ in range(3):
                idx = tuple(int(rng.integers(0, n)) for n in w.shape)
                if kind == "l1" and abs(w[idx]) < 100 * _FD_STEP:
                    continue
                fd = _finite_difference(kind, weights, lam, j, idx)
                if not math.isclose(grads[j][idx], fd, rel_tol=1e-6, abs_tol=1e-7):
                    raise AssertionError(
                        f"{call}: gradient #{j} at index {list(idx)} is {grads[j][idx]!r}, but a "
                        f"central finite difference of the penalty gives {fd!r} ({formula})."
                    )


def check_l2_penalty_grad(l2_penalty_grad) -> None:
    """[2 * lam * W] against torch autograd and finite differences; list, shapes, dtypes."""
    _run_grad_checks("l2_penalty_grad", "l2", l2_penalty_grad, _L2_GRAD_MUTANTS)


def check_l1_penalty_grad(l1_penalty_grad) -> None:
    """[lam * sign(W)] (0 at 0) against torch autograd and finite differences away from 0."""
    _run_grad_checks("l1_penalty_grad", "l1", l1_penalty_grad, _L1_GRAD_MUTANTS)


# --------------------------------------------------------------------------------------
# max_norm
# --------------------------------------------------------------------------------------


def _max_norm_model(W, max_value, axis=0, *, mistakes=()):
    """Keras' MaxNorm written out (no epsilon), and known mistakes."""
    has = set(mistakes).__contains__
    if has("clip_elements"):
        return np.clip(W, -max_value, max_value)
    if has("frobenius"):
        norms = np.sqrt(np.sum(W * W))
    elif has("other_axes"):
        others = tuple(a for a in range(W.ndim) if a != axis % W.ndim)
        norms = np.sqrt(np.sum(W * W, axis=others, keepdims=True))
    elif has("no_keepdims"):
        norms = np.sqrt(np.sum(W * W, axis=axis))
        if np.broadcast_shapes(norms.shape, W.shape) != W.shape:
            raise ValueError("shapes do not broadcast")
    else:
        norms = np.sqrt(np.sum(W * W, axis=axis, keepdims=True))
    with np.errstate(divide="ignore", invalid="ignore"):
        if has("keras_eps"):
            return W * (np.clip(norms, 0, max_value) / (KERAS_EPSILON + norms))
        if has("scale_all"):
            return W * (max_value / norms)
        if has("unit_norm"):
            return np.where(norms > max_value, W / norms, W)
        if has("nan_zero"):
            return W * (np.clip(norms, 0, max_value) / norms)
        return np.where(norms > max_value, W * (max_value / np.where(norms > 0, norms, 1)), W)


_MAX_NORM_DIAGNOSES = {
    "nan_zero": (
        "NaN for a zero slice: clip(n, 0, c) / n is 0 / 0 when n = 0; divide only where the "
        "norm exceeds max_value."
    ),
    "scale_all": (
        "every slice was scaled to norm max_value: only slices whose norm EXCEEDS max_value are "
        "scaled down; shorter slices stay as they are."
    ),
    "other_axes": (
        "norm taken over the wrong axes: `axis` is the axis the norm runs ALONG (it is summed "
        "over), one norm per slice W[..., :, ...]; for a 2-D kernel with axis=0 that is one "
        "norm per column. You computed one norm per index of `axis` over all other axes (what "
        "torch.renorm's `dim` means)."
    ),
    "frobenius": (
        "one norm for the whole array: max-norm constrains each slice along `axis` separately "
        "(e.g. each column of a kernel for axis=0)."
    ),
    "clip_elements": (
        "elements clipped to [-max_value, max_value]: max-norm bounds the L2 NORM of each slice "
        "and rescales the whole slice, keeping its direction."
    ),
    "no_keepdims": (
        "keepdims missing: the norms of shape W.shape without `axis` broadcast against the "
        "wrong axis of W; use np.sum(..., axis=axis, keepdims=True)."
    ),
    "keras_eps": (
        "Keras' epsilon used: W * clip(n, 0, c) / (epsilon + n) also shrinks slices that are "
        "within the limit and misses the target norm by about 1e-7; this contract divides by "
        "the norm itself and leaves slices with norm <= max_value untouched."
    ),
    "unit_norm": ("slices rescaled to norm 1 instead of max_value: multiply by max_value / norm."),
}


def _torch_renorm(W, max_value, axis):
    """torch.renorm on the slices along ``axis`` (moved last, flattened to rows)."""
    import torch

    torch.set_num_threads(1)
    moved = np.moveaxis(W, axis, -1)
    rows = torch.from_numpy(np.ascontiguousarray(moved).reshape(-1, W.shape[axis]))
    out = torch.renorm(rows, p=2, dim=0, maxnorm=max_value).numpy()
    return np.moveaxis(out.reshape(moved.shape), -1, axis)


def _max_norm_call(W, max_value, axis) -> str:
    text = f"max_norm(W of shape {W.shape}, max_value={max_value!r}"
    return text + (")" if axis is None else f", axis={axis})")


_BROADCAST_HINT = (
    "Hint: keep the reduced axis with np.sum(..., axis=axis, keepdims=True) so that the norms "
    "broadcast back against W."
)


def _student_max_norm(max_norm, W, max_value, axis):
    call = _max_norm_call(W, max_value, axis)
    args = (W.copy(), max_value) if axis is None else (W.copy(), max_value, axis)
    out = _guarded("max_norm", call, max_norm, *args, hint=_BROADCAST_HINT)
    if not isinstance(out, np.ndarray) or out.shape != W.shape:
        raise AssertionError(f"{call} returned {out!r}; expected a NumPy array of shape {W.shape}.")
    if out.dtype != np.float64:
        raise AssertionError(f"{call} returned dtype {out.dtype}; expected float64.")
    return out


def _max_norm_diagnosis(W, max_value, axis, got, expected) -> str:
    for key, text in _MAX_NORM_DIAGNOSES.items():
        try:
            m = _max_norm_model(W, max_value, 0 if axis is None else axis, mistakes=(key,))
        except ValueError:
            continue
        if np.allclose(m, expected, rtol=RTOL, atol=ATOL, equal_nan=True):
            continue
        if np.allclose(got, m, rtol=1e-9, atol=1e-12, equal_nan=True):
            return f"\nDiagnosis: {text}"
    return ""


def _norms_text(W, axis) -> str:
    norms = np.sqrt(np.sum(W * W, axis=axis)).ravel()
    shown = ", ".join(f"{n:.6g}" for n in norms[:8]) + (" ..." if norms.size > 8 else "")
    return f"the slice norms along axis {axis} are [{shown}]"


def _compare_max_norm(W, max_value, axis, got, expected, *, note: str = "") -> None:
    if np.isnan(got).any() and not np.isnan(expected).any():
        raise AssertionError(
            f"{_max_norm_call(W, max_value, axis)}{note} returned NaN: "
            + _norms_text(W, 0 if axis is None else axis)
            + "."
            + _max_norm_diagnosis(W, max_value, axis, got, expected)
        )
    if np.allclose(got, expected, rtol=RTOL, atol=ATOL):
        return
    flat = int(np.argmax(~np.isclose(got, expected, rtol=RTOL, atol=ATOL)))
    bad = tuple(int(i) for i in np.unravel_index(flat, W.shape))
    a = 0 if axis is None else axis
    raise AssertionError(
        f"{_max_norm_call(W, max_value, axis)}{note}: at index {list(bad)} expected "
        f"{float(expected[bad])!r}, got {float(got[bad])!r} (W there is {float(W[bad])!r}); "
        f"{_norms_text(W, a)}. Each "
        f"slice along axis {a} whose norm exceeds {max_value!r} is scaled to norm exactly "
        f"{max_value!r}, the others stay unchanged."
        + _max_norm_diagnosis(W, max_value, axis, got, expected)
    )


def _random_kernel(rng, shape):
    W = rng.normal(size=shape) * rng.uniform(0.2, 3.0, size=shape[-1])
    return W


def check_max_norm_matches_torch(max_norm) -> None:
    """Random 2-D (square too), 1-D and 3-D arrays, every axis, against torch.renorm."""
    rng = np.random.default_rng(6300)
    rows = [
        ((6, 4), 0),
        ((3, 3), 1),  # square: a norm broadcast against the wrong axis gives no error
        ((4, 7), 1),
        ((5, 5), 0),
        ((6, 3), None),  # the default axis=0
        ((8,), 0),
        ((3, 4, 2), 0),
        ((3, 4, 2), 1),
        ((3, 4, 2), 2),
        ((2, 3, 4), -1),
        ((4, 3, 3), -2),
    ]
    for shape, axis in rows:
        W = _random_kernel(rng, shape)
        a = 0 if axis is None else axis
        norms = np.sqrt(np.sum(W * W, axis=a)).ravel()
        # A limit between the slice norms, so that some slices are scaled and some are not.
        settings = [float(np.median(norms)), float(norms.min()) * 0.5, float(norms.max()) * 2]
        for max_value in settings:
            got = _student_max_norm(max_norm, W, max_value, axis)
            renormed = _torch_renorm(W, max_value, a)
            if not np.allclose(got, renormed, rtol=1e-5, atol=1e-12):
                expected = _max_norm_model(W, max_value, a)
                _compare_max_norm(W, max_value, axis, got, expected, note=" (vs torch.renorm)")
            expected = _max_norm_model(W, max_value, a)
            _compare_max_norm(W, max_value, axis, got, expected)


def check_max_norm_edge_cases(max_norm) -> None:
    """Slices at or below the limit unchanged bit for bit, zero slices, W left unmodified."""
    # Columns with norms 5, 0, 7 and 0 (exact in floating point).
    base = np.array([[3.0, 0.0, 2.0, 0.0], [4.0, 0.0, 3.0, 0.0], [0.0, 0.0, 6.0, 0.0]])
    rng = np.random.default_rng(6400)
    cases = [
        (base, 5.0, 0, "column 0 has norm exactly 5 = max_value: it must stay bit for bit"),
        (base, 7.0, 0, "no column has norm above 7: W must come back bit for bit"),
        (base.T.copy(), 5.0, 1, "axis=1: row 0 has norm exactly 5 = max_value"),
        (base, 1.0, 0, "the zero columns have norm 0: they stay 0, without NaN"),
        (np.zeros((3, 2)), 1.0, 0, "an all-zero array stays zero, without NaN"),
        (np.zeros((2, 3, 2)), 0.5, 1, "an all-zero array stays zero, without NaN"),
        (_random_kernel(rng, (5, 4)), 100.0, 0, "every column is far below the limit"),
        (_random_kernel(rng, (3, 2, 4)), 100.0, 2, "every slice is far below the limit"),
    ]
    for W, max_value, axis, note in cases:
        before = W.copy()
        call = _max_norm_call(W, max_value, axis)
        out = _guarded("max_norm", call, max_norm, W, max_value, axis, hint=_BROADCAST_HINT)
        if not np.array_equal(W, before):
            raise AssertionError(
                f"{call} modified W in place: never write into the weight array (no `W *= ...` "
                "or `W[...] = ...`); compute and return a new array."
            )
        if not isinstance(out, np.ndarray) or out.shape != W.shape or out.dtype != np.float64:
            raise AssertionError(
                f"{call} returned {out!r}; expected a float64 NumPy array of shape {W.shape}."
            )
        expected = _max_norm_model(W, max_value, axis)
        _compare_max_norm(W, max_value, axis, out, expected, note=f" ({note})")
        norms = np.sqrt(np.sum(W * W, axis=axis, keepdims=True))
        keep = np.broadcast_to(norms <= max_value, W.shape)
        if not np.array_equal(out[keep], W[keep]):
            diff = np.argmax(out[keep] != W[keep])
            raise AssertionError(
                f"{call} ({note}): a slice whose norm is at most max_value changed: an element "
                f"{float(W[keep][diff])!r} became {float(out[keep][diff])!r}. Such slices must come back "
                "unchanged, bit for bit (no epsilon, no rescaling by a factor close to 1)."
                + _max_norm_diagnosis(W, max_value, axis, out, expected)
            )


def check_max_norm(max_norm) -> None:
    """Every check of max_norm."""
    check_max_norm_matches_torch(max_norm)
    check_max_norm_edge_cases(max_norm)


# --------------------------------------------------------------------------------------
# EarlyStopping
# --------------------------------------------------------------------------------------


class _StopperModel:
    """The contract's EarlyStopping, with optional known mistakes."""

    def __init__(self, patience, min_delta=0.0, *, mistakes=()):
        self.has = frozenset(mistakes).__contains__
        self.patience, self.min_delta = patience, min_delta
        self.best_loss, self.best_epoch, self.wait = math.inf, -1, 0
        self.calls = 0
        self.improvements = 0
        self.stopped = False

    def _improves(self, v) -> bool:
        best, d, has = self.best_loss, self.min_delta, self.has
        if has("le"):
            return v <= best - d
        if has("plus_delta"):
            return v < best + d
        if has("relative"):
            return v < best * (1 - d)
        if has("ignore_delta"):
            return v < best
        if has("difference_form"):
            return best - v > d
        if has("sum_form"):
            return v + d < best
        if has("nan_improves"):
            return not v >= best - d
        return v < best - d

    def step(self, v) -> bool:
        has = self.has
        before = self.wait >= self.patience
        if self._improves(v):
            self.best_loss = v
            self.improvements += 1
            self.best_epoch = (
                self.calls + 1
                if has("one_based")
                else self.improvements - 1
                if has("counts_improvements")
                else self.calls
            )
            if not has("no_reset"):
                self.wait = 0
        else:
            self.wait += 1
            if has("best_tracks_min") and v < self.best_loss:
                self.best_loss = v
        self.calls += 1
        if has("stop_before_update"):
            return before
        if has("gt"):
            return self.wait > self.patience
        if has("only_once"):
            return self.wait == self.patience
        if has("latched"):
            self.stopped = self.stopped or self.wait >= self.patience
            return self.stopped
        return self.wait >= self.patience


_STOPPER_DIAGNOSES = {
    "le": (
        "a loss exactly min_delta below the best (a tie) was counted as an improvement: an "
        "improvement is STRICTLY val_loss < best_loss - min_delta (use <, not <=)."
    ),
    "plus_delta": (
        "min_delta has the wrong sign: an improvement must beat the best by min_delta, "
        "val_loss < best_loss - min_delta (you used best_loss + min_delta)."
    ),
    "relative": (
        "min_delta used as a relative threshold: it is absolute, val_loss < best_loss - min_delta "
        "(not best_loss * (1 - min_delta))."
    ),
    "ignore_delta": ("min_delta ignored: an improvement means val_loss < best_loss - min_delta."),
    "difference_form": (
        "improvement computed as best_loss - val_loss > min_delta: in floating point this "
        "rounds differently (e.g. best 1.0, min_delta 0.05, loss 0.95: 1.0 - 0.05 is exactly "
        "0.95, no improvement, but 1.0 - 0.95 = 0.050000000000000044 > 0.05). Compute exactly "
        "val_loss < best_loss - min_delta."
    ),
    "sum_form": (
        "improvement computed as val_loss + min_delta < best_loss: in floating point this rounds "
        "differently from the contract's val_loss < best_loss - min_delta; compute exactly that."
    ),
    "nan_improves": (
        "a NaN loss counted as an improvement: written as `not val_loss >= best_loss - "
        "min_delta` the test is True for NaN; `val_loss < best_loss - min_delta` is False for NaN."
    ),
    "one_based": (
        "best_epoch is 1-based: it is the 0-based index of the step call that set best_loss (the "
        "first call has index 0)."
    ),
    "counts_improvements": (
        "best_epoch counts improvements: it is the index of the step CALL that set best_loss "
        "(count every call, improving or not)."
    ),
    "no_reset": "wait is not reset to 0 when the loss improves.",
    "gt": (
        "stops one call late: step returns wait >= patience (True as soon as wait reaches "
        "patience), not wait > patience."
    ),
    "best_tracks_min": (
        "best_loss changed without an improvement: best_loss (and best_epoch) change only when "
        "val_loss < best_loss - min_delta; a smaller loss that does not beat best_loss - "
        "min_delta leaves them alone and counts as a bad call."
    ),
    "stop_before_update": (
        "step returns the decision of the previous call: update best_loss / wait with this "
        "loss first, then return wait >= patience."
    ),
    "only_once": (
        "step returns True only at the call where wait reaches patience: it returns "
        "wait >= patience, so it keeps returning True while the loss does not improve."
    ),
    "latched": (
        "once True, your step keeps returning True even after an improvement: it returns "
        "wait >= patience after each call, and an improvement resets wait to 0."
    ),
}


@dataclass
class _StopCase:
    patience: int
    min_delta: float | None  # None: use the default
    losses: list[float]
    note: str = ""

    def call(self) -> str:
        if self.min_delta is None:
            return f"EarlyStopping(patience={self.patience})"
        return f"EarlyStopping(patience={self.patience}, min_delta={self.min_delta!r})"


Row = tuple[bool, float, int, int]


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b


def _same_rows(x: Sequence[Row], y: Sequence[Row]) -> bool:
    return len(x) == len(y) and all(
        all(_same(p, q) for p, q in zip(r, s, strict=True)) for r, s in zip(x, y, strict=True)
    )


def _new_stopper(cls, case: _StopCase):
    if case.min_delta is None:
        return _guarded("EarlyStopping", case.call(), cls, case.patience)
    return _guarded("EarlyStopping", case.call(), cls, case.patience, min_delta=case.min_delta)


def _read_state(obj, call: str) -> tuple[float, int, int]:
    try:
        best, epoch, wait = obj.best_loss, obj.best_epoch, obj.wait
    except AttributeError as exc:
        raise AssertionError(
            f"{call}: {exc}. EarlyStopping keeps the attributes best_loss, best_epoch and wait "
            "(self.best_loss = ... etc.)."
        ) from exc
    try:
        return float(best), int(epoch), int(wait)
    except (TypeError, ValueError) as exc:
        raise AssertionError(
            f"{call}: best_loss must be a float and best_epoch, wait integers; got "
            f"{best!r}, {epoch!r}, {wait!r}."
        ) from exc


def _student_trace(cls, case: _StopCase) -> list[Row]:
    stopper = _new_stopper(cls, case)
    rows = []
    for n, v in enumerate(case.losses):
        call = f"{case.call()}.step({v!r}) (call #{n}, 0-based)"
        flag = _guarded("EarlyStopping", call, stopper.step, v)
        if not isinstance(flag, (bool, np.bool_)):
            raise AssertionError(
                f"{call} returned {flag!r} of type {type(flag).__name__}; step must return a bool "
                "(True: stop now), i.e. the value of wait >= patience."
            )
        rows.append((bool(flag), *_read_state(stopper, call)))
    return rows


def _model_trace(case: _StopCase, mistakes=()) -> list[Row]:
    model = _StopperModel(
        case.patience, 0.0 if case.min_delta is None else case.min_delta, mistakes=mistakes
    )
    rows = []
    for v in case.losses:
        flag = model.step(v)
        rows.append((bool(flag), float(model.best_loss), model.best_epoch, model.wait))
    return rows


def _torch_trace(case: _StopCase) -> list[Row]:
    """torch's ReduceLROnPlateau(mode="min", threshold_mode="abs") as the counter."""
    import torch

    torch.set_num_threads(1)
    param = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
    optimizer = torch.optim.SGD([param], lr=1.0)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(
        optimizer,
        mode="min",
        threshold_mode="abs",
        threshold=0.0 if case.min_delta is None else case.min_delta,
        patience=10**9,  # never reduces, so num_bad_epochs is never reset by a reduction
        cooldown=0,
    )
    rows, best_epoch = [], -1
    for n, v in enumerate(case.losses):
        sched.step(v)
        if sched.num_bad_epochs == 0:  # this call improved
            best_epoch = n
        bad = sched.num_bad_epochs
        rows.append((bad >= case.patience, float(sched.best), best_epoch, bad))
    return rows


def _fmt_row(r: Row) -> str:
    return f"stop={r[0]!s:<5} best_loss={r[1]!r:<22} best_epoch={r[2]:<3} wait={r[3]}"


def _stop_message(case: _StopCase, got, expected, oracle: str, diagnosis: str | None) -> str:
    k = next(
        i for i, (g, e) in enumerate(zip(got, expected, strict=True)) if not _same_rows([g], [e])
    )
    losses = ", ".join(repr(v) for v in case.losses[:14])
    if len(case.losses) > 14:
        losses += f", ... ({len(case.losses)} losses)"
    lo = max(0, k - 4)
    table = []
    for n in range(lo, min(len(got), k + 2)):
        table.append(
            f"    call #{n:<3} loss {case.losses[n]!r:<22} expected {_fmt_row(expected[n])}"
        )
        table.append(f"    {'':<10}{'':<27}     got {_fmt_row(got[n])}")
    lines = [
        f"{case.call()} fed the losses [{losses}], compared with {oracle}:",
        *([case.note] if case.note else []),
        f"after call #{k} (0-based, loss {case.losses[k]!r}) expected "
        f"{_fmt_row(expected[k])}, got {_fmt_row(got[k])}.",
        *table,
    ]
    if diagnosis:
        lines.append(f"Diagnosis: {diagnosis}")
    return "\n".join(lines)


def _stop_diagnosis(cls, cases, traces) -> str | None:
    """The known mistakes that reproduce the student's traces on every case, if any."""
    found = []
    for key, text in _STOPPER_DIAGNOSES.items():
        explains, differs = True, False
        for case in cases:
            got = traces.get(id(case))
            if got is None:
                continue
            mutant = _model_trace(case, (key,))
            if not _same_rows(mutant, got):
                explains = False
                break
            differs = differs or not _same_rows(mutant, _model_trace(case))
        if explains and differs:
            found.append(text)
    if len(found) > 1:  # these losses cannot tell the mistakes apart
        return "one of these mistakes:\n  - " + "\n  - ".join(found)
    return found[0] if found else None


def _class_state_hint(cls) -> str:
    if not isinstance(cls, type):
        return ""
    names = [
        name
        for klass in cls.__mro__[:-1]
        for name, value in vars(klass).items()
        if not name.startswith("__") and isinstance(value, (list, dict, set, np.ndarray))
    ]
    if not names:
        return ""
    return (
        f"\nNote: {cls.__name__} has class-level mutable attribute(s) "
        f"{', '.join(names)}: all instances share them. Create the state in __init__."
    )


def _check_stop_cases(cls, cases: Sequence[_StopCase], oracle: str, expected_of) -> None:
    for case in cases:
        expected = expected_of(case)
        got = _student_trace(cls, case)
        if _same_rows(got, expected):
            continue
        traces = {id(case): got}
        for other in cases:
            if other is not case:
                try:
                    traces[id(other)] = _student_trace(cls, other)
                except AssertionError:
                    pass
        diagnosis = _stop_diagnosis(cls, cases, traces)
        raise AssertionError(
            _stop_message(case, got, expected, oracle, diagnosis) + _class_state_hint(cls)
        )


def _noisy_curve(seed: int, n: int, noise: float, decimals: int | None = None) -> list[float]:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    # Falls, flattens, then creeps up again (overfitting), with noise.
    curve = 0.3 + np.exp(-t / (n / 6)) + 0.002 * np.maximum(t - n / 2, 0)
    curve = curve + noise * rng.standard_normal(n)
    if decimals is not None:
        curve = np.round(curve, decimals)
    return [float(v) for v in curve]


_TORCH_ORACLE = (
    "torch's ReduceLROnPlateau(mode='min', threshold_mode='abs', threshold=min_delta) used as "
    "the counter (its best and num_bad_epochs)"
)


def check_early_stopping_matches_torch(EarlyStopping) -> None:
    """Random loss curves, several patience/min_delta (defaults too), two instances side by side."""
    cases = [
        _StopCase(3, None, _noisy_curve(6501, 60, 0.02)),
        _StopCase(1, 0.0, _noisy_curve(6502, 40, 0.05)),
        _StopCase(5, 1e-3, _noisy_curve(6503, 120, 0.01)),
        _StopCase(2, 0.01, _noisy_curve(6504, 80, 0.01, decimals=2), "losses rounded to 0.01"),
        _StopCase(10, 0.0, _noisy_curve(6505, 200, 0.005)),
        _StopCase(4, 0.05, _noisy_curve(6506, 60, 0.03, decimals=2), "losses rounded to 0.01"),
    ]
    _check_stop_cases(EarlyStopping, cases, _TORCH_ORACLE, _torch_trace)
    # Two instances stepped side by side behave as each one alone.
    a, b = cases[2], cases[3]
    alone_a, alone_b = _student_trace(EarlyStopping, a), _student_trace(EarlyStopping, b)
    sa, sb = _new_stopper(EarlyStopping, a), _new_stopper(EarlyStopping, b)
    for n, (va, vb) in enumerate(zip(a.losses, b.losses, strict=False)):
        ra = (bool(sa.step(va)), *_read_state(sa, a.call()))
        rb = (bool(sb.step(vb)), *_read_state(sb, b.call()))
        if not (_same_rows([ra], [alone_a[n]]) and _same_rows([rb], [alone_b[n]])):
            raise AssertionError(
                f"two EarlyStopping instances share state: stepping {a.call()} and {b.call()} "
                f"side by side gave different results at call #{n} than each one alone. Keep "
                "best_loss, best_epoch and wait per instance (self.... = ... in __init__)."
                + _class_state_hint(EarlyStopping)
            )


def check_early_stopping_ties_and_nan(EarlyStopping) -> None:
    """Exact ties with min_delta, the float64 form of the test, NaN and inf losses, keep stopping."""
    nan, inf = math.nan, math.inf
    just_below = float(np.nextafter(0.75, 0.0))
    cases = [
        _StopCase(
            5,
            0.25,
            [1.0, 0.75, 0.7, 0.5, 0.25],
            "min_delta = 0.25: 0.75 is exactly 1.0 - 0.25, a tie and NOT an improvement; 0.7 "
            "improves; 0.5 is not below 0.7 - 0.25; 0.25 is.",
        ),
        _StopCase(
            5,
            0.25,
            [1.0, just_below],
            f"{just_below!r}, one float below 1.0 - 0.25 = 0.75, is an improvement.",
        ),
        _StopCase(
            2,
            0.0,
            [0.5, 0.5, 0.5, 0.25, 0.25, 0.25],
            "min_delta = 0: a loss equal to the best is not an improvement.",
        ),
        _StopCase(
            3,
            0.05,
            [1.0, 0.95, 0.9],
            "In float64 1.0 - 0.05 is exactly 0.95, so 0.95 is not an improvement (the test is "
            "val_loss < best_loss - min_delta, computed in exactly this form).",
        ),
        _StopCase(
            3,
            0.2,
            [1.0, float(np.nextafter(0.8, 0.0))],
            "1.0 - 0.2 is 0.8 in float64 and 0.7999999999999999 < 0.8: an improvement.",
        ),
        _StopCase(
            3,
            0.25,
            [-1.0, -1.25, -1.5, -1.5],
            "Negative losses: -1.25 is exactly -1.0 - 0.25 (no improvement); -1.5 improves.",
        ),
        _StopCase(
            2,
            None,
            [nan, 1.0, nan, nan, 0.5, nan],
            "A NaN loss is never an improvement (every comparison with NaN is False): it counts "
            "as a call without improvement, also as the very first loss.",
        ),
        _StopCase(
            1,
            0.0,
            [inf, inf, 2.0],
            "An infinite loss is not below best_loss = inf: no improvement.",
        ),
        _StopCase(
            1,
            0.0,
            [1.0, 2.0, 2.0, 2.0, 0.5, 0.6],
            "patience = 1: True at every call without improvement (wait keeps growing), False "
            "again after an improvement.",
        ),
        _StopCase(
            3,
            0.1,
            [1.0, 0.95, 0.92, 0.85, 0.89, 0.8, 0.79, 0.7, 0.75],
            "min_delta = 0.1: 0.95 and 0.92 are below 1.0 but not by more than 0.1, so best_loss "
            "stays 1.0; 0.85 < 0.9 improves.",
        ),
    ]
    _check_stop_cases(EarlyStopping, cases, "the contract's rule, worked out by hand", _model_trace)
    # The same curves fed as np.float64 losses behave the same.
    case = _StopCase(2, 0.25, [1.0, 0.75, 0.5, 0.5, 0.5, 0.2])
    typed = _StopCase(2, 0.25, [np.float64(v) for v in case.losses], "losses given as np.float64")
    _check_stop_cases(EarlyStopping, [typed], "the contract's rule", lambda c: _model_trace(case))


def check_early_stopping_contract(EarlyStopping) -> None:
    """Initial attributes, bool results, the default min_delta, and ValueError for bad arguments."""
    for args, kwargs in (((3,), {}), ((1,), {"min_delta": 0.0}), ((2,), {"min_delta": 0.5})):
        call = f"EarlyStopping({', '.join([repr(a) for a in args] + [f'{k}={v!r}' for k, v in kwargs.items()])})"
        stopper = _guarded("EarlyStopping", call, EarlyStopping, *args, **kwargs)
        state = _read_state(stopper, call)
        if not (state[0] == math.inf and state[1] == -1 and state[2] == 0):
            raise AssertionError(
                f"{call}: a new instance must start with best_loss = inf, best_epoch = -1 and "
                f"wait = 0; got best_loss={stopper.best_loss!r}, best_epoch={stopper.best_epoch!r}, "
                f"wait={stopper.wait!r}."
            )
        flag = _guarded("EarlyStopping", f"{call}.step(1.0)", stopper.step, 1.0)
        if not isinstance(flag, (bool, np.bool_)):
            raise AssertionError(
                f"{call}.step(1.0) returned {flag!r} of type {type(flag).__name__}; step must "
                "return a bool (True: stop now)."
            )
    bad_arguments = [
        ((0,), {}, "patience = 0"),
        ((-2,), {}, "a negative patience"),
        ((3,), {"min_delta": -0.1}, "a negative min_delta"),
        ((1,), {"min_delta": -1e-12}, "a negative min_delta"),
    ]
    for args, kwargs, what in bad_arguments:
        call = f"EarlyStopping({args[0]!r}{''.join(f', {k}={v!r}' for k, v in kwargs.items())})"
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                EarlyStopping(*args, **kwargs)
        except ValueError:
            continue
        except NotImplementedError as exc:
            raise AssertionError(
                "EarlyStopping is not implemented yet: the constructor raised "
                "NotImplementedError. Replace the `raise NotImplementedError()` lines of the "
                "solution cell with your code."
            ) from exc
        except Exception as exc:
            raise AssertionError(
                f"{call} ({what}) raised {type(exc).__name__}: {_short(exc)}; it must raise "
                "ValueError (patience >= 1 and min_delta >= 0 are required)."
            ) from exc
        raise AssertionError(
            f"{call} ({what}) did not raise: the constructor must raise ValueError unless "
            "patience >= 1 and min_delta >= 0 (raise ValueError(...) in __init__)."
        )


def check_early_stopping(EarlyStopping) -> None:
    """Every check of EarlyStopping."""
    check_early_stopping_matches_torch(EarlyStopping)
    check_early_stopping_ties_and_nan(EarlyStopping)
    check_early_stopping_contract(EarlyStopping)
