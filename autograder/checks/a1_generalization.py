"""Trusted checks for assignment A1 (generalization and the bias-variance trade-off, NumPy).

The hidden tests of ``solutions/a1_generalization/a1_generalization.ipynb`` call the
``check_*`` functions below with the student's functions. Each check compares the student's
results with an independent oracle on seeded inputs and raises ``AssertionError`` on the first
problem, with a message that names the call, shows expected and actual values and, when the
numbers coincide with a known mistake, names it. Known mistakes are simulated by small private
"mutant" implementations in this module, run on the same inputs.

Oracles: scikit-learn's ``KFold`` (unshuffled folds), ``PolynomialFeatures``, ``Ridge`` and
``LinearRegression`` without intercept, ``mean_squared_error``; ``np.linalg.pinv`` and
``np.linalg.lstsq`` for minimum-norm least squares; the standard library's ``statistics``
module for the bias-variance decomposition. Shuffled folds are compared with the blocks of one
``rng.permutation(n)`` drawn from a copy of the generator (``copy.deepcopy(rng)``), and the
generator's state after the call is compared too: the draws are part of the contract.

``cross_val_mse`` and ``select_degree`` are graded given the student's own helpers: a result
passes when it matches the oracle *or* the documented procedure run with the student's
``kfold_indices``, ``polynomial_features``, ``fit_ridge`` and ``mse`` (respectively the
student's ``cross_val_mse``), so a mistake in a helper costs the helper's tests, not these.

Public checks (one per hidden test cell):

``check_kfold_indices_matches_sklearn``, ``check_kfold_indices_rejects_bad_k``,
``check_kfold_indices_shuffle``; ``check_polynomial_features``;
``check_fit_ridge_matches_sklearn``, ``check_fit_ridge_minimum_norm``,
``check_fit_ridge_contract``; ``check_mse``; ``check_cross_val_mse_matches_sklearn``,
``check_cross_val_mse_contract``; ``check_select_degree_matches_reference``,
``check_select_degree_ties``; ``check_bias_variance_matches_oracle``,
``check_bias_variance_contract``.

Messages never show the reference implementation; they quote the formulas in words.
"""

from __future__ import annotations

import copy
import statistics
import traceback
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

__all__ = [
    "CV_RTOL",
    "RIDGE_RTOL",
    "check_bias_variance_contract",
    "check_bias_variance_matches_oracle",
    "check_cross_val_mse_contract",
    "check_cross_val_mse_matches_sklearn",
    "check_fit_ridge_contract",
    "check_fit_ridge_matches_sklearn",
    "check_fit_ridge_minimum_norm",
    "check_kfold_indices_matches_sklearn",
    "check_kfold_indices_rejects_bad_k",
    "check_kfold_indices_shuffle",
    "check_mse",
    "check_polynomial_features",
    "check_select_degree_matches_reference",
    "check_select_degree_ties",
]

RIDGE_RTOL = 1e-7
"""Relative tolerance of ridge weights against scikit-learn and pinv (``atol`` scales with ``|w|``)."""
CV_RTOL = 1e-7
"""Relative tolerance of cross-validation errors against the scikit-learn pipeline."""

# A mutant explains the student's numbers when it agrees to this relative precision.
_SAME_NOISE = 1e-9

_KFOLD_SIGNATURE = "kfold_indices(n, k, shuffle=False, rng=None)"
_POLY_SIGNATURE = "polynomial_features(x, degree)"
_RIDGE_SIGNATURE = "fit_ridge(Phi, y, lam=0.0)"
_MSE_SIGNATURE = "mse(y_true, y_pred)"
_CV_SIGNATURE = "cross_val_mse(x, y, degree, k, lam=0.0)"
_SELECT_SIGNATURE = "select_degree(x, y, degrees, k)"
_BV_SIGNATURE = "bias_variance_decomposition(preds, f_true, noise_var)"
_BV_KEYS = ("bias_sq", "variance", "noise", "expected_error")

# --------------------------------------------------------------------------------------
# Trusted reference implementations (independent of the notebook)
# --------------------------------------------------------------------------------------


def _fold_sizes(n: int, k: int) -> list[int]:
    return [n // k + 1] * (n % k) + [n // k] * (k - n % k)


def _blocks(order: np.ndarray, sizes: list[int]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Cut ``order`` into consecutive blocks of ``sizes``; each block is a validation fold."""
    folds, start = [], 0
    for size in sizes:
        val = np.sort(order[start : start + size])
        train = np.sort(np.concatenate([order[:start], order[start + size :]]))
        folds.append((train, val))
        start += size
    return folds


def _kfold(n: int, k: int, shuffle: bool = False, rng=None) -> list[tuple[np.ndarray, np.ndarray]]:
    if k < 2 or k > n:
        raise ValueError(f"k must be in [2, n], got k={k}, n={n}")
    order = (
        (rng if rng is not None else np.random.default_rng()).permutation(n) if shuffle else None
    )
    return _blocks(np.arange(n) if order is None else order, _fold_sizes(n, k))


def _poly(x, degree: int) -> np.ndarray:
    return np.asarray(x, dtype=np.float64)[:, None] ** np.arange(degree + 1)


def _ridge(Phi, y, lam=0.0) -> np.ndarray:
    if lam == 0:
        return np.linalg.pinv(Phi) @ y
    d = Phi.shape[1]
    return np.linalg.solve(Phi.T @ Phi + lam * np.eye(d), Phi.T @ y)


def _mse(y_true, y_pred) -> float:
    return float(np.mean((np.asarray(y_true) - np.asarray(y_pred)) ** 2))


def _cv(
    x,
    y,
    degree,
    k,
    lam=0.0,
    *,
    kfold: Callable = _kfold,
    poly: Callable = _poly,
    ridge: Callable = _ridge,
    err: Callable = _mse,
    mistakes: tuple[str, ...] = (),
) -> float:
    """The documented cross-validation loop; ``mistakes`` turns it into a known wrong one."""
    n = len(x)
    folds = kfold(n, k)
    fold_errors, squared = [], []
    for train, val in folds:
        fit_on = np.arange(n) if "fit_all" in mistakes else train
        if "swapped" in mistakes:
            fit_on, val = val, train
        fit_degree = degree + 1 if "degree_plus_one" in mistakes else degree
        w = ridge(poly(x[fit_on], fit_degree), y[fit_on], 0.0 if "no_lam" in mistakes else lam)
        pred = poly(x[val], fit_degree) @ w
        fold_errors.append(err(y[val], pred))
        squared.append((y[val] - pred) ** 2)
    if "pooled" in mistakes:
        return float(np.mean(np.concatenate(squared)))
    if "sum_folds" in mistakes:
        return float(np.sum(fold_errors))
    if "skip_last" in mistakes:
        return float(np.mean(fold_errors[:-1]))
    return float(np.mean(fold_errors))


_COMMON_SEEDS = (0, 1, 42, 123, 2024)


def _seeded_kfold(seed: int) -> Callable:
    def kfold(n, k):
        return _kfold(n, k, shuffle=True, rng=np.random.default_rng(seed))

    return kfold


def _select(degrees, errors) -> int:
    """The degree of the smallest error; ties to the smaller degree."""
    best = min(zip(errors, degrees, strict=True), key=lambda pair: (pair[0], pair[1]))
    return best[1]


def _bias_variance(preds, f_true, noise_var) -> dict[str, float]:
    mean_pred = preds.mean(axis=0)
    bias_sq = float(np.mean((mean_pred - f_true) ** 2))
    variance = float(np.mean(preds.var(axis=0)))
    return {
        "bias_sq": bias_sq,
        "variance": variance,
        "noise": float(noise_var),
        "expected_error": bias_sq + variance + float(noise_var),
    }


# --------------------------------------------------------------------------------------
# Mutants: known mistakes (for diagnoses only)
# --------------------------------------------------------------------------------------


def _kfold_mutants(n: int, k: int) -> dict[str, list[tuple[np.ndarray, np.ndarray]]]:
    """Known wrong unshuffled folds for (n, k); only those that differ from the right ones."""
    idx = np.arange(n)
    base = n // k
    out = {
        "remainder_last": _blocks(idx, [base] * (k - 1) + [n - base * (k - 1)]),
        "small_first": _blocks(idx, _fold_sizes(n, k)[::-1]),
        "swapped": [(v, t) for t, v in _kfold(n, k)],
        "strided": [(np.setdiff1d(idx, idx[i::k]), idx[i::k]) for i in range(k)],
    }
    ceil = -(-n // k)
    chunks = [idx[i : i + ceil] for i in range(0, n, ceil)]
    out["ceil_chunks"] = [(np.setdiff1d(idx, c), c) for c in chunks]
    out["floor_drop"] = [
        (np.setdiff1d(idx, idx[i * base : (i + 1) * base]), idx[i * base : (i + 1) * base])
        for i in range(k)
    ]
    right = _kfold(n, k)
    return {key: folds for key, folds in out.items() if not _same_folds(folds, right)}


_FOLD_SIZE_ADVICE = (
    "folds of unequal size: the first n % k folds must hold n // k + 1 samples, the rest "
    "n // k (as scikit-learn's KFold)"
)

_KFOLD_DIAGNOSES = {
    "remainder_last": (
        f"{_FOLD_SIZE_ADVICE}; yours put the whole remainder n % k into the LAST fold. Spread it: "
        "one extra sample to each of the first n % k folds."
    ),
    "small_first": (
        f"{_FOLD_SIZE_ADVICE}; yours give the extra samples to the LAST n % k folds instead of "
        "the first ones."
    ),
    "ceil_chunks": (
        f"{_FOLD_SIZE_ADVICE}; yours cut chunks of ceil(n / k) samples, so the last folds are "
        "too small (or missing)."
    ),
    "floor_drop": (
        f"{_FOLD_SIZE_ADVICE}; yours cut k blocks of n // k and the last n % k samples are never "
        "in a validation fold: every sample must be validated exactly once."
    ),
    "swapped": (
        "training and validation indices are swapped: each pair is (train_idx, val_idx), with "
        "the small validation block second."
    ),
    "strided": (
        "your validation folds take every k-th sample (i, i + k, i + 2k, ...); without shuffle, "
        "fold i's validation indices are a CONTIGUOUS block."
    ),
}


def _poly_mutants(x: np.ndarray, degree: int) -> dict[str, np.ndarray]:
    x = np.asarray(x, dtype=np.float64)
    out = {
        "no_bias": x[:, None] ** np.arange(1, degree + 1),
        "decreasing": x[:, None] ** np.arange(degree, -1, -1),
        "one_short": x[:, None] ** np.arange(degree),
        "times": x[:, None] * np.arange(degree + 1),
    }
    return out


_POLY_DIAGNOSES = {
    "no_bias": (
        "the bias column is missing: column 0 is x ** 0 = 1 (all ones), so the result has "
        "degree + 1 columns, x ** 0, x ** 1, ..., x ** degree."
    ),
    "decreasing": (
        "your columns are in decreasing order (np.vander's default): column j must be x ** j, "
        "from x ** 0 up to x ** degree (np.vander(x, degree + 1, increasing=True))."
    ),
    "one_short": (
        "the last column x ** degree is missing: the powers go from 0 up to AND INCLUDING degree, "
        "degree + 1 columns."
    ),
    "times": "your column j is x * j: it must be the power x ** j.",
}


def _ridge_mutants(Phi: np.ndarray, y: np.ndarray, lam: float) -> dict[str, np.ndarray]:
    n, d = Phi.shape
    out = {}
    for key, factor in (("half", 0.5), ("double", 2.0), ("times_n", float(n)), ("over_n", 1 / n)):
        out[key] = _ridge(Phi, y, lam * factor)
    out["no_penalty"] = _ridge(Phi, y, 0.0)
    out["squared"] = _ridge(Phi, y, lam**2)
    return out


_RIDGE_DIAGNOSES = {
    "half": (
        "your penalty is lam / 2: the objective ||Phi w - y||^2 + lam ||w||^2 has the normal "
        "equations (Phi^T Phi + lam I) w = Phi^T y, with lam itself, not lam / 2."
    ),
    "double": (
        "your penalty is 2 lam: the normal equations of ||Phi w - y||^2 + lam ||w||^2 are "
        "(Phi^T Phi + lam I) w = Phi^T y (the factor 2 of both gradients cancels)."
    ),
    "times_n": (
        "your penalty is lam * n: that minimizes the MEAN squared error + lam ||w||^2; here the "
        "objective is the SUM ||Phi w - y||^2 + lam ||w||^2, so add lam I to Phi^T Phi."
    ),
    "over_n": (
        "your penalty is lam / n: the objective is ||Phi w - y||^2 + lam ||w||^2, so add lam I "
        "(not lam / n I) to Phi^T Phi."
    ),
    "no_penalty": (
        "the penalty is missing: with lam > 0 solve (Phi^T Phi + lam I) w = Phi^T y; you "
        "returned the unpenalized least-squares solution."
    ),
    "squared": "your penalty is lam ** 2: add lam I to Phi^T Phi, not lam ** 2 I.",
}


def _mse_mutants(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, float]:
    r = y_true - y_pred
    return {
        "sum": float(np.sum(r**2)),
        "rmse": float(np.sqrt(np.mean(r**2))),
        "mae": float(np.mean(np.abs(r))),
        "half": float(0.5 * np.mean(r**2)),
        "squared_mean": float(np.mean(r) ** 2),
    }


_MSE_DIAGNOSES = {
    "sum": (
        "your mse is the SUM of the squared errors: the mean squared error divides by the number "
        "of samples (np.mean)."
    ),
    "rmse": "your mse takes a square root (that is the RMSE): return the mean of the squares.",
    "mae": "your mse averages |y_true - y_pred| (the MAE): square the errors instead.",
    "half": "your mse has a factor 1/2: the mean squared error is mean((y_true - y_pred) ** 2).",
    "squared_mean": (
        "you squared the mean error, (mean(y_true - y_pred)) ** 2: square each error first, "
        "then average."
    ),
}

_CV_DIAGNOSES = {
    "pooled": (
        "you averaged the squared errors over all n samples at once: cross_val_mse is the MEAN "
        "over the k folds of each fold's validation MSE. The two differ when n % k != 0, because "
        "the folds then have different sizes."
    ),
    "fit_all": (
        "your models are fitted on ALL the data, validation fold included: fit on the training "
        "folds only (x[train_idx], y[train_idx]), or the validation error is optimistic."
    ),
    "swapped": (
        "you fit on the validation fold and evaluate on the training folds: fit on train_idx, "
        "evaluate on val_idx."
    ),
    "no_lam": "lam is ignored: pass it on, fit_ridge(Phi_train, y_train, lam).",
    "degree_plus_one": (
        "your features have one degree too many: polynomial_features(x, degree) already has "
        "degree + 1 columns."
    ),
    "sum_folds": "you summed the k fold errors: return their mean.",
    "shuffled": (
        "your folds are shuffled (with a fixed seed): cross_val_mse uses the k UNSHUFFLED "
        "folds, kfold_indices(n, k), so that every degree is compared on the same, documented "
        "folds."
    ),
    "skip_last": "the last fold is missing from the average: use all k folds.",
}

_BV_DIAGNOSES = {
    "ddof1": (
        "variance computed with ddof=1 (the sample variance, divided by n_datasets - 1): the "
        "decomposition uses the population variance over the data sets, ddof 0 (np.var's "
        "default)."
    ),
    "bias_abs": (
        "bias not squared: you averaged |mean prediction - f_true|; bias_sq is the mean over the "
        "points of (mean prediction - f_true) ** 2."
    ),
    "bias_mean_sq": (
        "bias not squared per point: you squared the mean bias, (mean over points of "
        "(mean prediction - f_true)) ** 2; square first, then average over the points, so that "
        "errors of opposite sign do not cancel."
    ),
    "bias_of_each_model": (
        "your bias_sq averages the squared error of EACH model, mean((preds - f_true) ** 2): that "
        "is bias^2 + variance. bias_sq uses the MEAN prediction over the data sets, "
        "(preds.mean(axis=0) - f_true) ** 2."
    ),
    "no_noise": (
        "the noise is missing from expected_error: it is bias_sq + variance + noise, the "
        "irreducible error included."
    ),
    "axis1": (
        "variance taken over the wrong axis: preds has shape (n_datasets, n_points); the "
        "variance is over the data sets (axis 0) at each point, then averaged over the points."
    ),
    "std": "your variance is a standard deviation (square root): use the variance itself.",
    "noise_sq": "your noise is noise_var ** 2: noise_var is already a variance, return it as is.",
    "noise_sqrt": "your noise is sqrt(noise_var): noise_var is already a variance, return it as is.",
}


def _bv_mutants(preds: np.ndarray, f_true: np.ndarray, noise_var: float) -> dict[str, dict]:
    mean_pred = preds.mean(axis=0)
    ref = _bias_variance(preds, f_true, noise_var)
    out: dict[str, dict] = {}

    def with_(**changes):
        d = {**ref, **changes}
        if "expected_error" not in changes:
            d["expected_error"] = d["bias_sq"] + d["variance"] + d["noise"]
        return d

    if preds.shape[0] > 1:
        out["ddof1"] = with_(variance=float(np.mean(preds.var(axis=0, ddof=1))))
    out["bias_abs"] = with_(bias_sq=float(np.mean(np.abs(mean_pred - f_true))))
    out["bias_mean_sq"] = with_(bias_sq=float(np.mean(mean_pred - f_true) ** 2))
    out["bias_of_each_model"] = with_(bias_sq=float(np.mean((preds - f_true) ** 2)))
    out["no_noise"] = with_(expected_error=ref["bias_sq"] + ref["variance"])
    out["axis1"] = with_(variance=float(np.mean(preds.var(axis=1))))
    out["std"] = with_(variance=float(np.mean(preds.std(axis=0))))
    out["noise_sq"] = with_(noise=float(noise_var) ** 2)
    out["noise_sqrt"] = with_(noise=float(np.sqrt(noise_var)))
    return out


# --------------------------------------------------------------------------------------
# Calling the student's code
# --------------------------------------------------------------------------------------


@contextmanager
def _quiet() -> Iterator[None]:
    """Warnings of the student's code (e.g. an ill-conditioned solve) do not stop a check."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            yield


def _short(exc: BaseException, limit: int = 300) -> str:
    text = str(exc)
    return text if len(text) <= limit else text[:limit] + " ..."


def _innermost(exc: BaseException) -> str | None:
    frames = traceback.extract_tb(exc.__traceback__)
    return frames[-1].name if frames else None


def _guarded(what: str, call: str, fn: Callable, *args, signature: str = "", hint: str = "", **kw):
    """Call ``fn(*args, **kw)``; turn an exception into an AssertionError that names the call."""
    try:
        with _quiet():
            return fn(*args, **kw)
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
    except Exception as exc:
        msg = f"{call} raised {type(exc).__name__}: {_short(exc)}"
        if signature and isinstance(exc, TypeError) and "argument" in str(exc):
            msg += f"\nThe signature is fixed by the assignment: {signature}."
        if hint:
            msg += f"\n{hint}"
        raise AssertionError(msg) from exc


def _try(fn: Callable, *args, **kw):
    """``fn(*args, **kw)``, or None if it raises (for alternatives and diagnoses)."""
    try:
        with _quiet():
            return fn(*args, **kw)
    except Exception:
        return None


def _preview(a, n: int = 8) -> str:
    flat = np.asarray(a, dtype=np.float64).ravel()
    text = np.array2string(flat[:n], precision=10, separator=", ", max_line_width=10_000)
    return text + (f" ... ({flat.size} entries)" if flat.size > n else "")


def _deviation(got, ref) -> float:
    """Largest ``|got - ref| / (1 + |ref|)`` (inf for other shapes or non-numbers)."""
    if ref is None or got is None:
        return np.inf
    try:
        a, b = np.asarray(got, dtype=np.float64), np.asarray(ref, dtype=np.float64)
    except (TypeError, ValueError):
        return np.inf
    if a.shape != b.shape:
        return np.inf
    with np.errstate(all="ignore"):
        d = np.abs(a - b) / (1.0 + np.abs(b))
    d = np.where(np.isnan(d), np.inf, d)
    return float(d.max(initial=0.0))


def _diagnosis(got, mutants: dict[str, Any], diagnoses: dict[str, str], noise=_SAME_NOISE):
    """The diagnosis of the first mutant that reproduces ``got``, if any."""
    for key, value in mutants.items():
        if _deviation(got, value) <= noise:
            return diagnoses[key]
    return None


def _with_diagnosis(msg: str, diagnosis: str | None) -> str:
    return f"{msg}\n  Diagnosis: {diagnosis}" if diagnosis else msg


def _unchanged(name: str, call: str, passed, original, advice: str = "") -> None:
    if not np.array_equal(passed, original, equal_nan=True):
        raise AssertionError(
            f"{call} modified the {name} you passed in: your function must leave its inputs "
            f"unchanged. {advice or 'Build new arrays (a = a - b, not a -= b).'}"
        )


def _is_float(value) -> bool:
    """A Python float or np.float64 (a subclass of float); not an array, int or bool."""
    return isinstance(value, float)


# --------------------------------------------------------------------------------------
# kfold_indices
# --------------------------------------------------------------------------------------


def _same_folds(a, b) -> bool:
    return len(a) == len(b) and all(
        np.array_equal(ta, tb) and np.array_equal(va, vb)
        for (ta, va), (tb, vb) in zip(a, b, strict=True)
    )


def _validate_folds(
    call: str, got, n: int, k: int, mutants: dict | None = None
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The result must be a list of k (train_idx, val_idx) pairs of 1-D integer arrays."""
    if got is None:
        raise AssertionError(f"{call} returned None: return the list of (train_idx, val_idx).")
    if not isinstance(got, list | tuple):
        raise AssertionError(
            f"{call} returned a {type(got).__name__}; it must return a list of k pairs "
            "(train_idx, val_idx) (a list, not a generator)."
        )
    if len(got) != k:
        msg = f"{call} returned {len(got)} folds; expected k = {k}."
        for key, folds in (mutants or {}).items():
            try:
                same = _same_folds([(np.asarray(t), np.asarray(v)) for t, v in got], folds)
            except (TypeError, ValueError):
                same = False
            if same:
                msg += f"\n  Diagnosis: {_KFOLD_DIAGNOSES[key]}"
                break
        raise AssertionError(msg)
    folds = []
    for i, pair in enumerate(got):
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise AssertionError(
                f"{call}: fold {i} is not a pair (train_idx, val_idx): got {type(pair).__name__}."
            )
        for name, a in zip(("train_idx", "val_idx"), pair, strict=True):
            if not isinstance(a, np.ndarray) or a.ndim != 1:
                kind = (
                    f"an array of shape {a.shape}"
                    if isinstance(a, np.ndarray)
                    else type(a).__name__
                )
                raise AssertionError(
                    f"{call}: {name} of fold {i} is {kind}; it must be a 1-D NumPy array."
                )
            if not np.issubdtype(a.dtype, np.integer):
                raise AssertionError(
                    f"{call}: {name} of fold {i} has dtype {a.dtype}; indices must have an "
                    "integer dtype (np.arange and rng.permutation give integers; np.array_split "
                    "of them too)."
                )
        folds.append((pair[0], pair[1]))
    return folds


def _fold_problem(call: str, got, expected, n: int, k: int, mutants: dict | None) -> str | None:
    """None when ``got`` equals ``expected``; else what is wrong, in terms of the concept."""
    if _same_folds(got, expected):
        return None
    if mutants:
        for key, folds in mutants.items():
            if _same_folds(got, folds):
                return f"{call}:\n  Diagnosis: {_KFOLD_DIAGNOSES[key]}"
    sizes = [len(v) for _, v in got]
    want = [len(v) for _, v in expected]
    if sizes != want:
        return f"{call}: {_FOLD_SIZE_ADVICE}: expected validation fold sizes {want}, got {sizes}."
    for i, (train, val) in enumerate(got):
        if np.any(np.diff(val) <= 0) or np.any(np.diff(train) <= 0):
            which = "val_idx" if np.any(np.diff(val) <= 0) else "train_idx"
            shown = val if which == "val_idx" else train
            return (
                f"{call}: {which} of fold {i} is not sorted ascending (or repeats an index): "
                f"{shown[:12].tolist()}. Return both index arrays sorted (np.sort), so that "
                "every fold is reproducible and comparable."
            )
    all_val = np.concatenate([v for _, v in got])
    if not np.array_equal(np.sort(all_val), np.arange(n)):
        return (
            f"{call}: the validation folds must partition range({n}) (every index validated "
            f"exactly once), but together they hold {np.sort(all_val)[:20].tolist()}."
        )
    for i, (train, val) in enumerate(got):
        if not np.array_equal(train, np.setdiff1d(np.arange(n), val)):
            return (
                f"{call}: train_idx of fold {i} must be every index NOT in its val_idx, sorted; "
                f"val_idx = {val[:12].tolist()}, train_idx = {train[:12].tolist()}."
            )
    for i, ((_, val), (_, exp)) in enumerate(zip(got, expected, strict=True)):
        if not np.array_equal(val, exp):
            return (
                f"{call}: validation fold {i} should be {exp[:12].tolist()}, got "
                f"{val[:12].tolist()}."
            )
    return f"{call}: the folds differ from the expected ones."


def _sklearn_folds(n: int, k: int) -> list[tuple[np.ndarray, np.ndarray]]:
    from sklearn.model_selection import KFold

    return [(t, v) for t, v in KFold(n_splits=k).split(np.zeros((n, 1)))]


def check_kfold_indices_matches_sklearn(kfold_indices) -> None:
    """Unshuffled folds equal scikit-learn's KFold(n_splits=k) for many (n, k): n % k != 0,
    k == n, k == 2; both index arrays sorted and of an integer dtype."""
    cases = [(10, 5), (12, 5), (7, 3), (5, 5), (2, 2), (23, 4), (9, 2), (30, 7), (11, 10)]
    rng = np.random.default_rng(101)
    for _ in range(6):
        n = int(rng.integers(3, 40))
        cases.append((n, int(rng.integers(2, n + 1))))
    for n, k in cases:
        for call, kwargs in (
            (f"kfold_indices({n}, {k})", {}),
            (f"kfold_indices({n}, {k}, shuffle=False)", {"shuffle": False}),
        ):
            got = _guarded(
                "kfold_indices", call, kfold_indices, n, k, signature=_KFOLD_SIGNATURE, **kwargs
            )
            mutants = _kfold_mutants(n, k)
            got = _validate_folds(call, got, n, k, mutants)
            problem = _fold_problem(call, got, _sklearn_folds(n, k), n, k, mutants)
            if problem:
                raise AssertionError(problem)


def check_kfold_indices_rejects_bad_k(kfold_indices) -> None:
    """k < 2 or k > n raises ValueError (with and without shuffle); k == 2 and k == n work."""
    for n, k in [(5, 1), (5, 0), (5, -2), (5, 6), (10, 11), (3, 20), (1, 1), (1, 2)]:
        for kwargs in ({}, {"shuffle": True, "rng": np.random.default_rng(0)}):
            call = f"kfold_indices({n}, {k}{', shuffle=True, rng=rng' if kwargs else ''})"
            why = (
                "k < 2: cross-validation needs at least two folds"
                if k < 2
                else ("k > n: there are not enough samples for k non-empty folds")
            )
            try:
                with _quiet():
                    kfold_indices(n, k, **kwargs)
            except ValueError:
                continue
            except NotImplementedError as exc:
                raise AssertionError(
                    f"kfold_indices is not implemented yet: {call} raised NotImplementedError. "
                    "Replace the `raise NotImplementedError()` lines of the solution cell."
                ) from exc
            except Exception as exc:
                raise AssertionError(
                    f"{call} raised {type(exc).__name__} ({_short(exc, 120)}); for {why}, "
                    "raise ValueError with a clear message, checked before any other work."
                ) from exc
            raise AssertionError(
                f"{call} raised no error: for {why}. Raise ValueError when k < 2 or k > n."
            )
    for n, k in [(2, 2), (6, 2), (6, 6)]:
        call = f"kfold_indices({n}, {k})"
        got = _guarded("kfold_indices", call, kfold_indices, n, k, signature=_KFOLD_SIGNATURE)
        _validate_folds(call, got, n, k)


def _state(rng: np.random.Generator):
    return copy.deepcopy(rng.bit_generator.state)


def _count_permutations(rng0: np.random.Generator, n: int, state, limit: int = 12) -> int | None:
    """How many ``permutation(n)`` draws lead from ``rng0`` to ``state`` (None: no count)."""
    r = copy.deepcopy(rng0)
    for count in range(limit + 1):
        if r.bit_generator.state == state:
            return count
        r.permutation(n)
    return None


def _draw_problem(call: str, rng0, n: int, state) -> str | None:
    count = _count_permutations(rng0, n, state)
    if count == 1:
        return None
    if count == 0:
        return (
            f"{call}: the generator passed in was not used (its state did not change): with "
            "shuffle=True draw exactly one rng.permutation(n) from the rng argument (not "
            "np.random, not a new generator), so that a seed reproduces the folds."
        )
    if count is not None:
        return (
            f"{call}: your function drew from rng more than once (the generator moved on by "
            f"{count} permutations of n); the contract draws exactly ONE rng.permutation(n) per "
            "call and cuts all k folds from it (one permutation per fold also breaks the "
            "partition: folds overlap)."
        )
    return (
        f"{call}: your function drew from rng differently from one rng.permutation(n) (e.g. "
        "rng.choice, rng.integers or rng.random(n).argsort()), so the generator ends in another "
        "state; draw exactly rng.permutation(n), cut it into the k blocks and sort each."
    )


def check_kfold_indices_shuffle(kfold_indices) -> None:
    """shuffle=True cuts the k blocks from exactly one rng.permutation(n) (state compared),
    each sorted; shuffle=False draws nothing; rng=None works and is unseeded."""
    for i, (n, k) in enumerate([(10, 5), (7, 3), (5, 5), (23, 4), (12, 2), (31, 6)]):
        rng = np.random.default_rng(200 + i)
        rng0, twin = copy.deepcopy(rng), copy.deepcopy(rng)
        call = f"kfold_indices({n}, {k}, shuffle=True, rng=rng)"
        got = _guarded(
            "kfold_indices",
            call,
            kfold_indices,
            n,
            k,
            shuffle=True,
            rng=rng,
            signature=_KFOLD_SIGNATURE,
        )
        got = _validate_folds(call, got, n, k)
        perm = twin.permutation(n)
        problem = _draw_problem(call, rng0, n, _state(rng))
        if problem:
            raise AssertionError(problem)
        expected = _blocks(perm, _fold_sizes(n, k))
        unsorted = [
            (np.sort(np.concatenate([perm[:s], perm[s + len(v) :]])), perm[s : s + len(v)])
            for s, (_, v) in zip(np.cumsum([0, *_fold_sizes(n, k)[:-1]]), expected, strict=True)
        ]
        if (
            not _same_folds(got, expected)
            and all(
                np.array_equal(np.sort(v), np.sort(u))
                for (_, v), (_, u) in zip(got, unsorted, strict=True)
            )
            and any(np.any(np.diff(v) <= 0) for _, v in got)
        ):
            raise AssertionError(
                f"{call}: validation indices not sorted after shuffle: fold 0 is "
                f"{got[0][1][:12].tolist()}. The blocks of the permutation are right; sort each "
                "block (and each train_idx) ascending before returning it."
            )
        problem = _fold_problem(call, got, expected, n, k, None)
        if problem:
            raise AssertionError(
                problem + f"\n  (perm = rng.permutation({n}) = {perm[:12].tolist()}"
                f"{' ...' if n > 12 else ''}; fold i validates the i-th block of perm, sorted, "
                "with the first n % k blocks one longer.)"
            )
    # shuffle=False with an rng: unshuffled folds and no draw
    rng = np.random.default_rng(7)
    before = _state(rng)
    call = "kfold_indices(9, 4, shuffle=False, rng=rng)"
    got = _guarded(
        "kfold_indices",
        call,
        kfold_indices,
        9,
        4,
        shuffle=False,
        rng=rng,
        signature=_KFOLD_SIGNATURE,
    )
    got = _validate_folds(call, got, 9, 4)
    if _state(rng) != before:
        raise AssertionError(
            f"{call} drew from rng: with shuffle=False the folds are the contiguous blocks and "
            "nothing is drawn, even when an rng is passed."
        )
    problem = _fold_problem(call, got, _kfold(9, 4), 9, 4, _kfold_mutants(9, 4))
    if problem:
        raise AssertionError(problem + "\n  (with shuffle=False the folds are not shuffled)")
    # rng=None: works, and a fresh unseeded generator gives different folds call after call
    n, k = 40, 4
    results = []
    for attempt in range(3):
        call = f"kfold_indices({n}, {k}, shuffle=True) (rng=None, call {attempt + 1})"
        got = _guarded(
            "kfold_indices",
            call,
            kfold_indices,
            n,
            k,
            shuffle=True,
            signature=_KFOLD_SIGNATURE,
            hint="With rng=None, use a fresh np.random.default_rng().",
        )
        got = _validate_folds(call, got, n, k)
        sizes = [len(v) for _, v in got]
        if sizes != _fold_sizes(n, k) or not np.array_equal(
            np.sort(np.concatenate([v for _, v in got])), np.arange(n)
        ):
            raise AssertionError(
                f"{call}: the folds must partition range({n}) into blocks of sizes "
                f"{_fold_sizes(n, k)}; got sizes {sizes}."
            )
        results.append(got)
    if all(_same_folds(results[0], r) for r in results[1:]):
        ordered = _same_folds(results[0], _kfold(n, k))
        raise AssertionError(
            f"kfold_indices({n}, {k}, shuffle=True) with rng=None returned the same folds in 3 "
            "calls" + (" (and they are the unshuffled ones)" if ordered else "") + ": rng=None "
            "means a fresh, UNSEEDED np.random.default_rng(), not a generator with a fixed seed "
            "(a constant seed would make every 'random' split the same)."
        )


# --------------------------------------------------------------------------------------
# polynomial_features
# --------------------------------------------------------------------------------------


def check_polynomial_features(polynomial_features) -> None:
    """Column j is x ** j (scikit-learn's PolynomialFeatures with include_bias=True), shape
    (n, degree + 1), float64 also for integer x, degree 0 a column of ones, x unmodified."""
    from sklearn.preprocessing import PolynomialFeatures

    rng = np.random.default_rng(300)
    cases = [
        ("x = linspace(-1, 1, 7)", np.linspace(-1.0, 1.0, 7), 3),
        ("x = linspace(-1, 1, 7)", np.linspace(-1.0, 1.0, 7), 0),
        ("x = linspace(-1, 1, 7)", np.linspace(-1.0, 1.0, 7), 1),
        ("x = 20 random values in [-2, 2]", rng.uniform(-2, 2, 20), 5),
        ("x = [0.5]", np.array([0.5]), 4),
        ("x = [0, 1, 2, -3] (with a 0: 0 ** 0 = 1)", np.array([0.0, 1.0, 2.0, -3.0]), 2),
        ("x = 50 random normals", rng.standard_normal(50), 8),
        ("integer x = [1, 2, 3, -1]", np.array([1, 2, 3, -1]), 3),
    ]
    for text, x, degree in cases:
        original = x.copy()
        call = f"polynomial_features(x, {degree}) with {text}"
        got = _guarded(
            "polynomial_features", call, polynomial_features, x, degree, signature=_POLY_SIGNATURE
        )
        _unchanged("x", call, x, original)
        expected = PolynomialFeatures(degree, include_bias=True).fit_transform(
            x.astype(np.float64)[:, None]
        )
        if not isinstance(got, np.ndarray):
            raise AssertionError(
                f"{call} returned a {type(got).__name__}; it must return a NumPy array of shape "
                f"({len(x)}, {degree + 1})."
            )
        diagnosis = _diagnosis(got, _poly_mutants(x, degree), _POLY_DIAGNOSES)
        if got.shape != expected.shape:
            raise AssertionError(
                _with_diagnosis(
                    f"{call} returned shape {got.shape}; expected ({len(x)}, {degree + 1}): one "
                    "row per sample and the columns x ** 0, x ** 1, ..., x ** degree.",
                    diagnosis,
                )
            )
        if got.dtype != np.float64:
            raise AssertionError(
                f"{call} returned dtype {got.dtype}; return float64 also for integer x "
                "(convert x with np.asarray(x, dtype=float) first)."
            )
        if not np.allclose(got, expected, rtol=1e-12, atol=1e-12):
            j = int(np.argmax(np.max(np.abs(got - expected), axis=0)))
            raise AssertionError(
                _with_diagnosis(
                    f"{call}: column {j} should be x ** {j} = {_preview(expected[:, j])}, got "
                    f"{_preview(got[:, j])}.",
                    diagnosis,
                )
            )


# --------------------------------------------------------------------------------------
# fit_ridge
# --------------------------------------------------------------------------------------


def _check_weights(call: str, got, d: int) -> np.ndarray:
    if got is None:
        raise AssertionError(f"{call} returned None: return the weight vector w.")
    if not isinstance(got, np.ndarray):
        raise AssertionError(f"{call} returned a {type(got).__name__}; return a NumPy array w.")
    if got.shape != (d,):
        raise AssertionError(
            f"{call} returned shape {got.shape}; expected ({d},): one weight per column of Phi "
            "(y has shape (n,), so w has shape (d,))."
        )
    if got.dtype != np.float64:
        raise AssertionError(f"{call} returned dtype {got.dtype}; return float64 weights.")
    return got


def _weights_close(got, expected, rtol: float = RIDGE_RTOL) -> bool:
    scale = max(1.0, float(np.max(np.abs(expected), initial=0.0)))
    return bool(
        np.all(np.isfinite(got)) and np.allclose(got, expected, rtol=rtol, atol=rtol * scale)
    )


def check_fit_ridge_matches_sklearn(fit_ridge) -> None:
    """Weights equal scikit-learn's Ridge(alpha=lam, fit_intercept=False) for lam > 0 (tall and
    wide Phi) and LinearRegression(fit_intercept=False) for lam == 0 with full-rank Phi."""
    from sklearn.linear_model import LinearRegression, Ridge

    rng = np.random.default_rng(400)
    cases = []
    for n, d, lam in [
        (30, 4, 1.0),
        (20, 3, 0.1),
        (50, 6, 10.0),
        (8, 8, 0.5),
        (5, 9, 2.0),
        (40, 5, 1e-3),
        (25, 3, 0.0),
        (12, 6, 0.0),
        (60, 2, 100.0),
    ]:
        Phi = rng.standard_normal((n, d)) * rng.uniform(0.5, 3.0, d)
        y = Phi @ rng.standard_normal(d) + 0.3 * rng.standard_normal(n)
        cases.append((Phi, y, lam))
    x = rng.uniform(-1, 1, 25)
    cases.append((_poly(x, 4), np.sin(3 * x), 0.05))
    for Phi, y, lam in cases:
        n, d = Phi.shape
        call = f"fit_ridge(Phi, y, lam={lam}) with Phi of shape ({n}, {d})"
        got = _guarded(
            "fit_ridge", call, fit_ridge, Phi.copy(), y.copy(), lam, signature=_RIDGE_SIGNATURE
        )
        got = _check_weights(call, got, d)
        if lam > 0:
            oracle = "sklearn Ridge(alpha=lam, fit_intercept=False)"
            expected = Ridge(alpha=lam, fit_intercept=False, solver="svd").fit(Phi, y).coef_
        else:
            oracle = "sklearn LinearRegression(fit_intercept=False)"
            expected = LinearRegression(fit_intercept=False).fit(Phi, y).coef_
        if not _weights_close(got, expected):
            msg = (
                f"{call}: expected w = {_preview(expected)} ({oracle}), got {_preview(got)}. w "
                "minimizes ||Phi w - y||^2 + lam ||w||^2, i.e. solves "
                "(Phi^T Phi + lam I) w = Phi^T y."
            )
            diagnosis = (
                _diagnosis(got, _ridge_mutants(Phi, y, lam), _RIDGE_DIAGNOSES, 1e-7)
                if lam > 0
                else None
            )
            raise AssertionError(_with_diagnosis(msg, diagnosis))


def check_fit_ridge_minimum_norm(fit_ridge) -> None:
    """lam == 0 (also the default) gives the minimum-norm least-squares solution, pinv(Phi) @ y,
    for rank-deficient Phi: duplicated columns, more columns than rows, a zero column."""
    rng = np.random.default_rng(500)
    cases = []
    A = rng.standard_normal((12, 3))
    cases.append(("a duplicated column", np.column_stack([A, A[:, 0]]), rng.standard_normal(12)))
    cases.append(
        ("more columns than rows (4 x 7)", rng.standard_normal((4, 7)), rng.standard_normal(4))
    )
    cases.append(("a zero column", np.column_stack([A, np.zeros(12)]), rng.standard_normal(12)))
    x = np.repeat([-1.0, 0.5, 2.0], 4)
    cases.append(
        (
            "polynomial features of degree 5 of only 3 distinct x values",
            _poly(x, 5),
            rng.standard_normal(12),
        )
    )
    B = rng.standard_normal((10, 2))
    cases.append(
        (
            "a column that is the sum of two others",
            np.column_stack([B, B.sum(axis=1)]),
            rng.standard_normal(10),
        )
    )
    cases.append(("Phi = [[1, 1], [1, 1]]", np.ones((2, 2)), np.array([2.0, 2.0])))
    for text, Phi, y in cases:
        n, d = Phi.shape
        expected = np.linalg.pinv(Phi) @ y
        lstsq = np.linalg.lstsq(Phi, y, rcond=None)[0]
        assert np.allclose(expected, lstsq, atol=1e-10), "oracles disagree"  # trusted sanity
        rank = int(np.linalg.matrix_rank(Phi))
        for label, args in (
            (f"fit_ridge(Phi, y, lam=0.0) with {text}", (0.0,)),
            (f"fit_ridge(Phi, y) (default lam) with {text}", ()),
        ):
            hint = (
                f"Phi has rank {rank} < {d} columns, so Phi^T Phi is singular and cannot be "
                "inverted; with lam == 0 return the minimum-norm least-squares solution "
                "(np.linalg.lstsq(Phi, y, rcond=None)[0] or np.linalg.pinv(Phi) @ y)."
            )
            got = _guarded(
                "fit_ridge",
                label,
                fit_ridge,
                Phi.copy(),
                y.copy(),
                *args,
                signature=_RIDGE_SIGNATURE,
                hint=hint,
            )
            got = _check_weights(label, got, d)
            if _weights_close(got, expected):
                continue
            msg = f"{label}: expected w = {_preview(expected)}, got {_preview(got)}."
            if np.all(np.isfinite(got)):
                with np.errstate(all="ignore"):
                    r_got = float(np.linalg.norm(Phi @ got - y))
                r_min = float(np.linalg.norm(Phi @ expected - y))
                if r_got <= r_min * (1 + 1e-6) + 1e-9:
                    msg += (
                        f"\n  Your w fits as well as it can (residual {r_got:.6g}) but is not the "
                        f"MINIMUM-NORM solution: ||w|| = {np.linalg.norm(got):.6g}, the minimum is "
                        f"{np.linalg.norm(expected):.6g}. {hint}"
                    )
                    raise AssertionError(msg)
            raise AssertionError(f"{msg}\n  {hint}")


def check_fit_ridge_contract(fit_ridge) -> None:
    """fit_ridge leaves Phi and y unmodified (lam > 0 and lam == 0), returns a new float64 array
    of shape (d,), and accepts an integer lam (lam=0, lam=1)."""
    rng = np.random.default_rng(600)
    Phi = rng.standard_normal((15, 4))
    y = rng.standard_normal(15)
    for lam in (0.5, 0.0, 0, 1, 3.0):
        P, t = Phi.copy(), y.copy()
        call = f"fit_ridge(Phi, y, lam={lam!r})"
        got = _guarded("fit_ridge", call, fit_ridge, P, t, lam, signature=_RIDGE_SIGNATURE)
        _unchanged("Phi", call, P, Phi, "Do not add lam to Phi's entries or scale it in place.")
        _unchanged("y", call, t, y)
        got = _check_weights(call, got, 4)
        if np.shares_memory(got, P) or np.shares_memory(got, t):
            raise AssertionError(f"{call} returned a view of an input; return a new array.")
        if isinstance(lam, int):  # an integer lam must act like the same float
            as_float = _guarded(
                "fit_ridge",
                f"fit_ridge(Phi, y, lam={float(lam)!r})",
                fit_ridge,
                Phi.copy(),
                y.copy(),
                float(lam),
                signature=_RIDGE_SIGNATURE,
            )
            if not _weights_close(got, np.asarray(as_float, dtype=np.float64), 1e-12):
                raise AssertionError(
                    f"{call} gave w = {_preview(got)}, but lam={float(lam)!r} gave "
                    f"{_preview(as_float)}: an integer lam must act like the same float "
                    "(compare with lam == 0, not lam is 0.0 or isinstance checks)."
                )


# --------------------------------------------------------------------------------------
# mse
# --------------------------------------------------------------------------------------


def check_mse(mse) -> None:
    """mse equals sklearn's mean_squared_error, returns a float (not an array), leaves its inputs
    unmodified, and works for one sample."""
    from sklearn.metrics import mean_squared_error

    rng = np.random.default_rng(700)
    cases = [
        (rng.standard_normal(n) * s, rng.standard_normal(n) * s)
        for n, s in [(10, 1.0), (1, 3.0), (37, 100.0), (5, 1e-3)]
    ]
    cases.append((np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 3.0])))
    for y_true, y_pred in cases:
        a, b = y_true.copy(), y_pred.copy()
        call = f"mse(y_true, y_pred) with {len(y_true)} samples"
        got = _guarded("mse", call, mse, a, b, signature=_MSE_SIGNATURE)
        _unchanged("y_true", call, a, y_true)
        _unchanged("y_pred", call, b, y_pred)
        if not _is_float(got):
            raise AssertionError(
                f"{call} returned a {type(got).__name__}"
                + (f" of shape {got.shape}" if isinstance(got, np.ndarray) else "")
                + "; return one Python float, the MEAN of the squared errors (float(...))."
            )
        expected = float(mean_squared_error(y_true, y_pred))
        if not np.isclose(got, expected, rtol=1e-12, atol=1e-300):
            raise AssertionError(
                _with_diagnosis(
                    f"{call}: expected {expected!r} (the mean of (y_true - y_pred) ** 2), got "
                    f"{got!r}.",
                    _diagnosis(got, _mse_mutants(y_true, y_pred), _MSE_DIAGNOSES),
                )
            )


# --------------------------------------------------------------------------------------
# cross_val_mse
# --------------------------------------------------------------------------------------


def _sklearn_cv(x, y, degree: int, k: int, lam: float) -> float:
    """Mean over sklearn's KFold folds of the validation MSE of a polynomial (ridge) fit."""
    from sklearn.linear_model import LinearRegression, Ridge
    from sklearn.metrics import mean_squared_error
    from sklearn.model_selection import KFold
    from sklearn.preprocessing import PolynomialFeatures

    features = PolynomialFeatures(degree, include_bias=True)
    Phi = features.fit_transform(x[:, None])
    errors = []
    for train, val in KFold(n_splits=k).split(Phi):
        model = (
            Ridge(alpha=lam, fit_intercept=False, solver="svd")
            if lam > 0
            else LinearRegression(fit_intercept=False)
        )
        model.fit(Phi[train], y[train])
        errors.append(mean_squared_error(y[val], model.predict(Phi[val])))
    return float(np.mean(errors))


def _cv_data(n: int, seed: int, noise: float = 0.3):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, n)
    y = np.sin(3.0 * x) + x**2 + noise * rng.standard_normal(n)
    return x, y


_CV_CASES = [  # (n, k, degree, lam)
    (20, 5, 3, 0.0),
    (23, 4, 2, 0.5),
    (17, 5, 4, 0.01),
    (10, 10, 1, 0.0),
    (31, 7, 5, 1e-3),
    (12, 3, 0, 0.0),
    (15, 4, 2, 2.0),
    (26, 6, 3, 0.0),
]


def _student_cv(x, y, degree, k, lam, helpers: dict[str, Callable | None]) -> float | None:
    """The documented loop run with the student's helpers (None if one is missing or fails)."""
    if any(h is None for h in helpers.values()):
        return None
    value = _try(
        _cv,
        x,
        y,
        degree,
        k,
        lam,
        kfold=helpers["kfold"],
        poly=helpers["poly"],
        ridge=helpers["ridge"],
        err=helpers["err"],
    )
    return None if value is None else float(value)


def check_cross_val_mse_matches_sklearn(
    cross_val_mse, kfold_indices=None, polynomial_features=None, fit_ridge=None, mse=None
) -> None:
    """cross_val_mse equals the mean over scikit-learn's unshuffled KFold folds of the
    validation MSE of a PolynomialFeatures + Ridge / LinearRegression (no intercept) fit, also
    when n % k != 0 (folds of different sizes) and for k == n; with the student's helpers the
    same loop is accepted too."""
    helpers = {"kfold": kfold_indices, "poly": polynomial_features, "ridge": fit_ridge, "err": mse}
    for i, (n, k, degree, lam) in enumerate(_CV_CASES):
        x, y = _cv_data(n, 800 + i)
        call = f"cross_val_mse(x, y, degree={degree}, k={k}, lam={lam}) with n = {n}"
        got = _guarded(
            "cross_val_mse",
            call,
            cross_val_mse,
            x.copy(),
            y.copy(),
            degree,
            k,
            lam,
            signature=_CV_SIGNATURE,
        )
        try:
            value = float(got)
        except (TypeError, ValueError) as exc:
            raise AssertionError(
                f"{call} returned a {type(got).__name__}, not a number: return a float."
            ) from exc
        expected = _sklearn_cv(x, y, degree, k, lam)
        if np.isclose(value, expected, rtol=CV_RTOL, atol=1e-12):
            continue
        own = _student_cv(x, y, degree, k, lam, helpers)
        if own is not None and np.isclose(value, own, rtol=CV_RTOL, atol=1e-12):
            continue  # right loop on top of a wrong helper: the helper's tests say what is wrong
        msg = (
            f"{call}: expected {expected!r} (the mean over the k unshuffled folds of each "
            f"validation fold's MSE, fitted on the other folds), got {value!r}."
        )
        again = _try(cross_val_mse, x.copy(), y.copy(), degree, k, lam)
        if again is not None and not np.isclose(float(again), value, rtol=1e-12):
            raise AssertionError(
                _with_diagnosis(
                    msg,
                    "two calls with the same data gave different values "
                    f"({value!r} and {float(again)!r}): your cross_val_mse uses shuffled "
                    "(random) folds. It uses the k UNSHUFFLED folds, kfold_indices(n, k), so "
                    "that the result is reproducible and degrees are compared on the same folds.",
                ),
            )
        mutants = {
            key: _cv(x, y, degree, k, lam, mistakes=(key,))
            for key in _CV_DIAGNOSES
            if key != "shuffled"
        }
        for seed in _COMMON_SEEDS:
            shuffled = _try(_cv, x, y, degree, k, lam, kfold=_seeded_kfold(seed))
            mutants["shuffled"] = shuffled
            if _deviation(value, shuffled) <= 1e-8:
                break
        diagnosis = _diagnosis(value, mutants, _CV_DIAGNOSES, 1e-8)
        if diagnosis is None and own is not None:
            own_mutants = {
                key: _student_cv_mutant(x, y, degree, k, lam, helpers, key)
                for key in _CV_DIAGNOSES
                if key != "shuffled"
            }
            diagnosis = _diagnosis(value, own_mutants, _CV_DIAGNOSES, 1e-8)
        raise AssertionError(_with_diagnosis(msg, diagnosis))


def _student_cv_mutant(x, y, degree, k, lam, helpers, key) -> float | None:
    value = _try(
        _cv,
        x,
        y,
        degree,
        k,
        lam,
        kfold=helpers["kfold"],
        poly=helpers["poly"],
        ridge=helpers["ridge"],
        err=helpers["err"],
        mistakes=(key,),
    )
    return None if value is None else float(value)


def check_cross_val_mse_contract(cross_val_mse) -> None:
    """cross_val_mse returns a float, leaves x and y unmodified, works for k == n (leave-one-out)
    and with the default lam, and gives the same value call after call."""
    x, y = _cv_data(14, 900)
    for args, text in (
        ((2, 14, 0.0), "degree=2, k=14 (leave-one-out), lam=0.0"),
        ((1, 4), "degree=1, k=4 (default lam)"),
        ((3, 5, 0.1), "degree=3, k=5, lam=0.1"),
    ):
        xs, ys = x.copy(), y.copy()
        call = f"cross_val_mse(x, y, {text})"
        got = _guarded("cross_val_mse", call, cross_val_mse, xs, ys, *args, signature=_CV_SIGNATURE)
        _unchanged("x", call, xs, x)
        _unchanged("y", call, ys, y)
        if not _is_float(got):
            raise AssertionError(
                f"{call} returned a {type(got).__name__}; return one float (float(...)), the mean "
                "of the k fold errors."
            )
        again = _guarded("cross_val_mse", call, cross_val_mse, x.copy(), y.copy(), *args)
        if not np.isclose(float(again), got, rtol=1e-12, atol=0.0):
            raise AssertionError(
                f"{call} gave {got!r} and then {float(again)!r} on the same data: your "
                "cross_val_mse uses shuffled (random) folds. Use the k unshuffled folds, "
                "kfold_indices(n, k), so that the result is reproducible."
            )


# --------------------------------------------------------------------------------------
# select_degree
# --------------------------------------------------------------------------------------


def _check_degree_result(call: str, got, degrees) -> None:
    if isinstance(got, bool) or not isinstance(got, int | np.integer):
        raise AssertionError(
            f"{call} returned {got!r} of type {type(got).__name__}; return the chosen degree, an "
            "int taken from degrees."
        )
    if got not in list(degrees):
        raise AssertionError(
            f"{call} returned {got!r}, which is not one of the degrees {list(degrees)}: return "
            "the DEGREE itself, not its position in the list."
        )


def _select_message(call: str, got, expected, degrees, errors) -> str:
    table = ", ".join(f"{d}: {e:.6g}" for d, e in zip(degrees, errors, strict=True))
    msg = (
        f"{call}: expected degree {expected}, got {got!r}. Cross-validation errors (degree: "
        f"error) {table}; pick the smallest, ties to the smaller degree."
    )
    index = int(np.argmin(errors))
    if got == index and got != expected:
        msg += (
            "\n  Diagnosis: you returned the POSITION of the best degree in the list "
            f"({index}), not the degree itself ({degrees[index]})."
        )
    elif got == degrees[int(np.argmax(errors))]:
        msg += "\n  Diagnosis: you picked the LARGEST cross-validation error; pick the smallest."
    return msg


def check_select_degree_matches_reference(select_degree, cross_val_mse=None) -> None:
    """select_degree returns the degree (an int from degrees) of the smallest cross_val_mse with
    lam 0, on data from polynomials of degree 1 to 4, also with degrees not starting at 0 or
    unsorted; the student's own cross_val_mse values are accepted too."""
    cases = [  # (seed, n, k, true coefficients, degrees)
        (1000, 40, 5, [0.5, -2.0], [0, 1, 2, 3, 4, 5]),
        (1001, 30, 5, [1.0, 0.0, -3.0], [1, 2, 3, 4, 6]),
        (1002, 37, 4, [0.0, 1.0, 0.0, -4.0], [5, 3, 1, 2, 4]),
        (1003, 50, 10, [2.0, 1.0, -1.0, 0.0, 3.0], [2, 3, 4, 5, 6, 7]),
        (1004, 25, 5, [1.0], [3, 0, 1]),
        (1005, 33, 3, [0.0, 0.0, 2.0], [6, 4, 2]),
    ]
    for seed, n, k, coefs, degrees in cases:
        rng = np.random.default_rng(seed)
        x = rng.uniform(-1.0, 1.0, n)
        y = np.polynomial.polynomial.polyval(x, coefs) + 0.2 * rng.standard_normal(n)
        call = f"select_degree(x, y, {degrees}, {k}) with n = {n}"
        xs, ys, ds = x.copy(), y.copy(), list(degrees)
        got = _guarded(
            "select_degree", call, select_degree, xs, ys, ds, k, signature=_SELECT_SIGNATURE
        )
        _unchanged("x", call, xs, x)
        _unchanged("y", call, ys, y)
        if ds != degrees:
            raise AssertionError(
                f"{call} modified the list degrees: {ds}; do not sort it in place."
            )
        _check_degree_result(call, got, degrees)
        errors = [_cv(x, y, d, k) for d in degrees]  # the trusted loop, checked against sklearn
        expected = _select(degrees, errors)
        if got == expected:
            continue
        if cross_val_mse is not None:
            own = [_try(cross_val_mse, x.copy(), y.copy(), d, k) for d in degrees]
            if all(e is not None for e in own) and got == _select(degrees, [float(e) for e in own]):
                continue  # right choice given the student's own cross_val_mse
        raise AssertionError(_select_message(call, got, expected, degrees, errors))


def check_select_degree_ties(select_degree) -> None:
    """Exact ties go to the smaller degree (also when degrees are unsorted or repeated); with
    y = 0 every degree fits exactly and all cross-validation errors are 0."""
    rng = np.random.default_rng(1100)
    x = rng.uniform(-1.0, 1.0, 20)
    zeros = np.zeros(20)
    for degrees, k in [
        ([3, 1, 5], 5),
        ([4, 2, 3], 5),
        ([1, 0, 5], 4),
        ([3, 6], 5),
        ([2, 5, 2, 1, 3], 4),
        ([0, 1, 2, 3], 5),
    ]:
        call = f"select_degree(x, y, {degrees}, {k}) with y = 0 (every degree fits exactly)"
        got = _guarded(
            "select_degree",
            call,
            select_degree,
            x.copy(),
            zeros.copy(),
            list(degrees),
            k,
            signature=_SELECT_SIGNATURE,
        )
        _check_degree_result(call, got, degrees)
        expected = min(degrees)
        if got == expected:
            continue
        msg = (
            f"{call}: every degree has cross-validation error 0 (a tie), so the answer is the "
            f"smallest degree, {expected}; got {got!r}."
        )
        if got == max(degrees):
            msg += (
                "\n  Diagnosis: your ties go to the LARGER degree (a <= comparison, or the last "
                "minimum); use a strict < while scanning the degrees in increasing order, so the "
                "simpler model wins a tie."
            )
        elif got == degrees[0]:
            msg += (
                "\n  Diagnosis: your ties go to the FIRST degree in the list (np.argmin of the "
                "errors in list order); degrees need not be sorted: ties go to the smaller degree."
            )
        elif got not in degrees:
            msg += "\n  Diagnosis: you returned a position in the list, not the degree."
        raise AssertionError(msg)


# --------------------------------------------------------------------------------------
# bias_variance_decomposition
# --------------------------------------------------------------------------------------


def _bv_oracle(preds: np.ndarray, f_true: np.ndarray, noise_var: float) -> dict[str, float]:
    """The decomposition with the standard library's statistics module, point by point."""
    columns = [list(map(float, preds[:, j])) for j in range(preds.shape[1])]
    means = [statistics.fmean(c) for c in columns]
    bias_sq = statistics.fmean((m - float(f)) ** 2 for m, f in zip(means, f_true, strict=True))
    variance = statistics.fmean(
        statistics.pvariance(c, mu=m) for c, m in zip(columns, means, strict=True)
    )
    return {
        "bias_sq": bias_sq,
        "variance": variance,
        "noise": float(noise_var),
        "expected_error": bias_sq + variance + float(noise_var),
    }


def _bv_call(fn, call: str, preds, f_true, noise_var) -> dict:
    p, f = preds.copy(), f_true.copy()
    got = _guarded(
        "bias_variance_decomposition", call, fn, p, f, noise_var, signature=_BV_SIGNATURE
    )
    _unchanged("preds", call, p, preds, "Compute preds - mean into a new array (no -= on preds).")
    _unchanged("f_true", call, f, f_true)
    if not isinstance(got, dict):
        raise AssertionError(
            f"{call} returned a {type(got).__name__}; return a dict with the keys {list(_BV_KEYS)}."
        )
    if set(got) != set(_BV_KEYS):
        raise AssertionError(
            f"{call} returned the keys {sorted(map(str, got))}; expected exactly {list(_BV_KEYS)}."
        )
    for key in _BV_KEYS:
        if not _is_float(got[key]):
            raise AssertionError(
                f"{call}: {key!r} is a {type(got[key]).__name__}"
                + (f" of shape {got[key].shape}" if isinstance(got[key], np.ndarray) else "")
                + "; every value is one float, averaged over the points (float(np.mean(...)))."
            )
    return got


def _bv_compare(call: str, got: dict, expected: dict, preds, f_true, noise_var) -> None:
    for key in _BV_KEYS:
        if not np.isclose(got[key], expected[key], rtol=1e-10, atol=1e-13):
            mutants = _bv_mutants(preds, f_true, noise_var)
            diagnosis = None
            for mkey, values in mutants.items():
                if all(np.isclose(got[k], values[k], rtol=1e-9, atol=1e-13) for k in _BV_KEYS):
                    diagnosis = _BV_DIAGNOSES[mkey]
                    break
            raise AssertionError(
                _with_diagnosis(
                    f"{call}: {key!r} should be {expected[key]!r}, got {got[key]!r} (all values: "
                    f"expected { {k: round(v, 10) for k, v in expected.items()} }, got "
                    f"{ {k: round(float(v), 10) for k, v in got.items()} }).",
                    diagnosis,
                )
            )


def check_bias_variance_matches_oracle(bias_variance_decomposition) -> None:
    """bias_sq, variance (ddof 0), noise and expected_error equal a point-by-point computation
    with the statistics module on random predictions; bias_sq + variance equals the mean squared
    error of the models against f_true."""
    rng = np.random.default_rng(1200)
    for n_sets, n_points, noise_var in [
        (50, 30, 0.25),
        (2, 5, 0.0),
        (7, 1, 1.5),
        (200, 12, 0.04),
        (3, 40, 2.0),
    ]:
        f_true = rng.standard_normal(n_points)
        preds = (
            f_true + rng.normal(0.5, 1.0, n_points) + 0.7 * rng.standard_normal((n_sets, n_points))
        )
        call = (
            f"bias_variance_decomposition(preds, f_true, {noise_var}) with preds of shape "
            f"({n_sets}, {n_points})"
        )
        got = _bv_call(bias_variance_decomposition, call, preds, f_true, noise_var)
        expected = _bv_oracle(preds, f_true, noise_var)
        # The identity behind the decomposition, independently of the oracle's formulas.
        assert np.isclose(
            expected["bias_sq"] + expected["variance"], np.mean((preds - f_true) ** 2)
        )
        _bv_compare(call, got, expected, preds, f_true, noise_var)


def check_bias_variance_contract(bias_variance_decomposition) -> None:
    """Keys exactly bias_sq, variance, noise, expected_error, each a float; noise equals
    noise_var; expected_error is the sum; one data set has variance 0; inputs unmodified."""
    rng = np.random.default_rng(1300)
    f_true = rng.standard_normal(6)
    one = (f_true + 0.4 + 0.1 * rng.standard_normal(6))[None, :]
    call = "bias_variance_decomposition(preds, f_true, 0.3) with ONE data set (shape (1, 6))"
    got = _bv_call(bias_variance_decomposition, call, one, f_true, 0.3)
    if got["variance"] != 0.0:
        raise AssertionError(
            f"{call}: with one data set the predictions do not vary, so the variance must be 0, "
            f"got {got['variance']!r}"
            + (" (NaN: ddof=1 divides by n_datasets - 1 = 0)" if np.isnan(got["variance"]) else "")
            + ". Use the population variance over the data sets, ddof 0."
        )
    _bv_compare(call, got, _bv_oracle(one, f_true, 0.3), one, f_true, 0.3)
    preds = f_true + rng.standard_normal((4, 6))
    for noise_var in (0.0, 0.3, 2):
        call = f"bias_variance_decomposition(preds, f_true, {noise_var!r})"
        got = _bv_call(bias_variance_decomposition, call, preds, f_true, noise_var)
        if got["noise"] != float(noise_var):
            raise AssertionError(
                f"{call}: 'noise' must be noise_var itself, {float(noise_var)!r}; got "
                f"{got['noise']!r}."
            )
        total = got["bias_sq"] + got["variance"] + got["noise"]
        if not np.isclose(got["expected_error"], total, rtol=1e-12, atol=1e-15):
            missing = np.isclose(
                got["expected_error"], got["bias_sq"] + got["variance"], rtol=1e-12
            )
            raise AssertionError(
                f"{call}: expected_error must be bias_sq + variance + noise = {total!r}, got "
                f"{got['expected_error']!r}."
                + (f"\n  Diagnosis: {_BV_DIAGNOSES['no_noise']}" if missing and noise_var else "")
            )
    # identical predictions in every data set: variance 0, bias_sq the squared error
    same = np.tile(f_true + 1.0, (5, 1))
    call = "bias_variance_decomposition(preds, f_true, 0.0) with 5 identical data sets"
    got = _bv_call(bias_variance_decomposition, call, same, f_true, 0.0)
    _bv_compare(call, got, _bv_oracle(same, f_true, 0.0), same, f_true, 0.0)
