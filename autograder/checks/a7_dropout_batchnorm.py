"""Trusted checks for assignment A7 (dropout, batch norm, noise and augmentation).

The hidden tests of ``solutions/a7_dropout_batchnorm/a7_dropout_batchnorm.ipynb`` call the
``check_*`` functions below with the student's functions. Independent oracles:

* ``torch.nn.BatchNorm1d`` (float64) for the batch-norm forward pass in training and eval mode
  and its running statistics, and torch's autograd for the backward pass;
* central finite differences of the student's own forward pass for the backward pass;
* ``torch.nn.functional.cross_entropy(..., label_smoothing=s)`` (float64) for the smoothed loss;
* for every random function, a *twin* ``numpy.random.Generator`` with the same seed that makes
  exactly the draws of the contract, in its order: the student's values must equal the values
  computed from the twin's draws, and the student's generator must end in the twin's state
  (``rng.bit_generator.state``), so an extra, a missing or a reordered draw is caught.

Every call gets fresh copies of its inputs and the check verifies afterwards that the copies
are unchanged. Results must be NumPy float64 arrays of the documented shapes (the loss and
mixup's ``lam`` a Python or NumPy float).

When the student's numbers coincide with a known mistake, simulated by the small private
models below with ``mistakes=(key,)``, the message names the mistake in terms of the concept.
Messages never show the reference implementation; they quote the formulas only in words.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = [
    "ATOL",
    "RTOL",
    "check_add_gaussian_noise",
    "check_batchnorm_backward_finite_differences",
    "check_batchnorm_backward_matches_torch",
    "check_batchnorm_forward_eval_matches_torch",
    "check_batchnorm_forward_training_matches_torch",
    "check_cross_entropy_label_smoothing_edge_cases",
    "check_cross_entropy_label_smoothing_matches_torch",
    "check_dropconnect_linear_edge_cases",
    "check_dropconnect_linear_training",
    "check_dropout_backward",
    "check_dropout_forward_eval_and_edge_p",
    "check_dropout_forward_training",
    "check_mixup_batch",
    "check_random_crop",
    "check_random_horizontal_flip",
]

RTOL = 1e-10
"""Relative tolerance of value comparisons (float64 arithmetic in a different order)."""
ATOL = 1e-12
"""Absolute tolerance of value comparisons."""

_GRAD_RTOL = 1e-8  # the backward pass against autograd
_FD_RTOL, _FD_ATOL = 1e-5, 1e-7  # the backward pass against finite differences


# --------------------------------------------------------------------------------------
# Small helpers: calling the student's code, validating results, messages
# --------------------------------------------------------------------------------------


def _short(exc: BaseException, limit: int = 400) -> str:
    text = str(exc)
    return text if len(text) <= limit else text[:limit] + " ..."


def _guarded(name: str, call: str, fn: Callable, *args, **kwargs):
    """Call ``fn``; turn an exception into an AssertionError that names the call."""
    try:
        return fn(*args, **kwargs)
    except NotImplementedError as exc:
        raise AssertionError(
            f"{name} is not implemented yet: {call} raised NotImplementedError. Replace the "
            "`raise NotImplementedError()` line of the solution cell with your code."
        ) from exc
    except Exception as exc:
        raise AssertionError(f"{call} raised {type(exc).__name__}: {_short(exc)}") from exc


def _preview(a, n: int = 4) -> str:
    flat = np.asarray(a, dtype=np.float64).ravel()
    text = np.array2string(flat[:n], precision=10, separator=", ")
    return text + (f" ... ({flat.size} entries)" if flat.size > n else "")


def _worst(expected: np.ndarray, got: np.ndarray) -> str:
    with np.errstate(all="ignore"):
        diff = np.abs(np.asarray(got, dtype=np.float64) - expected)
    diff = np.where(np.isnan(diff), np.inf, diff)
    idx = np.unravel_index(int(np.argmax(diff)), expected.shape)
    return (
        f"  largest difference at index {tuple(int(i) for i in idx)}: "
        f"expected {float(expected[idx])!r}, got {float(got[idx])!r}"
    )


def _array(call: str, what: str, out, shape: tuple[int, ...]) -> np.ndarray:
    """``out`` must be a float64 ndarray of ``shape``; return it."""
    if out is None:
        raise AssertionError(f"{call} returned None as {what} (did you forget `return`?).")
    if not isinstance(out, np.ndarray):
        raise AssertionError(
            f"{call} returned a {type(out).__name__} as {what}; it must be a NumPy array of "
            f"shape {shape} and dtype float64."
        )
    if out.shape != shape:
        raise AssertionError(
            f"{call} returned {what} of shape {out.shape}; expected shape {shape}."
        )
    if out.dtype != np.float64:
        raise AssertionError(
            f"{call} returned {what} of dtype {out.dtype}; it must be float64 (for a mask, "
            "convert the boolean comparison to numbers by dividing it by 1 - p)."
        )
    return out


def _tuple(call: str, out, n: int, names: str) -> tuple:
    if not isinstance(out, (tuple, list)) or len(out) != n:
        got = f"a {type(out).__name__}" + (
            f" of length {len(out)}" if isinstance(out, (tuple, list)) else ""
        )
        raise AssertionError(f"{call} must return a tuple of {n} items ({names}); got {got}.")
    return tuple(out)


def _unmodified(call: str, pairs: dict[str, tuple[Any, Any]]) -> None:
    """Each ``name -> (passed, original)``: the passed copy must still equal the original."""
    for name, (passed, original) in pairs.items():
        if not np.array_equal(passed, original, equal_nan=True):
            raise AssertionError(
                f"{call} modified its input {name} in place: build new arrays (e.g. "
                "`x + noise`, `x * mask`, `np.pad(...)`) instead of assigning into the inputs "
                "(`x += ...`, `x[...] = ...`, `running_mean *= ...`)."
            )


def _close(a, b, rtol: float = RTOL, atol: float = ATOL) -> bool:
    """Same shape and values (NaN where both are NaN counts as equal); None equals None."""
    if a is None or b is None:
        return a is None and b is None
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        return False
    with np.errstate(all="ignore"):
        return bool(np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True))


def _state(rng: np.random.Generator) -> dict:
    return rng.bit_generator.state


def _numbers_drawn(seed: int, after: dict, limit: int = 5000) -> int | None:
    """How many 64-bit words a fresh ``default_rng(seed)`` must draw to reach ``after``.

    ``rng.random`` takes one word per number, so for the random() based functions this is
    the count of uniform numbers the student drew. None when not found within ``limit``
    (or when the state holds a buffered 32-bit half, as after ``rng.integers``).
    """
    probe = np.random.default_rng(seed)
    bits = probe.bit_generator
    for k in range(limit + 1):
        if bits.state == after:
            return k
        bits.random_raw()
    return None


def _draws_text(seed: int, after: dict, expected: int) -> str:
    k = _numbers_drawn(seed, after, limit=max(2 * expected, 64) + 64)
    if k is None:
        return "your generator ended in a state that no sequence of rng.random draws explains"
    return f"you drew {k} uniform number(s) from rng; the contract draws exactly {expected}"


def _explain(got: tuple, seed: int, model: Callable, args: tuple, diagnoses: dict[str, str]):
    """The diagnosis of the first known mistake whose model, run on ``default_rng(seed)``,
    gives the student's values and leaves the generator in the student's state."""
    got_values, got_state = got
    for key, text in diagnoses.items():
        rng = np.random.default_rng(seed)
        try:
            with np.errstate(all="ignore"):
                wrong = model(*args, rng, mistakes=(key,))
        except Exception:
            continue
        if not isinstance(wrong, tuple):
            wrong = (wrong,)
        if _state(rng) == got_state and all(
            _close(g, w) for g, w in zip(got_values, wrong, strict=True)
        ):
            return text
    return None


def _with_diagnosis(lines: list[str], diagnosis: str | None, fallback: str) -> str:
    lines.append(f"Diagnosis: {diagnosis}" if diagnosis else fallback)
    return "\n".join(lines)


# --------------------------------------------------------------------------------------
# Dropout
# --------------------------------------------------------------------------------------


def _dropout_model(x, p, training, rng, *, mistakes=()):
    has = mistakes.__contains__
    if not training:
        if has("draw_when_not_training"):
            rng.random(x.shape)
        if has("scale_at_eval"):
            return x * (1 - p), None
        return x.copy(), None
    if p == 0 and not has("draw_when_p_zero"):
        return x.copy(), None
    if p == 1:
        if has("draw_when_p_one"):
            rng.random(x.shape)
        return np.zeros_like(x), np.zeros_like(x)
    u = rng.random(x.shape)
    if has("keep_probability"):
        mask = (u < p) / p
    elif has("keep_comparison"):
        mask = (u < p) / (1 - p)
    elif has("no_rescale"):
        mask = (u >= p).astype(np.float64)
    else:
        mask = (u >= p) / (1 - p)
    return x * mask, mask


_KEEP_PROBABILITY = (
    "keep probability used as the drop probability: p is the probability to DROP an entry, so "
    "an entry is kept when rng.random(x.shape) >= p (probability 1 - p) and kept entries are "
    "scaled by 1 / (1 - p); you keep it when the draw is < p."
)
_DROPOUT_DIAGNOSES = {
    "keep_probability": _KEEP_PROBABILITY,
    "keep_comparison": _KEEP_PROBABILITY,
    "no_rescale": (
        "kept entries are not rescaled by 1 / (1 - p): inverted dropout divides the mask by "
        "1 - p during training, so that the expected output equals x and nothing needs to "
        "change at test time."
    ),
    "draw_when_not_training": (
        "random numbers drawn when not training: in eval mode dropout is the identity and "
        "must leave rng untouched (return x and None before drawing anything)."
    ),
    "scale_at_eval": (
        "scaling at eval time: that is the old (non-inverted) dropout. Inverted dropout "
        "already divides by 1 - p while training, so in eval mode the output is x unchanged."
    ),
    "draw_when_p_zero": (
        "with p == 0 nothing is dropped: return (x, None) without drawing from rng."
    ),
    "draw_when_p_one": (
        "with p == 1 everything is dropped: return (zeros, zeros) without drawing from rng "
        "(check p == 1 before calling rng.random)."
    ),
}


def _call_dropout(dropout_forward, x, p, training, seed):
    """Run the student's dropout_forward; validate and return (out, mask, state, call)."""
    rng = np.random.default_rng(seed)
    passed = x.copy()
    call = f"dropout_forward(x of shape {x.shape}, p={p}, training={training}, rng)"
    result = _guarded("dropout_forward", call, dropout_forward, passed, p, training, rng)
    out, mask = _tuple(call, result, 2, "out, mask")
    _unmodified(call, {"x": (passed, x)})
    out = _array(call, "out", out, x.shape)
    if mask is not None:
        mask = _array(call, "the mask", mask, x.shape)
    return out, mask, _state(rng), call


def _dropout_mismatch(call, seed, x, p, training, got, expected, what) -> str:
    diagnosis = _explain(
        ((got[0], got[1]), got[2]), seed, _dropout_model, (x, p, training), _DROPOUT_DIAGNOSES
    )
    lines = [f"{call}: {what}"]
    if expected is not None and got is not None:
        for name, g, e in (("out", got[0], expected[0]), ("mask", got[1], expected[1])):
            if e is not None and g is not None and not _close(g, e):
                lines += [
                    f"  expected {name} = {_preview(e)}",
                    f"  got      {name} = {_preview(g)}",
                ]
    return _with_diagnosis(
        lines,
        diagnosis,
        "Inverted dropout with drop probability p: mask = (rng.random(x.shape) >= p) / (1 - p) "
        "(one draw of x's shape), out = x * mask.",
    )


def check_dropout_forward_training(dropout_forward) -> None:
    """Training mode with 0 < p < 1: the mask formula, one rng.random(x.shape) draw, dtypes."""
    cases = [((5,), 0.5), ((4, 3), 0.2), ((2, 3, 4), 0.8), ((30, 20), 0.5), ((1,), 0.3)]
    for i, (shape, p) in enumerate(cases):
        seed = 7100 + i
        x = np.random.default_rng(seed + 500).standard_normal(shape)
        out, mask, state, call = _call_dropout(dropout_forward, x, p, True, seed)
        twin = np.random.default_rng(seed)
        exp_out, exp_mask = _dropout_model(x, p, True, twin)
        if mask is None:
            raise AssertionError(
                f"{call} returned mask None while training with 0 < p < 1: return the mask "
                "(rng.random(x.shape) >= p) / (1 - p) that dropout_backward needs."
            )
        if not _close(out, exp_out) or not _close(mask, exp_mask) or state != _state(twin):
            what = "out or mask differs from inverted dropout with the same generator."
            if state != _state(twin):
                what = (
                    f"the random draws differ from one rng.random(x.shape) call: "
                    f"{_draws_text(seed, state, x.size)}."
                )
            raise AssertionError(
                _dropout_mismatch(
                    call, seed, x, p, True, (out, mask, state), (exp_out, exp_mask), what
                )
            )


def check_dropout_forward_eval_and_edge_p(dropout_forward) -> None:
    """Not training, p == 0 and p == 1: the documented results, and no draw from rng."""
    x = np.random.default_rng(7200).standard_normal((6, 4))
    cases = [
        (0.5, False, "not training"),
        (0.0, False, "not training"),
        (0.9, False, "not training"),
    ]
    cases += [(0.0, True, "p == 0"), (1.0, True, "p == 1"), (1.0, False, "not training")]
    for i, (p, training, label) in enumerate(cases):
        seed = 7210 + i
        out, mask, state, call = _call_dropout(dropout_forward, x, p, training, seed)
        fresh = _state(np.random.default_rng(seed))
        exp_out, exp_mask = _dropout_model(x, p, training, np.random.default_rng(seed))
        got = (out, mask, state)
        if state != fresh:
            what = (
                f"{_draws_text(seed, state, 0)} ({label}: no draw at all, so that the "
                "generator's later draws stay the same whether or not dropout ran)."
            )
            raise AssertionError(_dropout_mismatch(call, seed, x, p, training, got, None, what))
        if label == "p == 1":
            if mask is None or not (np.all(out == 0) and np.all(mask == 0)):
                raise AssertionError(
                    _dropout_mismatch(
                        call,
                        seed,
                        x,
                        p,
                        training,
                        got,
                        None,
                        "with p == 1 every entry is dropped: return (zeros, zeros) of x's shape "
                        "(float64), without drawing.",
                    )
                )
            continue
        if mask is not None or not _close(out, exp_out, 0.0, 0.0):
            what = f"{label}: dropout is the identity, return (x, None)."
            if mask is not None:
                what += " The mask must be None (there is nothing to multiply in backward)."
            raise AssertionError(
                _dropout_mismatch(call, seed, x, p, training, got, (exp_out, exp_mask), what)
            )


def check_dropout_backward(dropout_backward) -> None:
    """dropout_backward(dout, mask) is dout * mask (dout itself when mask is None)."""
    rng = np.random.default_rng(7300)
    for shape, p in (((5,), 0.5), ((4, 3), 0.25), ((2, 3, 4), 0.8)):
        dout = rng.standard_normal(shape)
        mask = (rng.random(shape) >= p) / (1 - p)
        dout_in, mask_in = dout.copy(), mask.copy()
        call = f"dropout_backward(dout, mask) with a mask of p={p} (values 0 and {1 / (1 - p):g})"
        dx = _guarded("dropout_backward", call, dropout_backward, dout_in, mask_in)
        _unmodified(call, {"dout": (dout_in, dout), "mask": (mask_in, mask)})
        dx = _array(call, "dx", dx, shape)
        expected = dout * mask
        if not _close(dx, expected):
            lines = [
                f"{call}: dx is not dout * mask.",
                f"  expected dx = {_preview(expected)}",
                f"  got      dx = {_preview(dx)}",
            ]
            if _close(dx, dout * (mask != 0)):
                lines.append(
                    "Diagnosis: the backward pass is not rescaled by 1 / (1 - p): the mask "
                    "already holds the scaled values (0 or 1 / (1 - p)), so multiply dout by "
                    "the mask itself, not by mask != 0."
                )
            else:
                lines.append("out = x * mask, so d out / d x = mask: the gradient is dout * mask.")
            raise AssertionError("\n".join(lines))
    dout = rng.standard_normal((3, 2))
    dout_in = dout.copy()
    call = "dropout_backward(dout, None) (the mask of an eval-mode or p == 0 forward pass)"
    dx = _guarded("dropout_backward", call, dropout_backward, dout_in, None)
    _unmodified(call, {"dout": (dout_in, dout)})
    dx = _array(call, "dx", dx, dout.shape)
    if not _close(dx, dout, 0.0, 0.0):
        raise AssertionError(
            f"{call}: with mask None the forward pass was the identity, so dx = dout; "
            f"got {_preview(dx)} for dout = {_preview(dout)}."
        )


# --------------------------------------------------------------------------------------
# DropConnect
# --------------------------------------------------------------------------------------


def _dropconnect_model(x, W, b, p, training, rng, *, mistakes=()):
    has = mistakes.__contains__
    if not training or p == 0:
        if has("draw_when_not_training") and not training:
            rng.random(W.shape)
        return x @ W + b
    if p == 1:
        if has("draw_when_p_one"):
            rng.random(W.shape)
        return np.broadcast_to(b, (x @ W).shape).copy()
    if has("mask_on_inputs"):
        return (x * ((rng.random(x.shape) >= p) / (1 - p))) @ W + b
    keep = rng.random(W.shape) >= p
    mask = keep.astype(np.float64) if has("no_rescale") else keep / (1 - p)
    return x @ (W * mask) + b


_DROPCONNECT_DIAGNOSES = {
    "mask_on_inputs": (
        "DropConnect mask applied to x instead of W: DropConnect drops WEIGHTS, so the mask is "
        "drawn with W's shape (rng.random(W.shape) >= p) / (1 - p) and the output is "
        "x @ (W * M) + b; masking x is dropout on the inputs."
    ),
    "no_rescale": (
        "kept weights are not rescaled by 1 / (1 - p): M = (rng.random(W.shape) >= p) / (1 - p)."
    ),
    "draw_when_not_training": (
        "random numbers drawn when not training: in eval mode the layer is x @ W + b and must "
        "leave rng untouched."
    ),
    "draw_when_p_one": (
        "with p == 1 every weight is dropped: return b broadcast to the output shape without "
        "drawing from rng."
    ),
}


def _call_dropconnect(fn, x, W, b, p, training, seed):
    rng = np.random.default_rng(seed)
    xs, Ws, bs = x.copy(), W.copy(), b.copy()
    call = (
        f"dropconnect_linear(x of shape {x.shape}, W of shape {W.shape}, b, p={p}, "
        f"training={training}, rng)"
    )
    out = _guarded("dropconnect_linear", call, fn, xs, Ws, bs, p, training, rng)
    _unmodified(call, {"x": (xs, x), "W": (Ws, W), "b": (bs, b)})
    return _array(call, "the output", out, (x @ W).shape), _state(rng), call


def _dropconnect_failure(call, seed, args, got, state, expected, what) -> AssertionError:
    diagnosis = _explain(((got,), state), seed, _dropconnect_model, args, _DROPCONNECT_DIAGNOSES)
    lines = [f"{call}: {what}"]
    if expected is not None and not _close(got, expected):
        lines += [
            f"  expected {_preview(expected)}",
            f"  got      {_preview(got)}",
            _worst(expected, got),
        ]
    return AssertionError(
        _with_diagnosis(
            lines,
            diagnosis,
            "DropConnect: M = (rng.random(W.shape) >= p) / (1 - p) (one draw of W's shape), "
            "output x @ (W * M) + b.",
        )
    )


def _dropconnect_data(seed, n, d_in, d_out):
    rng = np.random.default_rng(seed + 900)
    return (
        rng.standard_normal((n, d_in)),
        rng.standard_normal((d_in, d_out)),
        rng.standard_normal(d_out),
    )


def check_dropconnect_linear_training(dropconnect_linear) -> None:
    """Training with 0 < p < 1: x @ (W * M) + b with one rng.random(W.shape) draw."""
    for i, (n, d_in, d_out, p) in enumerate(
        [(4, 3, 2, 0.5), (7, 5, 3, 0.2), (1, 6, 4, 0.75), (10, 2, 5, 0.5)]
    ):
        seed = 7400 + i
        x, W, b = _dropconnect_data(seed, n, d_in, d_out)
        got, state, call = _call_dropconnect(dropconnect_linear, x, W, b, p, True, seed)
        twin = np.random.default_rng(seed)
        expected = _dropconnect_model(x, W, b, p, True, twin)
        if state != _state(twin):
            what = (
                "the random draws differ from one rng.random(W.shape) call: "
                f"{_draws_text(seed, state, W.size)}."
            )
            raise _dropconnect_failure(call, seed, (x, W, b, p, True), got, state, expected, what)
        if not _close(got, expected):
            what = "the output differs from DropConnect with the same generator."
            raise _dropconnect_failure(call, seed, (x, W, b, p, True), got, state, expected, what)


def check_dropconnect_linear_edge_cases(dropconnect_linear) -> None:
    """Not training, p == 0 (x @ W + b) and p == 1 (b broadcast): no draw from rng."""
    x, W, b = _dropconnect_data(7450, 5, 4, 3)
    cases = [(0.5, False, "not training"), (0.0, True, "p == 0"), (1.0, True, "p == 1")]
    cases.append((1.0, False, "not training"))
    for i, (p, training, label) in enumerate(cases):
        seed = 7460 + i
        got, state, call = _call_dropconnect(dropconnect_linear, x, W, b, p, training, seed)
        expected = _dropconnect_model(x, W, b, p, training, np.random.default_rng(seed))
        args = (x, W, b, p, training)
        if state != _state(np.random.default_rng(seed)):
            what = f"{_draws_text(seed, state, 0)} ({label}: no draw at all)."
            raise _dropconnect_failure(call, seed, args, got, state, expected, what)
        if not _close(got, expected):
            what = (
                "with p == 1 every weight is dropped: the output is b broadcast to the output "
                "shape (N, d_out)."
                if label == "p == 1"
                else f"{label}: the layer is the plain x @ W + b."
            )
            raise _dropconnect_failure(call, seed, args, got, state, expected, what)


# --------------------------------------------------------------------------------------
# Batch normalization
# --------------------------------------------------------------------------------------


def _bn_model(x, gamma, beta, rm, rv, training, momentum=0.1, eps=1e-5, *, mistakes=()):
    """(out, (x, xhat, std, gamma), new_rm, new_rv) of BatchNorm1d, or a known mistake."""
    has = mistakes.__contains__
    if training or has("eval_batch_statistics"):
        mu = x.mean(axis=0)
        var = x.var(axis=0, ddof=1 if has("unbiased_normalize") else 0)
    else:
        mu, var = rm, rv
    std = np.sqrt(var + eps)
    if has("eps_outside_sqrt"):
        std = np.sqrt(var) + eps
    xhat = (x - mu) / std
    out = gamma * xhat + beta
    if not training:
        return out, None, rm.copy(), rv.copy()
    n = x.shape[0]
    m = 1 - momentum if has("momentum_swapped") else momentum
    unbiased = x.var(axis=0) * (1.0 if has("biased_running") else n / (n - 1))
    new_rm = (1 - m) * rm + m * mu
    new_rv = (1 - m) * rv + m * unbiased
    return out, (x, xhat, std, gamma), new_rm, new_rv


_BN_DIAGNOSES = {
    "unbiased_normalize": (
        "unbiased variance used to normalize: BatchNorm1d normalizes with the BIASED batch "
        "variance (divide by N, x.var(axis=0)); the unbiased one (N - 1) only enters the "
        "running variance."
    ),
    "biased_running": (
        "biased running variance: BatchNorm1d updates running_var with the UNBIASED batch "
        "variance (times N / (N - 1)), although it normalizes with the biased one."
    ),
    "momentum_swapped": (
        "momentum and 1 - momentum swapped: the running statistics are updated as "
        "(1 - momentum) * running + momentum * batch_statistic (momentum=0.1 keeps 90% of "
        "the old value)."
    ),
    "eval_batch_statistics": (
        "eval mode uses the batch statistics: in eval mode BatchNorm1d normalizes with "
        "running_mean and running_var and leaves them unchanged."
    ),
    "eps_outside_sqrt": (
        "eps added outside the square root: normalize by sqrt(var + eps), not sqrt(var) + eps."
    ),
}


def _torch_bn(x, gamma, beta, rm, rv, training, momentum, eps):
    """torch.nn.BatchNorm1d in float64: out, new running mean and variance."""
    import torch

    torch.set_num_threads(1)
    layer = torch.nn.BatchNorm1d(x.shape[1], eps=eps, momentum=momentum, dtype=torch.float64)
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(gamma))
        layer.bias.copy_(torch.from_numpy(beta))
        layer.running_mean.copy_(torch.from_numpy(rm))
        layer.running_var.copy_(torch.from_numpy(rv))
        layer.train(training)
        out = layer(torch.from_numpy(x.copy()))
    return out.numpy(), layer.running_mean.numpy().copy(), layer.running_var.numpy().copy()


def _bn_data(seed, n, d):
    rng = np.random.default_rng(seed)
    x = rng.normal(rng.uniform(-3, 3, d), rng.uniform(0.2, 4.0, d), (n, d))
    return (
        x,
        rng.uniform(0.5, 2.0, d),
        rng.standard_normal(d),
        rng.standard_normal(d),
        rng.uniform(0.5, 3.0, d),
    )


def _call_bn_forward(fn, x, gamma, beta, rm, rv, training, momentum, eps, *, inputs=True):
    """Run the student's forward pass (``momentum``/``eps`` None: the defaults).

    ``inputs=False`` skips the inputs-unmodified check: the backward checks only need the
    forward's cache, and the forward's own checks report in-place updates.
    """
    kwargs = {}
    if momentum is not None:
        kwargs["momentum"] = momentum
    if eps is not None:
        kwargs["eps"] = eps
    passed = [a.copy() for a in (x, gamma, beta, rm, rv)]
    opts = "".join(f", {k}={v}" for k, v in kwargs.items())
    call = (
        f"batchnorm_forward(x of shape {x.shape}, gamma, beta, running_mean, running_var, "
        f"training={training}{opts})"
    )
    result = _guarded("batchnorm_forward", call, fn, *passed, training, **kwargs)
    out, cache, new_rm, new_rv = _tuple(
        call, result, 4, "out, cache, new_running_mean, new_running_var"
    )
    if inputs:
        _unmodified(
            call,
            dict(
                zip(
                    ("x", "gamma", "beta", "running_mean", "running_var"),
                    zip(passed, (x, gamma, beta, rm, rv), strict=True),
                    strict=True,
                )
            ),
        )
    d = (x.shape[1],)
    out = _array(call, "out", out, x.shape)
    new_rm = _array(call, "new_running_mean", new_rm, d)
    new_rv = _array(call, "new_running_var", new_rv, d)
    return out, cache, new_rm, new_rv, call


def _bn_forward_case(fn, seed, n, d, training, momentum, eps) -> None:
    x, gamma, beta, rm, rv = _bn_data(seed, n, d)
    out, _, new_rm, new_rv, call = _call_bn_forward(
        fn, x, gamma, beta, rm, rv, training, momentum, eps
    )
    m = 0.1 if momentum is None else momentum
    e = 1e-5 if eps is None else eps
    exp_out, exp_rm, exp_rv = _torch_bn(x, gamma, beta, rm, rv, training, m, e)
    got = {"out": out, "new_running_mean": new_rm, "new_running_var": new_rv}
    expected = {"out": exp_out, "new_running_mean": exp_rm, "new_running_var": exp_rv}
    for name in got:
        if _close(got[name], expected[name], 1e-9, 1e-11):
            continue
        lines = [
            f"{call}: {name} differs from torch.nn.BatchNorm1d(momentum={m}, eps={e}) in "
            f"{'training' if training else 'eval'} mode.",
            f"  expected {_preview(expected[name])}",
            f"  got      {_preview(got[name])}",
            _worst(expected[name], got[name]),
        ]
        diagnosis = None
        with np.errstate(all="ignore"):
            for key, text in _BN_DIAGNOSES.items():
                wrong = _bn_model(x, gamma, beta, rm, rv, training, m, e, mistakes=(key,))
                wrong_parts = {
                    "out": wrong[0],
                    "new_running_mean": wrong[2],
                    "new_running_var": wrong[3],
                }
                if _close(got[name], wrong_parts[name], 1e-9, 1e-11):
                    diagnosis = text
                    break
        raise AssertionError(
            _with_diagnosis(
                lines,
                diagnosis,
                "Training: normalize with the batch mean and the biased batch variance, "
                "update running = (1 - momentum) * running + momentum * batch statistic "
                "(the unbiased variance for running_var). Eval: normalize with the running "
                "statistics and return them unchanged.",
            )
        )


def check_batchnorm_forward_training_matches_torch(batchnorm_forward) -> None:
    """Training mode: out and both running statistics equal torch.nn.BatchNorm1d's."""
    cases = [(8, 3, None, None), (2, 4, 0.1, 1e-5), (32, 5, 0.3, 1e-3), (3, 1, 0.9, 1e-5)]
    cases.append((16, 6, 0.05, 0.5))  # a large eps: where it enters becomes visible
    for i, (n, d, momentum, eps) in enumerate(cases):
        _bn_forward_case(batchnorm_forward, 7500 + i, n, d, True, momentum, eps)


def check_batchnorm_forward_eval_matches_torch(batchnorm_forward) -> None:
    """Eval mode: normalizes with the running statistics and returns them unchanged."""
    cases = [(8, 3, None, None), (2, 4, 0.1, 1e-5), (5, 2, 0.3, 0.5), (1, 3, 0.1, 1e-5)]
    for i, (n, d, momentum, eps) in enumerate(cases):
        _bn_forward_case(batchnorm_forward, 7550 + i, n, d, False, momentum, eps)


def _bn_backward_model(x, gamma, dout, eps, *, mistakes=()):
    """(dx, dgamma, dbeta) of training-mode batch norm, or a known mistake."""
    has = mistakes.__contains__
    mu, var = x.mean(axis=0), x.var(axis=0)
    std = np.sqrt(var + eps)
    xhat = (x - mu) / std
    dbeta = dout.mean(axis=0) if has("dbeta_mean") else dout.sum(axis=0)
    dgamma = dout.sum(axis=0) if has("dgamma_sum_dout") else (dout * xhat).sum(axis=0)
    dxhat = dout if has("dx_without_gamma") else dout * gamma
    if has("no_mean_path"):
        dx = dxhat / std
    elif has("no_variance_path"):
        dx = (dxhat - dxhat.mean(axis=0)) / std
    elif has("no_mean_term"):
        dx = (dxhat - xhat * (dxhat * xhat).mean(axis=0)) / std
    else:
        dx = (dxhat - dxhat.mean(axis=0) - xhat * (dxhat * xhat).mean(axis=0)) / std
    return dx, dgamma, dbeta


_BN_BACKWARD_DIAGNOSES = {
    "no_mean_path": (
        "backward ignores the paths through the batch mean and variance: dx = dout * gamma / "
        "std treats mu and var as constants, but both depend on every x[i]. Subtract the "
        "column means of dxhat and of dxhat * xhat times xhat."
    ),
    "no_variance_path": (
        "backward ignores the path through the batch variance: after subtracting the mean of "
        "dxhat, also subtract xhat * mean(dxhat * xhat, axis=0)."
    ),
    "no_mean_term": (
        "backward ignores the path through the batch mean: also subtract the column mean of "
        "dxhat (each x[i] moves mu)."
    ),
    "dgamma_sum_dout": (
        "dgamma sums dout instead of dout * xhat: out = gamma * xhat + beta, so "
        "dgamma = sum over the batch of dout * xhat (dbeta is the plain sum of dout)."
    ),
    "dbeta_mean": "dbeta averages dout: it is the SUM of dout over the batch (axis 0).",
    "dx_without_gamma": (
        "gamma missing in dx: the gradient reaching xhat is dout * gamma (out = gamma * xhat + "
        "beta)."
    ),
}


def _student_backward(fwd, bwd, x, gamma, beta, dout, momentum, eps):
    d = x.shape[1]
    rm, rv = np.zeros(d), np.ones(d)
    _, cache, _, _, fcall = _call_bn_forward(
        fwd, x, gamma, beta, rm, rv, True, momentum, eps, inputs=False
    )
    dout_in = dout.copy()
    call = f"batchnorm_backward(dout, cache) after {fcall}"
    result = _guarded("batchnorm_backward", call, bwd, dout_in, cache)
    dx, dgamma, dbeta = _tuple(call, result, 3, "dx, dgamma, dbeta")
    _unmodified(call, {"dout": (dout_in, dout)})
    dx = _array(call, "dx", dx, x.shape)
    dgamma = _array(call, "dgamma", dgamma, (d,))
    dbeta = _array(call, "dbeta", dbeta, (d,))
    return (dx, dgamma, dbeta), call


def _forward_note(fwd, x, gamma, beta, momentum, eps) -> str:
    d = x.shape[1]
    out, *_ = _call_bn_forward(
        fwd, x, gamma, beta, np.zeros(d), np.ones(d), True, momentum, eps, inputs=False
    )
    exp, _, _ = _torch_bn(x, gamma, beta, np.zeros(d), np.ones(d), True, momentum, eps)
    if _close(out, exp, 1e-9, 1e-11):
        return ""
    return (
        "\nNote: your batchnorm_forward's out already differs from torch.nn.BatchNorm1d here; "
        "fix the forward pass first (the backward pass uses its cache)."
    )


def check_batchnorm_backward_matches_torch(batchnorm_forward, batchnorm_backward) -> None:
    """dx, dgamma, dbeta of your forward's cache equal torch autograd through BatchNorm1d."""
    import torch

    torch.set_num_threads(1)
    for i, (n, d, momentum, eps) in enumerate(
        [(8, 3, 0.1, 1e-5), (2, 4, 0.1, 1e-5), (16, 5, 0.2, 0.5), (5, 1, 0.1, 1e-3)]
    ):
        x, gamma, beta, _, _ = _bn_data(7600 + i, n, d)
        dout = np.random.default_rng(7650 + i).standard_normal((n, d))
        got, call = _student_backward(
            batchnorm_forward, batchnorm_backward, x, gamma, beta, dout, momentum, eps
        )
        xt = torch.tensor(x, requires_grad=True)
        layer = torch.nn.BatchNorm1d(d, eps=eps, momentum=momentum, dtype=torch.float64)
        with torch.no_grad():
            layer.weight.copy_(torch.from_numpy(gamma))
            layer.bias.copy_(torch.from_numpy(beta))
        layer(xt).backward(torch.from_numpy(dout))
        expected = (xt.grad.numpy(), layer.weight.grad.numpy(), layer.bias.grad.numpy())
        for name, g, e in zip(("dx", "dgamma", "dbeta"), got, expected, strict=True):
            if _close(g, e, _GRAD_RTOL, 1e-10):
                continue
            lines = [
                f"{call}: {name} differs from torch autograd through "
                f"torch.nn.BatchNorm1d(eps={eps}) in training mode.",
                f"  expected {name} = {_preview(e)}",
                f"  got      {name} = {_preview(g)}",
                _worst(e, g),
            ]
            diagnosis = None
            index = ("dx", "dgamma", "dbeta").index(name)
            for key, text in _BN_BACKWARD_DIAGNOSES.items():
                wrong = _bn_backward_model(x, gamma, dout, eps, mistakes=(key,))[index]
                if _close(g, wrong, 1e-9, 1e-11):
                    diagnosis = text
                    break
            message = _with_diagnosis(
                lines,
                diagnosis,
                "With xhat = (x - mu) / std and dxhat = dout * gamma: dbeta = sum(dout), "
                "dgamma = sum(dout * xhat), dx = (dxhat - mean(dxhat) - xhat * "
                "mean(dxhat * xhat)) / std (sums and means over the batch, axis 0).",
            )
            raise AssertionError(
                message + _forward_note(batchnorm_forward, x, gamma, beta, momentum, eps)
            )


def check_batchnorm_backward_finite_differences(batchnorm_forward, batchnorm_backward) -> None:
    """Your backward is the gradient of your forward's out (central differences), batches of 2+."""
    h = 1e-6
    for i, (n, d) in enumerate([(2, 3), (4, 2), (3, 1)]):
        x, gamma, beta, _, _ = _bn_data(7700 + i, n, d)
        dout = np.random.default_rng(7750 + i).standard_normal((n, d))
        got, call = _student_backward(
            batchnorm_forward, batchnorm_backward, x, gamma, beta, dout, 0.1, 1e-5
        )

        def loss(xx, gg, bb, d=d, dout=dout):
            out, *_ = _call_bn_forward(
                batchnorm_forward,
                xx,
                gg,
                bb,
                np.zeros(d),
                np.ones(d),
                True,
                0.1,
                1e-5,
                inputs=False,
            )
            return float(np.sum(dout * out))

        numeric = []
        for which in range(3):
            args = [x, gamma, beta]
            grad = np.zeros_like(args[which])
            for idx in np.ndindex(args[which].shape):
                plus, minus = [a.copy() for a in args], [a.copy() for a in args]
                plus[which][idx] += h
                minus[which][idx] -= h
                grad[idx] = (loss(*plus) - loss(*minus)) / (2 * h)
            numeric.append(grad)
        for name, g, e in zip(("dx", "dgamma", "dbeta"), got, numeric, strict=True):
            if not _close(g, e, _FD_RTOL, _FD_ATOL):
                lines = [
                    f"{call}: {name} is not the gradient of sum(dout * out) computed by central "
                    f"finite differences (step {h:g}) of your batchnorm_forward, batch of {n}.",
                    f"  finite differences {name} = {_preview(e)}",
                    f"  your backward      {name} = {_preview(g)}",
                ]
                diagnosis = None
                index = ("dx", "dgamma", "dbeta").index(name)
                for key, text in _BN_BACKWARD_DIAGNOSES.items():
                    wrong = _bn_backward_model(x, gamma, dout, 1e-5, mistakes=(key,))[index]
                    if _close(g, wrong, 1e-9, 1e-11):
                        diagnosis = text
                        break
                raise AssertionError(
                    _with_diagnosis(
                        lines,
                        diagnosis,
                        "In training mode mu and var depend on every row of x: the gradient "
                        "must follow those paths too.",
                    )
                )


# --------------------------------------------------------------------------------------
# Cross-entropy with label smoothing
# --------------------------------------------------------------------------------------


def _ce_model(logits, targets, s, *, mistakes=()):
    has = mistakes.__contains__
    n, k = logits.shape
    if has("no_logsumexp"):
        with np.errstate(all="ignore"):
            e = np.exp(logits)
            logp = np.log(e / e.sum(axis=1, keepdims=True))
    else:
        shifted = logits - logits.max(axis=1, keepdims=True)
        logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    onehot = np.zeros((n, k))
    onehot[np.arange(n), targets] = 1.0
    if has("smoothing_ignored"):
        q = onehot
    elif has("k_minus_one"):
        q = np.where(onehot == 1, 1 - s, s / (k - 1))
    else:
        q = (1 - s) * onehot + s / k
    losses = -(q * logp).sum(axis=1)
    return float(losses.sum() if has("sum_not_mean") else losses.mean())


_CE_DIAGNOSES = {
    "k_minus_one": (
        "label smoothing spread over the K - 1 other classes: torch's label_smoothing=s mixes "
        "the one-hot target with the UNIFORM distribution over all K classes, "
        "q = (1 - s) * onehot + s / K (the true class gets 1 - s + s / K)."
    ),
    "smoothing_ignored": (
        "smoothing ignored: this is the plain cross-entropy; the target is "
        "q = (1 - s) * onehot + s / K."
    ),
    "sum_not_mean": "the loss is summed over the batch: torch's default reduction is the mean.",
    "no_logsumexp": (
        "log-softmax without the log-sum-exp trick: exp of large logits overflows to inf "
        "(inf / inf = nan). Subtract each row's maximum before exponentiating: "
        "log_softmax(z) = z - max(z) - log(sum(exp(z - max(z))))."
    ),
}


def _ce_case(fn, logits, targets, s, label) -> None:
    import torch

    torch.set_num_threads(1)
    lg, tg = logits.copy(), targets.copy()
    call = (
        f"cross_entropy_label_smoothing(logits of shape {logits.shape}, targets, "
        f"smoothing={s}) with {label}"
    )
    got = _guarded("cross_entropy_label_smoothing", call, fn, lg, tg, s)
    _unmodified(call, {"logits": (lg, logits), "targets": (tg, targets)})
    if isinstance(got, np.ndarray) or not isinstance(got, (float, np.floating)):
        raise AssertionError(
            f"{call} returned a {type(got).__name__}; return the mean loss as a float "
            "(e.g. float(losses.mean()))."
        )
    expected = torch.nn.functional.cross_entropy(
        torch.from_numpy(logits), torch.from_numpy(targets), label_smoothing=s
    ).item()
    if np.isfinite(got) and np.isclose(got, expected, rtol=1e-9, atol=1e-11):
        return
    lines = [
        f"{call}: expected {expected!r} (torch.nn.functional.cross_entropy with "
        f"label_smoothing={s}), got {got!r}."
    ]
    diagnosis = None
    for key, text in _CE_DIAGNOSES.items():
        wrong = _ce_model(logits, targets, s, mistakes=(key,))
        if (np.isnan(wrong) and np.isnan(got)) or np.isclose(got, wrong, rtol=1e-9, atol=1e-11):
            diagnosis = text
            break
    if diagnosis is None and not np.isfinite(got):
        diagnosis = _CE_DIAGNOSES["no_logsumexp"]
    raise AssertionError(
        _with_diagnosis(
            lines,
            diagnosis,
            "The loss is the batch mean of -sum_k q_k log_softmax(logits)_k with "
            "q = (1 - s) * onehot(target) + s / K.",
        )
    )


def check_cross_entropy_label_smoothing_matches_torch(cross_entropy_label_smoothing) -> None:
    """Random logits, targets and smoothing: equals torch's cross_entropy (float64)."""
    rng = np.random.default_rng(7800)
    for n, k, s in [(8, 5, 0.1), (1, 3, 0.2), (20, 10, 0.05), (6, 2, 0.3), (12, 4, 0.5)]:
        logits = rng.standard_normal((n, k)) * 3
        targets = rng.integers(0, k, size=n)
        _ce_case(cross_entropy_label_smoothing, logits, targets, s, "random logits")


def check_cross_entropy_label_smoothing_edge_cases(cross_entropy_label_smoothing) -> None:
    """Huge logits (1e4) stay finite; smoothing 0 (plain cross-entropy) and 1 (uniform)."""
    rng = np.random.default_rng(7850)
    huge = rng.standard_normal((5, 4)) * 1e4
    huge[0] = [1e4, -1e4, 0.0, 1e4]  # a tie at the maximum
    targets = np.array([1, 0, 3, 2, 1])
    for s in (0.1, 0.0, 1.0):
        _ce_case(cross_entropy_label_smoothing, huge, targets, s, "huge logits (about 1e4)")
    logits = rng.standard_normal((7, 6))
    t = rng.integers(0, 6, size=7)
    for s in (0.0, 1.0):
        _ce_case(cross_entropy_label_smoothing, logits, t, s, "random logits")
    _ce_case(
        cross_entropy_label_smoothing,
        np.full((3, 5), 2.5),
        np.array([0, 4, 2]),
        0.2,
        "equal logits",
    )


# --------------------------------------------------------------------------------------
# Mixup
# --------------------------------------------------------------------------------------


def _mixup_model(x, y, alpha, rng, *, mistakes=()):
    has = mistakes.__contains__
    if has("perm_before_lam"):
        perm = rng.permutation(len(x))
        lam = rng.beta(alpha, alpha)
    else:
        lam = rng.beta(alpha, alpha)
        perm = rng.permutation(len(x))
    a = 1 - lam if has("lam_swapped") else lam
    x_mix = a * x + (1 - a) * x[perm]
    y_mix = y.copy() if has("labels_not_mixed") else a * y + (1 - a) * y[perm]
    return x_mix, y_mix, lam, perm


_MIXUP_DIAGNOSES = {
    "perm_before_lam": (
        "mixup draws the permutation before lam: draw lam = rng.beta(alpha, alpha) FIRST, then "
        "perm = rng.permutation(len(x))."
    ),
    "labels_not_mixed": (
        "labels not mixed: the labels must be mixed exactly like the inputs, "
        "y_mix = lam * y + (1 - lam) * y[perm]; the mixed image is partly another class."
    ),
    "lam_swapped": ("lam and 1 - lam swapped: x_mix = lam * x + (1 - lam) * x[perm]."),
}


def check_mixup_batch(mixup_batch) -> None:
    """lam = rng.beta(alpha, alpha) then perm = rng.permutation(N); inputs and labels mixed."""
    for i, (shape, k, alpha) in enumerate(
        [((8, 3), 4, 0.4), ((5, 2, 3, 3), 3, 1.0), ((1, 4), 2, 0.2), ((16, 6), 10, 2.0)]
    ):
        seed = 7900 + i
        data = np.random.default_rng(seed + 50)
        x = data.standard_normal(shape)
        y = np.eye(k)[data.integers(0, k, size=shape[0])]
        rng = np.random.default_rng(seed)
        xs, ys = x.copy(), y.copy()
        call = f"mixup_batch(x of shape {shape}, y_onehot of shape {y.shape}, alpha={alpha}, rng)"
        result = _guarded("mixup_batch", call, mixup_batch, xs, ys, alpha, rng)
        x_mix, y_mix, lam, perm = _tuple(call, result, 4, "x_mix, y_mix, lam, perm")
        _unmodified(call, {"x": (xs, x), "y_onehot": (ys, y)})
        x_mix = _array(call, "x_mix", x_mix, shape)
        y_mix = _array(call, "y_mix", y_mix, y.shape)
        if isinstance(lam, np.ndarray) or not isinstance(lam, (float, np.floating)):
            raise AssertionError(
                f"{call} returned lam as a {type(lam).__name__}"
                + (f" of shape {lam.shape}" if isinstance(lam, np.ndarray) else "")
                + "; lam must be a float (rng.beta(alpha, alpha) without a size returns one)."
            )
        if not isinstance(perm, np.ndarray) or perm.shape != (shape[0],):
            raise AssertionError(
                f"{call} returned perm as {type(perm).__name__}; it must be the integer array "
                f"rng.permutation({shape[0]})."
            )
        twin = np.random.default_rng(seed)
        exp = _mixup_model(x, y, alpha, twin)
        same = (
            _close(x_mix, exp[0])
            and _close(y_mix, exp[1])
            and np.isclose(lam, exp[2], rtol=0, atol=0)
            and np.array_equal(perm, exp[3])
            and _state(rng) == _state(twin)
        )
        if same:
            continue
        lines = [f"{call}: the result differs from mixup with the same generator."]
        if float(lam) != exp[2]:
            lines.append(f"  expected lam = {exp[2]!r}, got {float(lam)!r}")
        if not np.array_equal(perm, exp[3]):
            lines.append(f"  expected perm = {exp[3].tolist()}, got {np.asarray(perm).tolist()}")
        if _state(rng) != _state(twin):
            lines.append("  the generator's state after the call differs: other or more draws")
        for name, g, e in (("x_mix", x_mix, exp[0]), ("y_mix", y_mix, exp[1])):
            if not _close(g, e):
                lines += [
                    f"  expected {name} = {_preview(e)}",
                    f"  got      {name} = {_preview(g)}",
                ]
        diagnosis = _explain(
            ((x_mix, y_mix, float(lam), perm), _state(rng)),
            seed,
            _mixup_model,
            (x, y, alpha),
            _MIXUP_DIAGNOSES,
        )
        raise AssertionError(
            _with_diagnosis(
                lines,
                diagnosis,
                "Draw lam = rng.beta(alpha, alpha), then perm = rng.permutation(len(x)); "
                "x_mix = lam * x + (1 - lam) * x[perm], the same for the labels.",
            )
        )


# --------------------------------------------------------------------------------------
# Random horizontal flip
# --------------------------------------------------------------------------------------


def _flip_model(images, p, rng, *, mistakes=()):
    has = mistakes.__contains__
    n = images.shape[0]
    if has("per_pixel"):
        flip = rng.random(images.shape) < p
        return np.where(flip, images[..., ::-1], images)
    if has("one_draw"):
        return images[..., ::-1].copy() if rng.random() < p else images.copy()
    flip = rng.random(n) >= p if has("flip_ge") else rng.random(n) < p
    out = images.copy()
    if has("wrong_axis"):
        out[flip] = np.flip(images[flip], axis=1)
    else:
        out[flip] = images[flip][..., ::-1]
    return out


_FLIP_DIAGNOSES = {
    "wrong_axis": (
        "flipped along the wrong axis: a horizontal flip reverses the LAST axis (the width W), "
        "images[i, ..., ::-1]; reversing axis 1 of an (N, H, W) batch flips vertically."
    ),
    "per_pixel": (
        "flip drawn per pixel: draw ONE number per image, flip = rng.random(N) < p, and "
        "reverse whole images."
    ),
    "one_draw": (
        "one flip decision for the whole batch: draw one number per image, rng.random(N) < p."
    ),
    "flip_ge": (
        "flip decision inverted: an image is flipped when its draw is < p (probability p)."
    ),
}


def check_random_horizontal_flip(random_horizontal_flip) -> None:
    """flip = rng.random(N) < p; flipped images reversed along the last axis; any rank."""
    cases = [((6, 5), 0.5), ((8, 3, 4), 0.5), ((5, 2, 3, 4), 0.7), ((4, 3, 3), 0.0)]
    cases += [((4, 2, 5), 1.0), ((10, 7), 0.3)]
    for i, (shape, p) in enumerate(cases):
        seed = 8000 + i
        images = np.random.default_rng(seed + 50).standard_normal(shape)
        rng = np.random.default_rng(seed)
        passed = images.copy()
        call = f"random_horizontal_flip(images of shape {shape}, p={p}, rng)"
        out = _guarded("random_horizontal_flip", call, random_horizontal_flip, passed, p, rng)
        _unmodified(call, {"images": (passed, images)})
        out = _array(call, "the flipped images", out, shape)
        twin = np.random.default_rng(seed)
        expected = _flip_model(images, p, twin)
        if _close(out, expected, 0.0, 0.0) and _state(rng) == _state(twin):
            continue
        lines = [f"{call}: the result differs from flipping with the same generator."]
        if _state(rng) != _state(twin):
            lines.append(
                f"  {_draws_text(seed, _state(rng), shape[0])} (rng.random(N), even for p = 0 or 1)."
            )
        flips = np.random.default_rng(seed).random(shape[0]) < p
        lines.append(f"  images to flip: {np.flatnonzero(flips).tolist()}")
        diagnosis = _explain(((out,), _state(rng)), seed, _flip_model, (images, p), _FLIP_DIAGNOSES)
        raise AssertionError(
            _with_diagnosis(
                lines,
                diagnosis,
                "Draw flip = rng.random(N) < p once (also when p is 0 or 1); the images with "
                "flip[i] True are reversed along the last axis.",
            )
        )


# --------------------------------------------------------------------------------------
# Random crop
# --------------------------------------------------------------------------------------


def _crop_model(images, size, padding, rng, *, mistakes=()):
    has = mistakes.__contains__
    n, h, w = images.shape
    mode = "reflect" if has("reflect_padding") else "constant"
    padded = np.pad(images, ((0, 0), (padding, padding), (padding, padding)), mode=mode)
    extra = 0 if has("exclusive_high") else 1
    high_top, high_left = h + 2 * padding - size + extra, w + 2 * padding - size + extra
    if has("all_at_once"):
        tops = rng.integers(0, high_top, size=n)
        lefts = rng.integers(0, high_left, size=n)
    else:
        tops, lefts = [], []
        for _ in range(n):
            if has("left_first"):
                lefts.append(rng.integers(0, high_left))
                tops.append(rng.integers(0, high_top))
            else:
                tops.append(rng.integers(0, high_top))
                lefts.append(rng.integers(0, high_left))
    out = np.empty((n, size, size))
    for i, (top, left) in enumerate(zip(tops, lefts, strict=True)):
        out[i] = padded[i, top : top + size, left : left + size]
    return out


_CROP_DIAGNOSES = {
    "left_first": (
        "crop draws left before top: for each image draw top FIRST, then left "
        "(the order of draws is part of the contract)."
    ),
    "all_at_once": (
        "crop draws all tops at once: the contract draws per image, top then left "
        "(top_0, left_0, top_1, left_1, ...), not all N tops followed by all N lefts."
    ),
    "exclusive_high": (
        "the last possible window is never drawn: rng.integers' high is exclusive, so draw "
        "top = rng.integers(0, H + 2 * padding - size + 1)."
    ),
    "reflect_padding": "padding must be zeros (np.pad's default mode='constant').",
}


def check_random_crop(random_crop) -> None:
    """Zero padding, per image top then left, size x size windows; shape (N, size, size)."""
    cases = [((5, 6, 6), 4, 2), ((4, 8, 5), 3, 1), ((3, 4, 4), 4, 0), ((2, 4, 4), 8, 2)]
    cases += [((6, 5, 7), 5, 3), ((1, 3, 3), 2, 0)]
    for i, (shape, size, padding) in enumerate(cases):
        seed = 8100 + i
        images = np.random.default_rng(seed + 50).uniform(0.5, 1.5, shape)  # no zeros inside
        rng = np.random.default_rng(seed)
        passed = images.copy()
        call = f"random_crop(images of shape {shape}, size={size}, padding={padding}, rng)"
        out = _guarded("random_crop", call, random_crop, passed, size, padding, rng)
        _unmodified(call, {"images": (passed, images)})
        out = _array(call, "the crops", out, (shape[0], size, size))
        twin = np.random.default_rng(seed)
        expected = _crop_model(images, size, padding, twin)
        if _close(out, expected, 0.0, 0.0) and _state(rng) == _state(twin):
            continue
        lines = [f"{call}: the crops differ from cropping with the same generator."]
        if _state(rng) != _state(twin):
            lines.append("  the generator's state after the call differs: other or more draws")
        for j in range(shape[0]):
            if not np.array_equal(out[j], expected[j]):
                lines += [
                    f"  first wrong crop: image {j}",
                    f"  expected {_preview(expected[j], 6)}",
                    f"  got      {_preview(out[j], 6)}",
                    _worst(expected[j], out[j]),
                ]
                break
        diagnosis = _explain(
            ((out,), _state(rng)), seed, _crop_model, (images, size, padding), _CROP_DIAGNOSES
        )
        raise AssertionError(
            _with_diagnosis(
                lines,
                diagnosis,
                "Pad H and W with `padding` zeros on each side; for each image draw "
                "top = rng.integers(0, H + 2 * padding - size + 1), then left likewise with W, "
                "and cut padded[i, top:top + size, left:left + size].",
            )
        )


# --------------------------------------------------------------------------------------
# Gaussian noise
# --------------------------------------------------------------------------------------


def _noise_model(x, std, rng, *, mistakes=()):
    has = mistakes.__contains__
    if has("shared_noise"):
        return x + std * rng.standard_normal(x.shape[1:])
    if has("uniform"):
        return x + std * rng.random(x.shape)
    z = rng.standard_normal(x.shape)
    if has("std_as_variance"):
        return x + np.sqrt(std) * z
    if has("variance_scale"):
        return x + std**2 * z
    return x + std * z


_NOISE_DIAGNOSES = {
    "std_as_variance": (
        "std treated as a variance: the noise is std * rng.standard_normal(x.shape), "
        "not sqrt(std) * ...; std is the standard deviation."
    ),
    "variance_scale": (
        "the noise is scaled by std ** 2: multiply the standard normal draws by std itself."
    ),
    "shared_noise": (
        "one noise pattern shared by every example: draw noise of x's full shape, "
        "rng.standard_normal(x.shape)."
    ),
    "uniform": ("uniform noise: Gaussian noise uses rng.standard_normal(x.shape), not rng.random."),
}


def check_add_gaussian_noise(add_gaussian_noise) -> None:
    """x + std * rng.standard_normal(x.shape): exact values, one draw, x left unchanged."""
    cases = [((5,), 0.1), ((4, 3), 0.5), ((2, 3, 4), 2.0), ((6, 2), 0.0), ((3, 3), 0.04)]
    for i, (shape, std) in enumerate(cases):
        seed = 8200 + i
        x = np.random.default_rng(seed + 50).standard_normal(shape)
        rng = np.random.default_rng(seed)
        passed = x.copy()
        call = f"add_gaussian_noise(x of shape {shape}, std={std}, rng)"
        out = _guarded("add_gaussian_noise", call, add_gaussian_noise, passed, std, rng)
        _unmodified(call, {"x": (passed, x)})
        out = _array(call, "the noisy x", out, shape)
        twin = np.random.default_rng(seed)
        expected = _noise_model(x, std, twin)
        if _close(out, expected) and _state(rng) == _state(twin):
            continue
        lines = [f"{call}: the result differs from x + std * rng.standard_normal(x.shape)."]
        if _state(rng) != _state(twin):
            lines.append("  the generator's state after the call differs: other or more draws")
        lines += [f"  expected {_preview(expected)}", f"  got      {_preview(out)}"]
        diagnosis = _explain(((out,), _state(rng)), seed, _noise_model, (x, std), _NOISE_DIAGNOSES)
        raise AssertionError(
            _with_diagnosis(
                lines,
                diagnosis,
                "Draw once, rng.standard_normal(x.shape), and return x + std * that draw.",
            )
        )
