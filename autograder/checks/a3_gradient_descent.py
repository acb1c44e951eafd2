"""Trusted checks for assignment A3 (gradient descent on logistic regression, NumPy).

The hidden tests of ``solutions/a3_gradient_descent/a3_gradient_descent.ipynb`` call the
``check_*`` functions below with the student's functions. Each check compares the student's
results with an independent oracle on seeded inputs and raises ``AssertionError`` on the first
problem, with a message that names the call, shows expected and actual values and, when the
numbers coincide with a known mistake, names it. Known mistakes are simulated by small private
"mutant" implementations in this module, run on the same inputs.

Oracles: ``scipy.special.expit`` for the sigmoid; ``torch.nn.functional.
binary_cross_entropy_with_logits`` and torch autograd (float64) for the loss and its gradient;
exact closed forms for huge logits; and, for ``minibatch_indices`` and
``train_logistic_regression``, a reference that makes exactly the documented draws on a copy of
the generator (``copy.deepcopy(rng)``), so that both the result and the generator's state
afterwards (``rng.bit_generator.state``) can be compared: the number and the order of the draws
are part of the contract.

Stability checks call the student's code with overflow, division by zero and invalid
operations turned into errors (``np.errstate`` and ``warnings`` filters); underflow (e.g.
``np.exp(-1e4) == 0``) is harmless and allowed.

``train_logistic_regression`` is graded given the student's own helpers: a run passes when it
matches the reference loop with the trusted helpers *or* the same loop with the student's
``minibatch_indices``, ``logistic_grad`` and ``logistic_loss`` (when they are passed in), so a
mistake in a helper costs the helper's tests, not the training loop's.

Public checks:

``check_sigmoid_is_stable(sigmoid)``, ``check_sigmoid_matches_expit(sigmoid)``,
``check_sigmoid_contract(sigmoid)``, ``check_sigmoid(sigmoid)`` (all three);
``check_logistic_loss_is_stable(loss)``, ``check_logistic_loss_matches_torch(loss)``,
``check_logistic_loss_contract(loss)``, ``check_logistic_loss(loss)``;
``check_logistic_grad_is_stable(grad)``, ``check_logistic_grad_matches_autograd(grad)``,
``check_logistic_grad_contract(grad)``, ``check_logistic_grad(grad)``;
``check_minibatch_indices_edge_cases(fn)``, ``check_minibatch_indices_draws(fn)``,
``check_minibatch_indices(fn)``;
``check_train_matches_reference(train, ...)``, ``check_train_history(train, ...)``,
``check_train_draws(train, ...)``, ``check_train_contract(train)``,
``check_train_logistic_regression(train, ...)``.

Messages never show the reference implementation; they quote the formulas in words.
"""

from __future__ import annotations

import copy
import math
import traceback
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "GRAD_ATOL",
    "GRAD_RTOL",
    "LOSS_ATOL",
    "LOSS_RTOL",
    "SIGMOID_ATOL",
    "SIGMOID_RTOL",
    "TRAIN_ATOL",
    "TRAIN_RTOL",
    "check_logistic_grad",
    "check_logistic_grad_contract",
    "check_logistic_grad_is_stable",
    "check_logistic_grad_matches_autograd",
    "check_logistic_loss",
    "check_logistic_loss_contract",
    "check_logistic_loss_is_stable",
    "check_logistic_loss_matches_torch",
    "check_minibatch_indices",
    "check_minibatch_indices_draws",
    "check_minibatch_indices_edge_cases",
    "check_sigmoid",
    "check_sigmoid_contract",
    "check_sigmoid_is_stable",
    "check_sigmoid_matches_expit",
    "check_train_contract",
    "check_train_draws",
    "check_train_history",
    "check_train_logistic_regression",
    "check_train_matches_reference",
]

SIGMOID_RTOL, SIGMOID_ATOL = 1e-12, 1e-15
"""Tolerances of the sigmoid against scipy.special.expit (``|got - exp| <= atol + rtol |exp|``)."""
LOSS_RTOL, LOSS_ATOL = 1e-12, 1e-13
"""Tolerances of the loss against torch's binary_cross_entropy_with_logits."""
GRAD_RTOL, GRAD_ATOL = 1e-10, 1e-13
"""Tolerances of the gradient against torch autograd."""
TRAIN_RTOL, TRAIN_ATOL = 1e-9, 1e-12
"""Tolerances of trained weights and loss histories against the reference loop."""

# Rounding noise between two arrangements of the same (wrong) formula.
_SAME_NOISE = 1e-11

# --------------------------------------------------------------------------------------
# Trusted reference implementations (independent of the notebook)
# --------------------------------------------------------------------------------------


def _sigmoid(z: np.ndarray) -> np.ndarray:
    z = np.asarray(z, dtype=np.float64)
    with np.errstate(under="ignore"):
        e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _loss_terms(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per-sample cross-entropy ``log(1 + e^z) - y z``, written without overflow."""
    with np.errstate(under="ignore"):
        return np.maximum(z, 0.0) - y * z + np.log1p(np.exp(-np.abs(z)))


def _loss(w, X, y) -> float:
    return float(np.mean(_loss_terms(X @ w, y)))


def _grad(w, X, y) -> np.ndarray:
    return X.T @ (_sigmoid(X @ w) - y) / X.shape[0]


def _minibatch(n: int, batch_size: int, rng: np.random.Generator) -> list[np.ndarray]:
    perm = rng.permutation(n)
    return [perm[i : i + batch_size] for i in range(0, n, batch_size)]


def _train(
    X,
    y,
    lr,
    epochs,
    batch_size,
    rng,
    w0=None,
    *,
    minibatch: Callable = _minibatch,
    grad: Callable = _grad,
    loss: Callable = _loss,
    mistakes: tuple[str, ...] = (),
) -> tuple[np.ndarray, list[float]]:
    """The documented training loop; ``mistakes`` turns it into a known wrong one."""
    n, d = X.shape
    w = np.zeros(d) if (w0 is None or "ignore_w0" in mistakes) else np.array(w0, dtype=float)
    history: list[float] = []
    fixed = minibatch(n, batch_size, rng) if "no_reshuffle" in mistakes and epochs > 0 else None
    for _ in range(epochs):
        if "no_shuffle" in mistakes:
            batches = [np.arange(n)[i : i + batch_size] for i in range(0, n, batch_size)]
        else:
            batches = fixed if fixed is not None else minibatch(n, batch_size, rng)
        if "drop_last" in mistakes:
            batches = [b for b in batches if len(b) == batch_size]
        if "history_before" in mistakes:
            history.append(float(loss(w, X, y)))
        batch_losses = []
        for b in batches:
            batch_losses.append(float(loss(w, X[b], y[b])))
            g = grad(w, X, y) if "full_gradient" in mistakes else grad(w, X[b], y[b])
            w = w + lr * g if "ascent" in mistakes else w - lr * g
        if "history_batch_mean" in mistakes:
            history.append(float(np.mean(batch_losses)) if batch_losses else float("nan"))
        elif "history_last_batch" in mistakes:
            last = batches[-1] if batches else np.arange(0)
            history.append(float(loss(w, X[last], y[last])))
        elif "history_before" not in mistakes:
            history.append(float(loss(w, X, y)))
    return w, history


# --------------------------------------------------------------------------------------
# Mutants: known mistakes (for diagnoses only)
# --------------------------------------------------------------------------------------

_CLIPS = (5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 35.0, 40.0, 50.0, 88.0, 100.0, 500.0, 700.0, 709.0)
_EPSILONS = (1e-16, 1e-15, 1e-14, 1e-12, 1e-10, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3)


def _sigmoid_mutant(key: str, z: np.ndarray) -> np.ndarray:
    if key == "sign":
        return _sigmoid(-z)
    if key.startswith("clip:"):
        c = float(key[5:])
        return _sigmoid(np.clip(z, -c, c))
    raise KeyError(key)


_SIGMOID_DIAGNOSES = {
    "sign": (
        "your sigmoid computes 1 / (1 + exp(z)) = sigmoid(-z): the sign is flipped; "
        "sigmoid(z) = 1 / (1 + exp(-z)) grows with z."
    ),
    **{
        f"clip:{c:g}": (
            f"your sigmoid behaves as if z were clipped to [-{c:g}, {c:g}]: clipping the logits "
            "avoids the overflow but changes the result in the tails; compute exp(-|z|) "
            "instead, which never overflows and needs no clipping."
        )
        for c in _CLIPS
    },
}


def _loss_mutant(key: str, w, X, y) -> float:
    z = X @ w
    if key == "sum":
        return float(np.sum(_loss_terms(z, y)))
    if key == "sign":
        return -_loss(w, X, y)
    if key == "pm1":
        return float(np.mean(np.logaddexp(0.0, -y * z)))
    if key == "labels_swapped":
        return float(np.mean(_loss_terms(z, 1.0 - y)))
    if key == "log2":
        return _loss(w, X, y) / math.log(2.0)
    if key == "divide_by_d":
        return float(np.sum(_loss_terms(z, y)) / X.shape[1])
    if key.startswith("clip_prob:"):
        eps = float(key[10:])
        p = np.clip(_sigmoid(z), eps, 1.0 - eps)
        return float(-np.mean(y * np.log(p) + (1.0 - y) * np.log(1.0 - p)))
    if key.startswith("clip:"):
        c = float(key[5:])
        return float(np.mean(_loss_terms(np.clip(z, -c, c), y)))
    raise KeyError(key)


_LOSS_DIAGNOSES = {
    "sum": (
        "your loss is the sum over the samples instead of the mean: divide by n (np.mean), "
        "so that the loss does not grow with the size of the data set."
    ),
    "sign": (
        "your loss has the wrong sign (it is negative): the cross-entropy is "
        "-[y log p + (1 - y) log(1 - p)] >= 0."
    ),
    "pm1": (
        "you used the formula for labels in {-1, +1}, log(1 + exp(-y z)); here the labels are "
        "in {0, 1}, so a sample with y = 0 costs log(1 + e^z) and one with y = 1 costs "
        "log(1 + e^-z)."
    ),
    "labels_swapped": (
        "the roles of y and 1 - y are swapped: a sample with y = 1 costs -log(sigmoid(z)), "
        "one with y = 0 costs -log(1 - sigmoid(z))."
    ),
    "log2": "your loss uses log base 2: the cross-entropy uses the natural log (np.log).",
    "divide_by_d": (
        "your loss divides by the number of features d instead of the number of samples n."
    ),
    **{
        f"clip_prob:{eps:g}": (
            f"your loss clips the probabilities to [{eps:g}, 1 - {eps:g}] before the log: that "
            "is close for moderate logits but wrong for confident predictions (it caps a "
            "sample's loss near -log(eps)); the exact loss needs no clipping: "
            "log(1 + e^z) - y z with np.logaddexp(0, z)."
        )
        for eps in _EPSILONS
    },
    **{
        f"clip:{c:g}": (
            f"your loss behaves as if the logits were clipped to [-{c:g}, {c:g}]: that avoids "
            "the overflow but caps the loss of confident mistakes; the stable form "
            "log(1 + e^z) - y z with np.logaddexp(0, z) needs no clipping."
        )
        for c in _CLIPS
    },
}


def _grad_mutant(key: str, w, X, y) -> np.ndarray:
    n, d = X.shape
    z = X @ w
    if key == "sum":
        return X.T @ (_sigmoid(z) - y)
    if key == "sign":
        return X.T @ (y - _sigmoid(z)) / n
    if key == "divide_by_d":
        return X.T @ (_sigmoid(z) - y) / d
    if key == "pm1":
        return -X.T @ (y * _sigmoid(-y * z)) / n
    if key == "labels_swapped":
        return X.T @ (_sigmoid(z) - (1.0 - y)) / n
    if key == "no_sigmoid":
        return X.T @ (z - y) / n
    if key == "sigmoid_flipped":
        return X.T @ (_sigmoid(-z) - y) / n
    if key.startswith("clip:"):
        c = float(key[5:])
        return X.T @ (_sigmoid(np.clip(z, -c, c)) - y) / n
    raise KeyError(key)


_GRAD_DIAGNOSES = {
    "sum": (
        "your gradient is missing the 1/n: the loss is the MEAN over the samples, so its "
        "gradient is X^T (sigmoid(X w) - y) / n (with n = len(y), the rows of X)."
    ),
    "sign": (
        "your gradient has the wrong sign: it is X^T (sigmoid(X w) - y) / n, prediction minus "
        "label; with y - sigmoid(X w) gradient descent climbs the loss."
    ),
    "divide_by_d": (
        "your gradient divides by the number of features d (len(w), X.shape[1]) instead of the "
        "number of samples n = X.shape[0]."
    ),
    "pm1": (
        "you used the gradient formula for labels in {-1, +1}, -X^T (y sigmoid(-y z)) / n; "
        "with labels in {0, 1} it is X^T (sigmoid(z) - y) / n."
    ),
    "labels_swapped": (
        "the labels are flipped: the gradient is X^T (sigmoid(X w) - y) / n, not "
        "X^T (sigmoid(X w) - (1 - y)) / n."
    ),
    "sigmoid_flipped": (
        "your gradient uses sigmoid(-z) = 1 - sigmoid(z) as the probabilities: the sign of z "
        "is flipped, in logistic_grad or in your sigmoid (check its own tests first)."
    ),
    "no_sigmoid": (
        "the sigmoid is missing: X^T (X w - y) / n is the gradient of least squares; logistic "
        "regression uses X^T (sigmoid(X w) - y) / n."
    ),
    **{
        f"clip:{c:g}": (
            f"your gradient behaves as if the logits were clipped to [-{c:g}, {c:g}]: use your "
            "stable sigmoid, which needs no clipping."
        )
        for c in _CLIPS
    },
}


def _minibatch_mutants(perm: np.ndarray, b: int) -> dict[str, list[np.ndarray]]:
    n = len(perm)
    chunks = [perm[i : i + b] for i in range(0, n, b)]
    out = {
        "drop_last": [perm[i : i + b] for i in range(0, n - b + 1, b)],
        "sorted": [np.sort(c) for c in chunks],
        "array_split_ceil": np.array_split(perm, max(1, math.ceil(n / b))),
        "one_batch": [perm],
        "reversed": chunks[::-1],
    }
    if n // b >= 1:
        out["array_split_floor"] = np.array_split(perm, n // b)
    return out


_MINIBATCH_DIAGNOSES = {
    "drop_last": (
        "the last, smaller batch is missing: when batch_size does not divide n, the last "
        "batch holds the remaining n % batch_size indices (and when batch_size > n the only "
        "batch holds all n); every index must be used once per epoch."
    ),
    "sorted": (
        "each batch is sorted: keep the order of the permutation (consecutive chunks of "
        "rng.permutation(n) as they are)."
    ),
    "array_split_ceil": (
        "the batches are np.array_split(perm, k) with k = ceil(n / batch_size): array_split "
        "cuts k nearly EQUAL parts; cut at batch_size, 2 * batch_size, ... instead, so that "
        "every batch but the last has exactly batch_size indices."
    ),
    "array_split_floor": (
        "the batches are np.array_split(perm, n // batch_size): array_split cuts nearly EQUAL "
        "parts; cut at batch_size, 2 * batch_size, ... instead, so that every batch but the "
        "last has exactly batch_size indices."
    ),
    "one_batch": "you returned one batch with all the indices: cut the permutation into chunks.",
    "reversed": "the batches come in reverse order: start with perm[0:batch_size].",
}

_TRAIN_DIAGNOSES = {
    "no_reshuffle": (
        "no reshuffle per epoch: the same order every epoch. Draw new batches at the start of "
        "EVERY epoch with minibatch_indices(n, batch_size, rng), inside the epoch loop."
    ),
    "no_shuffle": (
        "the batches were never shuffled: they are cut from 0, 1, ..., n-1 in order. Walk "
        "minibatch_indices(n, batch_size, rng) instead."
    ),
    "drop_last": (
        "the last, smaller batch of each epoch is skipped: when batch_size does not divide n "
        "(or exceeds it), the remaining indices form one more, smaller batch, and it is used "
        "for a step too."
    ),
    "full_gradient": (
        "every step uses the full-data gradient logistic_grad(w, X, y) instead of the "
        "mini-batch gradient logistic_grad(w, X[b], y[b]) of the batch's rows b."
    ),
    "ignore_w0": (
        "your training ignores w0 and always starts from zeros: start from a copy of w0 when it "
        "is given (zeros only when w0 is None)."
    ),
    "ascent": (
        "your steps go uphill: gradient descent subtracts, w = w - lr * logistic_grad(...)."
    ),
    "history_before": (
        "the loss is recorded BEFORE each epoch instead of after: history[e] must be the "
        "full-data loss at the weights reached at the END of epoch e + 1 (so history[-1] is "
        "the loss of the returned w)."
    ),
    "history_batch_mean": (
        "history holds the mean of the mini-batch losses seen during the epoch, not the "
        "full-data loss: after the epoch's last step append logistic_loss(w, X, y) on ALL of "
        "X and y."
    ),
    "history_last_batch": (
        "history holds the loss of the last mini-batch, not the full-data loss: after the "
        "epoch's last step append logistic_loss(w, X, y) on ALL of X and y."
    ),
}

# --------------------------------------------------------------------------------------
# Calling the student's code
# --------------------------------------------------------------------------------------

_STRICT_ERRORS = (FloatingPointError, RuntimeWarning, OverflowError)


@contextmanager
def _strict() -> Iterator[None]:
    """Overflow, division by zero and invalid operations raise; underflow is allowed."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
            yield


@contextmanager
def _quiet() -> Iterator[None]:
    """No floating-point warnings at all (values are checked, not warnings)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with np.errstate(all="ignore"):
            yield


@contextmanager
def _global_seed(seed: int) -> Iterator[None]:
    """Seed NumPy's global generator (restored afterwards), so that a run that wrongly uses
    ``np.random`` can still be repeated; the draws are checked on the ``rng`` argument."""
    saved = np.random.get_state()
    np.random.seed(seed)
    try:
        yield
    finally:
        np.random.set_state(saved)


def _short(exc: BaseException, limit: int = 300) -> str:
    text = str(exc)
    return text if len(text) <= limit else text[:limit] + " ..."


def _innermost(exc: BaseException) -> str | None:
    frames = traceback.extract_tb(exc.__traceback__)
    return frames[-1].name if frames else None


def _guarded(what: str, call: str, fn: Callable, *args, signature: str = "", strict_hint=None):
    """Call ``fn(*args)``; turn an exception into an AssertionError that names the call.

    With ``strict_hint`` the call runs in strict floating-point mode and an overflow (or
    another floating-point problem) is reported with that hint.
    """
    try:
        if strict_hint is None:
            return fn(*args)
        with _strict():
            return fn(*args)
    except NotImplementedError as exc:
        inner = _innermost(exc)
        if inner and inner != what and inner != "<module>":
            msg = (
                f"{call} raised NotImplementedError from {inner}(), which is not implemented "
                f"yet: {what} calls it. Implement {inner} first."
            )
        else:
            msg = (
                f"{what} is not implemented yet: {call} raised NotImplementedError. Replace "
                "the `raise NotImplementedError()` lines of the solution cell with your code."
            )
        raise AssertionError(msg) from exc
    except _STRICT_ERRORS as exc:
        if strict_hint is None:
            raise AssertionError(f"{call} raised {type(exc).__name__}: {_short(exc)}") from exc
        raise AssertionError(
            f"{call} raised {type(exc).__name__}: {_short(exc)} (the grader turns "
            f"floating-point warnings into errors). {strict_hint}"
        ) from exc
    except Exception as exc:
        msg = f"{call} raised {type(exc).__name__}: {_short(exc)}"
        if signature and isinstance(exc, TypeError) and "argument" in str(exc):
            msg += f"\nThe signature is fixed by the assignment: {signature}."
        raise AssertionError(msg) from exc


def _preview(a, n: int = 6) -> str:
    flat = np.asarray(a, dtype=np.float64).ravel()
    text = np.array2string(flat[:n], precision=12, separator=", ", max_line_width=10_000)
    return text + (f" ... ({flat.size} entries)" if flat.size > n else "")


def _worst(expected: np.ndarray, got: np.ndarray) -> str:
    with np.errstate(all="ignore"):
        diff = np.abs(got - expected)
    diff = np.where(np.isnan(diff), np.inf, diff)
    idx = np.unravel_index(int(np.argmax(diff)), expected.shape)
    return (
        f"  largest difference at index {tuple(int(i) for i in idx)}: "
        f"expected {float(expected[idx])!r}, got {float(got[idx])!r}"
    )


def _deviation(got, ref) -> float:
    """Largest ``|got - ref| / (1 + |ref|)``; NaN in both at one place counts as equal."""
    if ref is None:
        return np.inf
    a, b = np.asarray(got, dtype=np.float64), np.asarray(ref, dtype=np.float64)
    if a.shape != b.shape:
        return np.inf
    with np.errstate(all="ignore"):
        both = np.isnan(a) & np.isnan(b)
        same_inf = np.isinf(a) & (a == b)
        d = np.where(both | same_inf, 0.0, np.abs(a - b) / (1.0 + np.abs(b)))
    d = np.where(np.isnan(d), np.inf, d)
    return float(d.max(initial=0.0))


def _is_explained(dev_mutant: float, dev_oracle: float) -> bool:
    """A mutant explains the numbers when it is far closer to them than the oracle."""
    if not np.isfinite(dev_oracle):
        return dev_mutant <= _SAME_NOISE
    return dev_mutant <= max(_SAME_NOISE, 1e-4 * dev_oracle)


def _close(got, expected, rtol: float, atol: float) -> bool:
    got = np.asarray(got, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    return got.shape == expected.shape and bool(
        np.all(np.isfinite(got) == np.isfinite(expected))
        and np.allclose(got, expected, rtol=rtol, atol=atol, equal_nan=False)
    )


def _best_diagnosis(got, expected, mutants: dict[str, Any], diagnoses: dict[str, str]):
    """The diagnosis of the mutant (key -> value) that explains ``got``, if any."""
    dev_oracle = _deviation(got, expected)
    best, best_dev = None, np.inf
    for key, value in mutants.items():
        dev = _deviation(got, value)
        if dev < best_dev:
            best, best_dev = key, dev
    if best is not None and _is_explained(best_dev, dev_oracle):
        return diagnoses[best]
    return None


def _check_array_result(call: str, out, shape: tuple[int, ...], what: str) -> np.ndarray:
    """The result must be a float64 NumPy array of the given shape."""
    if out is None:
        raise AssertionError(f"{call} returned None: {what} must return its result (`return`?).")
    if not isinstance(out, np.ndarray):
        raise AssertionError(
            f"{call} returned a {type(out).__name__}; it must return a NumPy array of shape "
            f"{shape} and dtype float64."
        )
    if out.shape != shape:
        raise AssertionError(
            f"{call} returned an array of shape {out.shape}, expected shape {shape} (look for "
            "unintended broadcasting, e.g. between shapes (n,) and (n, 1), or a missing or "
            "extra transpose)."
        )
    if out.dtype != np.float64:
        raise AssertionError(
            f"{call} returned an array of dtype {out.dtype}; it must be float64 like the inputs."
        )
    return out


def _as_scalar(call: str, out) -> float:
    """A loss value as a float (type rules are checked by the contract check)."""
    if out is None:
        raise AssertionError(f"{call} returned None: logistic_loss must return the loss value.")
    try:
        arr = np.asarray(out, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise AssertionError(
            f"{call} returned a {type(out).__name__}, not a number: return a float."
        ) from exc
    if arr.size != 1:
        raise AssertionError(
            f"{call} returned {arr.size} values (shape {arr.shape}), not one number: the loss is "
            "the MEAN over all samples, a single float."
        )
    return float(arr.reshape(()))


def _unchanged(name: str, call: str, passed: np.ndarray, original: np.ndarray, advice: str):
    if not np.array_equal(passed, original, equal_nan=True):
        raise AssertionError(f"{call} modified the {name} you passed in: {advice}")


# --------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------


def _problem(n: int, d: int, seed: int, scale: float = 1.0, bias: bool = True):
    """Seeded (X, y, w): features with a bias column, labels drawn from a logistic model."""
    rng = np.random.default_rng(seed)
    if bias and d > 1:
        X = np.column_stack([rng.standard_normal((n, d - 1)), np.ones(n)])
    else:
        X = rng.standard_normal((n, d))
    w = scale * rng.standard_normal(d)
    y = (rng.random(n) < _sigmoid(X @ rng.standard_normal(d))).astype(np.float64)
    return X, y, w


def _loss_cases() -> list[tuple[str, np.ndarray, np.ndarray, np.ndarray]]:
    """(description, w, X, y) for the comparisons with torch."""
    cases = []
    for n, d, seed, scale in [
        (1, 1, 100, 1.0),
        (5, 2, 101, 1.0),
        (40, 3, 102, 1.5),
        (200, 5, 103, 2.0),
    ]:
        X, y, w = _problem(n, d, seed, scale)
        cases.append((f"random X of shape ({n}, {d})", w, X, y))
    rng = np.random.default_rng(104)  # logits from -50 to 50: confident predictions, and
    X = np.column_stack([np.linspace(-50.0, 50.0, 41), rng.standard_normal(41)])
    w = np.array([1.0, 0.2])
    y = rng.integers(0, 2, 41).astype(np.float64)  # labels at random: many confidently wrong
    cases.append(("logits up to +-50 (confident predictions, right and wrong)", w, X, y))
    X, _, w = _problem(25, 4, 105, 1.0)
    cases.append(("all labels 0", w, X, np.zeros(25)))
    cases.append(("all labels 1", w, X, np.ones(25)))
    cases.append(("w = 0 (every logit exactly 0)", np.zeros(4), X, _problem(25, 4, 106)[1]))
    return cases


def _huge_cases() -> list[tuple[str, np.ndarray, np.ndarray, np.ndarray]]:
    """(description, w, X, y) with logits far beyond the float64 range of exp."""
    cases = [
        (
            "logits [1e4, 1e4, -1e4, -1e4] and labels [1, 0, 1, 0]",
            np.array([1e4]),
            np.array([[1.0], [1.0], [-1.0], [-1.0]]),
            np.array([1.0, 0.0, 1.0, 0.0]),
        ),
        (
            "logits [1e4, -1e4] and labels [1, 0] (both confidently right)",
            np.array([1e4]),
            np.array([[1.0], [-1.0]]),
            np.array([1.0, 0.0]),
        ),
    ]
    rng = np.random.default_rng(110)
    X = np.column_stack([rng.standard_normal((30, 2)), np.ones(30)])
    w = np.array([600.0, -450.0, 20.0])
    cases.append(
        ("logits of several hundred to a few thousand", w, X, rng.integers(0, 2, 30) * 1.0)
    )
    z = np.array(
        [-1e4, -1000.0, -745.5, -709.9, -40.0, -1.0, 0.0, 1.0, 40.0, 709.9, 745.5, 1e3, 1e4]
    )
    X = np.column_stack([z, np.ones_like(z)])
    for label in (0.0, 1.0):
        cases.append(
            (
                f"logits from -1e4 to 1e4 (all labels {label:g})",
                np.array([1.0, 0.0]),
                X,
                np.full(z.size, label),
            )
        )
    return cases


# --------------------------------------------------------------------------------------
# sigmoid
# --------------------------------------------------------------------------------------

_SIGMOID_OVERFLOW_HINT = (
    "np.exp(-z) overflows for z < -709 (and np.exp(z) for z > 709). Exponentiate only -|z| "
    "<= 0: with e = np.exp(-np.abs(z)), sigmoid(z) is 1 / (1 + e) where z >= 0 and "
    "e / (1 + e) where z < 0. Note that np.where(cond, a, b) computes a and b for ALL entries "
    "before choosing, so the branch you don't pick still overflows."
)


def _expit(z: np.ndarray) -> np.ndarray:
    from scipy.special import expit

    return expit(np.asarray(z, dtype=np.float64))


def _sigmoid_mismatch(call: str, z, got, expected) -> str:
    lines = [
        f"{call}: the values are not sigmoid(z) = 1 / (1 + exp(-z)) (compared with "
        f"scipy.special.expit, rtol={SIGMOID_RTOL:g}, atol={SIGMOID_ATOL:g}).",
        f"  z        = {_preview(z)}",
        f"  expected   {_preview(expected)}",
        f"  got        {_preview(got)}",
        _worst(expected, got),
    ]
    mutants = {}
    with _quiet():
        for key in _SIGMOID_DIAGNOSES:
            mutants[key] = _sigmoid_mutant(key, z)
    diagnosis = _best_diagnosis(got, expected, mutants, _SIGMOID_DIAGNOSES)
    if diagnosis:
        lines.append(f"Diagnosis: {diagnosis}")
    elif np.isnan(got).any():
        lines.append("Your result contains NaN (e.g. inf / inf for huge |z|).")
    return "\n".join(lines)


def _check_sigmoid_values(sigmoid, z: np.ndarray, text: str, strict: bool) -> None:
    call = f"sigmoid(z) for z {text}"
    z_in = z.copy()
    if strict:
        out = _guarded("sigmoid", call, sigmoid, z_in, strict_hint=_SIGMOID_OVERFLOW_HINT)
    else:
        with _quiet():
            out = _guarded("sigmoid", call, sigmoid, z_in)
    out = _check_array_result(call, out, z.shape, "sigmoid")
    if np.isnan(out).any():
        raise AssertionError(
            f"{call} returned NaN at {int(np.isnan(out).sum())} entries (e.g. inf / inf for huge "
            f"|z|). {_SIGMOID_OVERFLOW_HINT}"
        )
    expected = _expit(z)
    if not _close(out, expected, SIGMOID_RTOL, SIGMOID_ATOL):
        raise AssertionError(_sigmoid_mismatch(call, z, out, expected))


def check_sigmoid_is_stable(sigmoid) -> None:
    """No overflow warning, no NaN, exact 0 / 1 / 0.5 for logits up to |z| = 1e4, any shape."""
    rng = np.random.default_rng(200)
    cases = [
        (
            "= [-1e4, -1000, -745.5, -709.9, -40, 0, 40, 709.9, 745.5, 1000, 1e4]",
            np.array([-1e4, -1000.0, -745.5, -709.9, -40.0, 0.0, 40.0, 709.9, 745.5, 1000.0, 1e4]),
        ),
        ("= [-1e4, -1e4, -1e4] (all hugely negative)", np.full(3, -1e4)),
        ("= [1e4, 1e4] (all hugely positive)", np.full(2, 1e4)),
        ("of shape (4, 5) with entries up to +-1e4", rng.uniform(-1e4, 1e4, (4, 5))),
        ("of shape (2, 3, 2) with entries up to +-800", rng.uniform(-800.0, 800.0, (2, 3, 2))),
        ("= [0.0] (exactly 0 gives exactly 0.5)", np.zeros(1)),
    ]
    for text, z in cases:
        _check_sigmoid_values(sigmoid, z, text, strict=True)


def check_sigmoid_matches_expit(sigmoid) -> None:
    """sigmoid matches scipy.special.expit on random logits of several scales and shapes."""
    rng = np.random.default_rng(210)
    cases = [
        ("= np.linspace(-40, 40, 161) (0 included)", np.linspace(-40.0, 40.0, 161)),
        ("of shape (1,)", rng.standard_normal(1)),
        ("of shape (7,), standard normal", rng.standard_normal(7)),
        ("of shape (3, 4), scale 5", 5.0 * rng.standard_normal((3, 4))),
        ("of shape (2, 3, 4), scale 20", 20.0 * rng.standard_normal((2, 3, 4))),
        ("of shape (50,), scale 50", 50.0 * rng.standard_normal(50)),
        ("of shape (6,), tiny values around 1e-10", 1e-10 * rng.standard_normal(6)),
    ]
    for text, z in cases:
        _check_sigmoid_values(sigmoid, z, text, strict=False)


def check_sigmoid_contract(sigmoid) -> None:
    """sigmoid leaves z unmodified and returns a new float64 array of z's shape."""
    rng = np.random.default_rng(220)
    cases = [
        ("of shape (8,) with entries of both signs", rng.uniform(-5.0, 5.0, 8)),
        ("of shape (6,) with huge entries", np.array([-1e4, -800.0, -40.0, 40.0, 800.0, 1e4])),
        ("of shape (3, 4)", rng.uniform(-50.0, 50.0, (3, 4))),
        ("of shape (5, 1) (a column)", rng.standard_normal((5, 1))),
        ("of shape (2, 2, 3)", rng.standard_normal((2, 2, 3))),
    ]
    for text, z in cases:
        call = f"sigmoid(z) for z {text}"
        z_in = z.copy()
        with _quiet():
            out = _guarded("sigmoid", call, sigmoid, z_in)
        _unchanged(
            "z",
            call,
            z_in,
            z,
            "compute into new arrays (e.g. e = np.exp(-np.abs(z))) instead of changing z in place "
            "(z[...] = ..., z *= ..., np.clip(z, ..., out=z)); the caller still needs its logits.",
        )
        out = _check_array_result(call, out, z.shape, "sigmoid")
        if np.shares_memory(out, z_in):
            raise AssertionError(
                f"{call} returned an array that shares memory with z: return a new array."
            )


def check_sigmoid(sigmoid) -> None:
    """Every check of sigmoid."""
    check_sigmoid_is_stable(sigmoid)
    check_sigmoid_matches_expit(sigmoid)
    check_sigmoid_contract(sigmoid)


# --------------------------------------------------------------------------------------
# logistic_loss
# --------------------------------------------------------------------------------------

_LOSS_SIGNATURE = "logistic_loss(w, X, y)"
_LOSS_HINT = (
    "log(sigmoid(z)) is log(0) = -inf as soon as sigmoid(z) rounds to 0 or 1 (|z| > 37 is "
    "enough), and np.log(1 + np.exp(z)) overflows for z > 709. Use the identity "
    "-[y log sigmoid(z) + (1 - y) log(1 - sigmoid(z))] = log(1 + e^z) - y z, with "
    "log(1 + e^z) = np.logaddexp(0, z) (or max(z, 0) + np.log1p(np.exp(-|z|)))."
)


def _torch_loss(w, X, y) -> float:
    import torch
    import torch.nn.functional as F

    logits = torch.from_numpy(np.ascontiguousarray(X)) @ torch.from_numpy(np.asarray(w))
    return float(F.binary_cross_entropy_with_logits(logits, torch.from_numpy(np.asarray(y))))


def _loss_message(call: str, got: float, expected: float, oracle: str, w, X, y) -> str:
    lines = [
        f"{call}: the loss is not the mean binary cross-entropy ({oracle}, rtol={LOSS_RTOL:g}).",
        f"  expected {expected!r}",
        f"  got      {got!r}",
    ]
    with _quiet():
        mutants = {}
        for key in _LOSS_DIAGNOSES:
            try:
                mutants[key] = _loss_mutant(key, w, X, y)
            except Exception:
                continue
    diagnosis = _best_diagnosis(got, expected, mutants, _LOSS_DIAGNOSES)
    if diagnosis:
        lines.append(f"Diagnosis: {diagnosis}")
    elif not math.isfinite(got):
        lines.append(f"Your loss is {got}: {_LOSS_HINT}")
    else:
        lines.append(
            "The loss of one sample with logit z = x^T w is -[y log sigmoid(z) + (1 - y) "
            "log(1 - sigmoid(z))] = log(1 + e^z) - y z; logistic_loss is its mean over the n rows."
        )
    return "\n".join(lines)


def _check_loss_case(loss, text, w, X, y, *, strict: bool, oracle: str) -> None:
    call = f"logistic_loss(w, X, y) with {text}"
    args = (w.copy(), X.copy(), y.copy())
    if strict:
        out = _guarded(
            "logistic_loss", call, loss, *args, signature=_LOSS_SIGNATURE, strict_hint=_LOSS_HINT
        )
    else:
        with _quiet():
            out = _guarded("logistic_loss", call, loss, *args, signature=_LOSS_SIGNATURE)
    got = _as_scalar(call, out)
    expected = _torch_loss(w, X, y) if oracle == "torch" else _loss(w, X, y)
    if strict and not math.isfinite(got):
        raise AssertionError(f"{call} returned {got}. {_LOSS_HINT}")
    if not _close(got, expected, LOSS_RTOL, LOSS_ATOL):
        name = (
            "torch.nn.functional.binary_cross_entropy_with_logits"
            if oracle == "torch"
            else "the exact value"
        )
        raise AssertionError(_loss_message(call, got, expected, name, w, X, y))


def check_logistic_loss_is_stable(loss) -> None:
    """Finite, exact, warning-free loss for logits up to |z| = 1e4."""
    for text, w, X, y in _huge_cases():
        _check_loss_case(loss, text, w, X, y, strict=True, oracle="exact")


def check_logistic_loss_matches_torch(loss) -> None:
    """logistic_loss matches torch's binary_cross_entropy_with_logits (float64)."""
    for text, w, X, y in _loss_cases():
        _check_loss_case(loss, text, w, X, y, strict=False, oracle="torch")


def check_logistic_loss_contract(loss) -> None:
    """logistic_loss returns a float and leaves w, X and y unmodified."""
    cases = [_problem(12, 3, 300), _problem(1, 1, 301), _problem(6, 2, 302, scale=30.0)]
    for X, y, w in cases:
        call = f"logistic_loss(w, X, y) with X of shape {X.shape}"
        args = (w.copy(), X.copy(), y.copy())
        with _quiet():
            out = _guarded("logistic_loss", call, loss, *args, signature=_LOSS_SIGNATURE)
        for name, passed, original in zip(("w", "X", "y"), args, (w, X, y), strict=True):
            _unchanged(name, call, passed, original, "compute into new arrays instead.")
        if isinstance(out, np.ndarray):
            raise AssertionError(
                f"{call} returned a NumPy array of shape {out.shape}; return a float, e.g. "
                "float(np.mean(...))."
            )
        if not isinstance(out, (float, np.floating)):
            raise AssertionError(
                f"{call} returned a {type(out).__name__}; it must return a float (the mean loss)."
            )
        if isinstance(out, np.floating) and out.dtype != np.float64:
            raise AssertionError(f"{call} returned a {out.dtype} scalar; compute in float64.")


def check_logistic_loss(loss) -> None:
    """Every check of logistic_loss."""
    check_logistic_loss_is_stable(loss)
    check_logistic_loss_matches_torch(loss)
    check_logistic_loss_contract(loss)


# --------------------------------------------------------------------------------------
# logistic_grad
# --------------------------------------------------------------------------------------

_GRAD_SIGNATURE = "logistic_grad(w, X, y)"
_GRAD_HINT = (
    "The gradient is X^T (sigmoid(X w) - y) / n: compute the probabilities with your stable "
    "sigmoid (its own tests say how to avoid the overflow)."
)


def _torch_grad(w, X, y) -> np.ndarray:
    import torch
    import torch.nn.functional as F

    wt = torch.tensor(np.asarray(w), dtype=torch.float64, requires_grad=True)
    logits = torch.from_numpy(np.ascontiguousarray(X)) @ wt
    F.binary_cross_entropy_with_logits(logits, torch.from_numpy(np.asarray(y))).backward()
    return wt.grad.numpy().copy()


def _grad_message(call: str, got, expected, oracle: str, w, X, y) -> str:
    lines = [
        f"{call}: the gradient is not that of the mean cross-entropy ({oracle}, "
        f"rtol={GRAD_RTOL:g}, atol={GRAD_ATOL:g}).",
        f"  expected {_preview(expected)}",
        f"  got      {_preview(got)}",
        _worst(expected, got),
    ]
    with _quiet():
        mutants = {}
        for key in _GRAD_DIAGNOSES:
            try:
                mutants[key] = _grad_mutant(key, w, X, y)
            except Exception:
                continue
    diagnosis = _best_diagnosis(got, expected, mutants, _GRAD_DIAGNOSES)
    if diagnosis:
        lines.append(f"Diagnosis: {diagnosis}")
    elif not np.all(np.isfinite(got)):
        lines.append(f"Your gradient contains inf or NaN. {_GRAD_HINT}")
    else:
        lines.append(
            "The gradient of the mean loss is X^T (sigmoid(X w) - y) / n, an array of w's shape."
        )
    return "\n".join(lines)


def _check_grad_case(grad, text, w, X, y, *, strict: bool, oracle: str) -> None:
    call = f"logistic_grad(w, X, y) with {text}"
    args = (w.copy(), X.copy(), y.copy())
    if strict:
        out = _guarded(
            "logistic_grad", call, grad, *args, signature=_GRAD_SIGNATURE, strict_hint=_GRAD_HINT
        )
    else:
        with _quiet():
            out = _guarded("logistic_grad", call, grad, *args, signature=_GRAD_SIGNATURE)
    out = _check_array_result(call, out, w.shape, "logistic_grad")
    expected = _torch_grad(w, X, y) if oracle == "torch" else _grad(w, X, y)
    if not _close(out, expected, GRAD_RTOL, GRAD_ATOL):
        name = (
            "torch autograd of binary_cross_entropy_with_logits" if oracle == "torch" else "exact"
        )
        raise AssertionError(_grad_message(call, out, expected, name, w, X, y))


def check_logistic_grad_is_stable(grad) -> None:
    """Finite, exact, warning-free gradient for logits up to |z| = 1e4 and at z = 0."""
    for text, w, X, y in _huge_cases():
        _check_grad_case(grad, text, w, X, y, strict=True, oracle="exact")
    X, y, _ = _problem(9, 3, 400)
    _check_grad_case(
        grad, "w = 0 (every logit exactly 0)", np.zeros(3), X, y, strict=True, oracle="exact"
    )


def check_logistic_grad_matches_autograd(grad) -> None:
    """logistic_grad matches torch autograd of binary_cross_entropy_with_logits (float64)."""
    for text, w, X, y in _loss_cases():
        _check_grad_case(grad, text, w, X, y, strict=False, oracle="torch")


def check_logistic_grad_contract(grad) -> None:
    """logistic_grad returns a new float64 array of w's shape and leaves w, X, y unmodified."""
    for X, y, w in [_problem(12, 3, 410), _problem(1, 1, 411), _problem(7, 4, 412, scale=30.0)]:
        call = f"logistic_grad(w, X, y) with X of shape {X.shape}"
        args = (w.copy(), X.copy(), y.copy())
        with _quiet():
            out = _guarded("logistic_grad", call, grad, *args, signature=_GRAD_SIGNATURE)
        for name, passed, original in zip(("w", "X", "y"), args, (w, X, y), strict=True):
            _unchanged(name, call, passed, original, "compute into new arrays instead.")
        out = _check_array_result(call, out, w.shape, "logistic_grad")
        if any(np.shares_memory(out, a) for a in args):
            raise AssertionError(
                f"{call} returned an array that shares memory with an input: return a new array."
            )


def check_logistic_grad(grad) -> None:
    """Every check of logistic_grad."""
    check_logistic_grad_is_stable(grad)
    check_logistic_grad_matches_autograd(grad)
    check_logistic_grad_contract(grad)


# --------------------------------------------------------------------------------------
# minibatch_indices
# --------------------------------------------------------------------------------------

_MB_SIGNATURE = "minibatch_indices(n, batch_size, rng)"


def _state(rng: np.random.Generator):
    return copy.deepcopy(rng.bit_generator.state)


def _count_permutations(rng0: np.random.Generator, n: int, state, limit: int = 16) -> int | None:
    """How many ``permutation(n)`` draws lead from ``rng0`` to ``state`` (None: no count)."""
    r = copy.deepcopy(rng0)
    for k in range(limit + 1):
        if r.bit_generator.state == state:
            return k
        r.permutation(n)
    return None


def _expected_sizes(n: int, b: int) -> list[int]:
    return [min(b, n - i) for i in range(0, n, b)]


def _validate_batches(call: str, got, n: int) -> list[np.ndarray]:
    if got is None:
        raise AssertionError(f"{call} returned None: return the list of batches (`return`?).")
    if not isinstance(got, list):
        raise AssertionError(
            f"{call} returned a {type(got).__name__}; it must return a list of 1-D integer NumPy "
            "arrays (e.g. a list comprehension, not a generator or a 2-D array)."
        )
    for i, b in enumerate(got):
        if not isinstance(b, np.ndarray) or b.ndim != 1:
            kind = f"an array of shape {b.shape}" if isinstance(b, np.ndarray) else type(b).__name__
            raise AssertionError(
                f"{call}: batch {i} is {kind}; every batch must be a 1-D NumPy array of indices."
            )
        if not np.issubdtype(b.dtype, np.integer):
            raise AssertionError(
                f"{call}: batch {i} has dtype {b.dtype}; indices must be integers "
                "(rng.permutation(n) gives integers)."
            )
        if b.size == 0:
            raise AssertionError(f"{call}: batch {i} is empty; no batch may be empty.")
    return got


def _minibatch_problem(call, n, b, rng0, got, state, expected, expected_state) -> str | None:
    """None when ``got`` and the generator's state are right, else what is wrong."""
    same_values = len(got) == len(expected) and all(
        np.array_equal(g, e) for g, e in zip(got, expected, strict=True)
    )
    if same_values and state == expected_state:
        return None
    sizes = [len(g) for g in got]
    flat = np.concatenate(got) if got else np.zeros(0, dtype=int)
    head = (
        f"{call}:\n  expected batch sizes {_expected_sizes(n, b)}, got {sizes}"
        if sizes != _expected_sizes(n, b)
        else f"{call}:"
    )
    k = _count_permutations(rng0, n, state)
    perm = copy.deepcopy(rng0).permutation(n)
    if k == 1:  # exactly one permutation was drawn: are the batches cut in a known wrong way?
        for key, mutant in _minibatch_mutants(perm, b).items():
            if len(mutant) == len(got) and all(
                np.array_equal(g, m) for g, m in zip(got, mutant, strict=True)
            ):
                return f"{head}\n  Diagnosis: {_MINIBATCH_DIAGNOSES[key]}"
    if not np.array_equal(np.sort(flat), np.arange(n)):
        return (
            f"{head}\n  the batches must together hold every index 0, ..., {n - 1} exactly once "
            "(one permutation), but yours repeat or miss some. Sampling with replacement "
            "(rng.integers, rng.choice(n, n)) does that: use rng.permutation(n)."
        )
    if k == 0 and n > 1:
        if np.array_equal(flat, np.arange(n)):
            return (
                f"{head}\n  the indices are not shuffled: they are 0, 1, ..., n-1 in order. "
                "Shuffle them with rng.permutation(n)."
            )
        return (
            f"{head}\n  the generator passed in was not used (its state did not change): your "
            "function used np.random (the global generator) or a new np.random.default_rng() "
            "instead of the rng passed in, so nobody can reproduce your batches. Draw with "
            "rng.permutation(n)."
        )
    if k is not None and k > 1:
        return (
            f"{head}\n  your function drew from rng more than once: the generator moved on by "
            f"{k} permutations of n, but the contract draws exactly ONE, rng.permutation(n), "
            "per call."
        )
    if k is None:
        return (
            f"{head}\n  your function drew from rng differently from one rng.permutation(n) "
            "(e.g. rng.choice, rng.integers or rng.random), so the generator ends in another "
            "state; the draws are part of the contract, so that results are reproducible."
        )
    return (
        f"{head}\n  expected (perm = rng.permutation(n) = {perm[:12].tolist()}"
        f"{' ...' if n > 12 else ''}) the consecutive chunks perm[0:{b}], perm[{b}:{2 * b}], ... "
        f"with the last one smaller;\n  expected {[e.tolist() for e in expected][:4]}"
        f"\n  got      {[g.tolist() for g in got][:4]}"
    )


def _check_minibatch_case(fn, n: int, b: int, seed: int, calls: int = 1) -> None:
    rng = np.random.default_rng(seed)
    ref = copy.deepcopy(rng)
    for c in range(1, calls + 1):
        rng0 = copy.deepcopy(rng)
        which = "" if calls == 1 else f" (call {c} of {calls} on the same rng)"
        call = f"minibatch_indices({n}, {b}, rng){which}"
        got = _guarded("minibatch_indices", call, fn, n, b, rng, signature=_MB_SIGNATURE)
        got = _validate_batches(call, got, n)
        expected = _minibatch(n, b, ref)
        problem = _minibatch_problem(call, n, b, rng0, got, _state(rng), expected, _state(ref))
        if problem:
            raise AssertionError(problem)


def check_minibatch_indices_edge_cases(minibatch_indices) -> None:
    """batch_size = n (one batch), > n (one batch), = 1 (n batches of one); n = 1 and 2."""
    for i, (n, b) in enumerate([(5, 5), (5, 8), (5, 1), (2, 1), (2, 2), (3, 100), (1, 1), (1, 4)]):
        _check_minibatch_case(minibatch_indices, n, b, 500 + i)


def check_minibatch_indices_draws(minibatch_indices) -> None:
    """Exactly one rng.permutation(n) per call, cut into consecutive chunks; calls go on in the
    generator's stream."""
    cases = [(10, 4, 1), (12, 4, 1), (30, 7, 1), (100, 32, 1), (17, 5, 3), (9, 2, 4), (64, 64, 2)]
    for i, (n, b, calls) in enumerate(cases):
        _check_minibatch_case(minibatch_indices, n, b, 510 + i, calls)


def check_minibatch_indices(minibatch_indices) -> None:
    """Every check of minibatch_indices."""
    check_minibatch_indices_edge_cases(minibatch_indices)
    check_minibatch_indices_draws(minibatch_indices)


# --------------------------------------------------------------------------------------
# train_logistic_regression
# --------------------------------------------------------------------------------------

_TRAIN_SIGNATURE = "train_logistic_regression(X, y, lr, epochs, batch_size, rng, w0=None)"


@dataclass(frozen=True)
class _TrainCase:
    text: str
    n: int
    d: int
    lr: float
    epochs: int
    batch_size: int
    seed: int
    with_w0: bool = False

    def data(self):
        X, y, w = _problem(self.n, self.d, self.seed, bias=self.d > 1)
        return X, y, (0.5 * w if self.with_w0 else None)

    def call(self, epochs: int | None = None) -> str:
        e = self.epochs if epochs is None else epochs
        w0 = ", w0" if self.with_w0 else ""
        return (
            f"train_logistic_regression(X, y, lr={self.lr}, epochs={e}, "
            f"batch_size={self.batch_size}, rng{w0}) with n={self.n}, d={self.d} ({self.text})"
        )


@dataclass
class _Helpers:
    """A set of (minibatch, grad, loss) the reference loop may use."""

    name: str
    minibatch: Callable
    grad: Callable
    loss: Callable


def _helper_sets(minibatch_indices=None, logistic_grad=None, logistic_loss=None) -> list[_Helpers]:
    sets = [_Helpers("the reference", _minibatch, _grad, _loss)]
    if any(f is not None for f in (minibatch_indices, logistic_grad, logistic_loss)):
        sets.append(
            _Helpers(
                "your own helpers",
                minibatch_indices or _minibatch,
                logistic_grad or _grad,
                logistic_loss or _loss,
            )
        )
    return sets


def _run_student(train, case: _TrainCase, X, y, w0, rng, epochs=None, seed=None):
    e = case.epochs if epochs is None else epochs
    args = (X.copy(), y.copy(), case.lr, e, case.batch_size, rng)
    if w0 is not None:
        args = (*args, w0.copy())
    with _quiet(), _global_seed(case.seed if seed is None else seed):
        return _guarded(
            "train_logistic_regression",
            case.call(e),
            train,
            *args,
            signature=_TRAIN_SIGNATURE,
        )


def _run_reference(case: _TrainCase, X, y, w0, rng, helpers: _Helpers, epochs=None, mistakes=()):
    """The reference loop (or a mutant) with ``helpers``; None if the helpers fail."""
    e = case.epochs if epochs is None else epochs
    try:
        with _quiet(), _global_seed(case.seed):
            w, hist = _train(
                X.copy(),
                y.copy(),
                case.lr,
                e,
                case.batch_size,
                rng,
                None if w0 is None else w0.copy(),
                minibatch=helpers.minibatch,
                grad=helpers.grad,
                loss=helpers.loss,
                mistakes=tuple(mistakes),
            )
        return np.asarray(w, dtype=np.float64), [float(h) for h in hist]
    except Exception:
        return None


def _unpack_train(call: str, out, d: int) -> tuple[np.ndarray, Any]:
    if out is None:
        raise AssertionError(f"{call} returned None: return the tuple (w, history).")
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise AssertionError(
            f"{call} returned a {type(out).__name__}"
            f"{f' of length {len(out)}' if isinstance(out, (tuple, list)) else ''}; "
            "it must return the tuple (w, history)."
        )
    w, history = out
    if not isinstance(w, np.ndarray) or w.shape != (d,) or w.dtype != np.float64:
        kind = (
            f"an array of shape {w.shape} and dtype {w.dtype}"
            if isinstance(w, np.ndarray)
            else f"a {type(w).__name__}"
        )
        raise AssertionError(
            f"{call} returned as w {kind}; w must be a float64 NumPy array of shape ({d},)."
        )
    return w, history


_TRAIN_MATCH = [
    _TrainCase("SGD: batch_size=1", 24, 3, 0.3, 3, 1, 600),
    _TrainCase("mini-batches of 7, the last one smaller", 30, 3, 0.5, 4, 7, 601, with_w0=True),
    _TrainCase("batch GD: batch_size=n", 30, 3, 0.8, 5, 30, 602),
    _TrainCase("batch_size larger than n", 12, 3, 0.5, 3, 50, 603, with_w0=True),
    _TrainCase("one feature, no bias, mini-batches of 4", 10, 1, 0.4, 4, 4, 604),
    _TrainCase("mini-batches of 8 that divide n", 32, 4, 0.5, 3, 8, 605),
]


def _draw_problem(case: _TrainCase, rng0, state, allowed_states) -> str | None:
    """What is wrong with the student's draws, or None when the state is an allowed one."""
    if any(state == s for s in allowed_states):
        return None
    k = _count_permutations(rng0, case.n, state, limit=4 * case.epochs + 4)
    e = case.epochs
    if k == 0:
        return (
            "the generator passed in was not used (its state did not change): you used "
            "np.random (the global generator) or a new np.random.default_rng() instead of the rng "
            "passed in. Every epoch must call minibatch_indices(n, batch_size, rng) with it."
        )
    if k == 1 and e > 1:
        return _TRAIN_DIAGNOSES["no_reshuffle"]
    if k is not None and k > e:
        return (
            f"your function drew from rng more than once per epoch: {k} permutations of n in "
            f"{e} epochs. Call minibatch_indices(n, batch_size, rng) exactly once per epoch and "
            "loop over its batches (do not call it again, e.g. to count the batches)."
        )
    if k is not None:
        return (
            f"your function drew {k} permutations of n in {e} epochs; the contract draws "
            "exactly one per epoch, with minibatch_indices(n, batch_size, rng)."
        )
    return (
        "your function drew from rng differently from one rng.permutation(n) per epoch (through "
        "minibatch_indices): the draws are part of the contract, so that runs are reproducible."
    )


def check_train_matches_reference(
    train, minibatch_indices=None, logistic_grad=None, logistic_loss=None
) -> None:
    """The trained weights and the generator's final state match the documented loop, for SGD,
    mini-batches (also a smaller last one), batch GD and batch_size > n, with and without w0.

    The loop may use the trusted helpers or the student's own ones (when passed in).
    """
    helper_sets = _helper_sets(minibatch_indices, logistic_grad, logistic_loss)
    for case in _TRAIN_MATCH:
        X, y, w0 = case.data()
        rng = np.random.default_rng(case.seed)
        rng0 = copy.deepcopy(rng)
        call = case.call()
        w, _ = _unpack_train(call, _run_student(train, case, X, y, w0, rng), case.d)
        state = _state(rng)
        runs = []
        for helpers in helper_sets:
            r = copy.deepcopy(rng0)
            out = _run_reference(case, X, y, w0, r, helpers)
            if out is not None:
                runs.append((helpers, out[0], _state(r)))
        if any(
            _close(w, w_ref, TRAIN_RTOL, TRAIN_ATOL) and state == s_ref for _, w_ref, s_ref in runs
        ):
            continue
        expected = runs[0][1]
        draws = _draw_problem(case, rng0, state, [s for _, _, s in runs])
        lines = [
            f"{call}: the trained weights differ from the reference run "
            f"(rtol={TRAIN_RTOL:g}, atol={TRAIN_ATOL:g}).",
            f"  expected w = {_preview(expected)}",
            f"  got      w = {_preview(w)}",
        ]
        diagnosis = draws
        if diagnosis is None or diagnosis == _TRAIN_DIAGNOSES["no_reshuffle"]:
            for helpers in helper_sets:
                for key in ("drop_last", "full_gradient", "ignore_w0", "ascent", "no_reshuffle"):
                    out = _run_reference(
                        case, X, y, w0, copy.deepcopy(rng0), helpers, mistakes=(key,)
                    )
                    if out is not None and _is_explained(
                        _deviation(w, out[0]), _deviation(w, expected)
                    ):
                        diagnosis = _TRAIN_DIAGNOSES[key]
                        break
                else:
                    continue
                break
        if draws is None and not np.all(np.isfinite(w)):
            diagnosis = diagnosis or "your weights contain inf or NaN."
        if diagnosis is None:
            again = _run_student(train, case, X, y, w0, copy.deepcopy(rng0))
            if not np.array_equal(w, _unpack_train(call, again, case.d)[0], equal_nan=True):
                diagnosis = (
                    "your training is not reproducible: two runs with the same seed gave "
                    "different weights, so something draws random numbers that do not come "
                    "from rng (e.g. np.random.default_rng() without a seed, in the training "
                    "loop or in minibatch_indices). Draw only from the rng passed in."
                )
        if diagnosis:
            lines.append(f"Diagnosis: {diagnosis}")
        else:
            lines.append(
                "Start from a copy of w0 (zeros if None); in every epoch walk the batches b of "
                "ONE minibatch_indices(n, batch_size, rng) call and step "
                "w = w - lr * logistic_grad(w, X[b], y[b])."
            )
        raise AssertionError("\n".join(lines))


_TRAIN_HISTORY = [
    _TrainCase("mini-batches of 6", 20, 3, 0.5, 3, 6, 700),
    _TrainCase("SGD: batch_size=1", 8, 2, 0.3, 3, 1, 701),
    _TrainCase("batch GD: batch_size=n", 20, 3, 0.8, 4, 20, 702, with_w0=True),
]


def _history_values(call: str, history, epochs: int, steps: int) -> list[float]:
    if not isinstance(history, list):
        raise AssertionError(
            f"{call} returned a history of type {type(history).__name__}; it must be a list "
            "of floats, one per epoch (history.append(...) after each epoch)."
        )
    if len(history) != epochs:
        extra = ""
        if len(history) == steps and steps != epochs:
            extra = (
                f" That is one entry per STEP ({steps} steps): append once per epoch, after the "
                "epoch's last step."
            )
        raise AssertionError(
            f"{call} returned a history of length {len(history)}; it must have one entry per "
            f"epoch ({epochs}).{extra}"
        )
    for i, h in enumerate(history):
        if isinstance(h, np.ndarray) or not isinstance(h, (float, int, np.floating)):
            raise AssertionError(
                f"{call}: history[{i}] is a {type(h).__name__}; every entry must be a float "
                "(the full-data loss after that epoch)."
            )
    return [float(h) for h in history]


def check_train_history(
    train, minibatch_indices=None, logistic_grad=None, logistic_loss=None
) -> None:
    """history[e] is the full-data loss logistic_loss(w, X, y) at the weights reached at the end
    of epoch e + 1 (a list of floats, one per epoch)."""
    helper_sets = _helper_sets(minibatch_indices, logistic_grad, logistic_loss)
    losses = [h.loss for h in helper_sets]
    for case in _TRAIN_HISTORY:
        X, y, w0 = case.data()
        call = case.call()
        steps = case.epochs * math.ceil(case.n / case.batch_size)
        rng = np.random.default_rng(case.seed)
        w, history = _unpack_train(call, _run_student(train, case, X, y, w0, rng), case.d)
        hist = _history_values(call, history, case.epochs, steps)
        # w after every epoch: the returned w, and those of shorter runs (when reproducible)
        ends = {case.epochs: w}
        again = _run_student(train, case, X, y, w0, np.random.default_rng(case.seed))
        w2, _ = _unpack_train(call, again, case.d)
        if np.array_equal(w, w2, equal_nan=True):
            for e in range(1, case.epochs):
                out = _run_student(train, case, X, y, w0, np.random.default_rng(case.seed), e)
                ends[e] = _unpack_train(case.call(e), out, case.d)[0]
        for e in sorted(ends, reverse=True):
            values = []
            for loss in losses:
                try:
                    with _quiet():
                        values.append(float(loss(ends[e].copy(), X.copy(), y.copy())))
                except Exception:
                    continue
            if any(_close(hist[e - 1], v, TRAIN_RTOL, TRAIN_ATOL) for v in values):
                continue
            expected = values[0]
            lines = [
                f"{call}: history[{e - 1}] = {hist[e - 1]!r}, but the full-data loss "
                f"logistic_loss(w, X, y) at the weights after epoch {e} is {expected!r}.",
            ]
            diagnosis = None
            for helpers in helper_sets:
                for key in ("history_before", "history_batch_mean", "history_last_batch"):
                    out = _run_reference(
                        case, X, y, w0, np.random.default_rng(case.seed), helpers, mistakes=(key,)
                    )
                    if out is not None and _deviation(hist, out[1]) <= 1e-9:
                        diagnosis = _TRAIN_DIAGNOSES[key]
                        break
                if diagnosis:
                    break
            lines.append(
                f"Diagnosis: {diagnosis}"
                if diagnosis
                else "history[e] must be logistic_loss(w, X, y) on ALL the data, appended after "
                "the last step of epoch e + 1."
            )
            raise AssertionError("\n".join(lines))


_TRAIN_DRAWS = [
    _TrainCase("mini-batches of 6", 20, 3, 0.5, 3, 6, 800),
    _TrainCase("SGD: batch_size=1", 9, 2, 0.3, 2, 1, 801),
    _TrainCase("batch GD: batch_size=n", 10, 2, 0.5, 3, 10, 802),
    _TrainCase("batch_size larger than n", 5, 2, 0.5, 3, 8, 803),
    _TrainCase("mini-batches of 4, many epochs", 16, 3, 0.2, 6, 4, 804),
]


def check_train_draws(train, minibatch_indices=None) -> None:
    """Training draws exactly one permutation of n per epoch from the rng passed in (through
    minibatch_indices), and nothing else."""
    for case in _TRAIN_DRAWS:
        X, y, w0 = case.data()
        rng = np.random.default_rng(case.seed)
        rng0 = copy.deepcopy(rng)
        call = case.call()
        _unpack_train(call, _run_student(train, case, X, y, w0, rng), case.d)
        allowed = []
        for mb in (_minibatch, minibatch_indices):
            if mb is None:
                continue
            r = copy.deepcopy(rng0)
            try:
                with _quiet(), _global_seed(case.seed):
                    for _ in range(case.epochs):
                        mb(case.n, case.batch_size, r)
            except Exception:
                continue
            allowed.append(_state(r))
        problem = _draw_problem(case, rng0, _state(rng), allowed)
        if problem:
            raise AssertionError(
                f"{call}: the generator's state afterwards is wrong.\nDiagnosis: {problem}"
            )


def check_train_contract(train) -> None:
    """train leaves X, y and w0 unmodified, returns (float64 w of shape (d,), list); w0=None
    starts at zeros; epochs=0 returns the start point and [] without drawing."""
    case = _TrainCase("contract", 15, 3, 0.3, 2, 4, 900, with_w0=True)
    X, y, w0 = case.data()
    call = case.call()
    args = [
        X.copy(),
        y.copy(),
        case.lr,
        case.epochs,
        case.batch_size,
        np.random.default_rng(1),
        w0.copy(),
    ]
    with _quiet(), _global_seed(1):
        out = _guarded("train_logistic_regression", call, train, *args, signature=_TRAIN_SIGNATURE)
    for name, passed, original in (("X", args[0], X), ("y", args[1], y), ("w0", args[6], w0)):
        _unchanged(
            name,
            call,
            passed,
            original,
            "start from a copy (w = w0.copy(), or np.array(w0, dtype=float)) and update with "
            "w = w - lr * ..., not w -= ... on the caller's array.",
        )
    _unpack_train(call, out, case.d)

    # w0=None starts at zeros (checked only when runs are reproducible: the draws are
    # checked elsewhere)
    zeros = _TrainCase("w0 = np.zeros(d)", 15, 3, 0.3, 2, 4, 901, with_w0=False)
    runs = []
    for w_start in (None, np.zeros(3), np.zeros(3)):
        o = _run_student(train, zeros, X, y, w_start, np.random.default_rng(2), seed=2)
        runs.append(_unpack_train(zeros.call(), o, 3)[0])
    if np.array_equal(runs[1], runs[2], equal_nan=True) and not np.array_equal(
        runs[0], runs[1], equal_nan=True
    ):
        raise AssertionError(
            f"{zeros.call()}: w0=None must start from zeros, but it gives another result than "
            f"w0=np.zeros(d) (w0=None: {_preview(runs[0])}, zeros: {_preview(runs[1])})."
        )

    # epochs = 0: the start point, an empty history, and no draw
    for start, text in ((w0, "w0 given"), (None, "w0=None")):
        rng = np.random.default_rng(3)
        before = _state(rng)
        call0 = case.call(0) + f", {text}"
        args = (X.copy(), y.copy(), case.lr, 0, case.batch_size, rng)
        if start is not None:
            args = (*args, start.copy())
        with _quiet():
            out = _guarded(
                "train_logistic_regression", call0, train, *args, signature=_TRAIN_SIGNATURE
            )
        w, history = _unpack_train(call0, out, case.d)
        expected = np.zeros(case.d) if start is None else start
        if not np.array_equal(w, expected):
            raise AssertionError(
                f"{call0}: with no epoch there is no step, so w must be the start point "
                f"{_preview(expected)}, got {_preview(w)}."
            )
        if not isinstance(history, list) or len(history) != 0:
            raise AssertionError(
                f"{call0}: with no epoch the history must be an empty list, got {history!r}."
            )
        if _state(rng) != before:
            raise AssertionError(
                f"{call0}: with no epoch nothing may be drawn from rng, but its state changed."
            )


def check_train_logistic_regression(
    train, minibatch_indices=None, logistic_grad=None, logistic_loss=None
) -> None:
    """Every check of train_logistic_regression."""
    check_train_matches_reference(train, minibatch_indices, logistic_grad, logistic_loss)
    check_train_history(train, minibatch_indices, logistic_grad, logistic_loss)
    check_train_draws(train, minibatch_indices)
    check_train_contract(train)
