"""Trusted checks for assignment A2 (bootstrap, bagging, boosting; NumPy).

The hidden tests of ``solutions/a2_bagging_boosting/a2_bagging_boosting.ipynb`` call the
``check_*`` functions below with the student's functions. Each check compares the student's
results with an independent reference written in this module on seeded inputs and edge cases
and raises ``AssertionError`` on the first problem, with a message that names the call, shows
expected and actual values and, when the numbers coincide with a known mistake, names it.
Known mistakes are simulated by the references themselves with a ``mistake`` switch, run on
the same inputs.

Oracles: a twin generator (``copy.deepcopy(rng)``) that makes exactly the documented draws,
so that results and the generator's state afterwards (``rng.bit_generator.state``) can be
compared; ``numpy.percentile`` for the interval; ``scipy.stats.mode`` (which breaks ties
toward the smallest value) for the majority vote; an exhaustive, loop-by-loop stump search,
and ``sklearn.metrics.zero_one_loss`` with ``sample_weight`` for the weighted error of the
returned stump; a reference AdaBoost loop.

Helpers are graded on their own: ``adaboost_fit`` passes when it matches the reference loop
with the trusted stump search *or* with the student's own ``fit_stump`` (when it is passed
in), and ``adaboost_predict`` likewise with the student's ``stump_predict``.

Public checks: ``check_bootstrap_indices``; ``check_bootstrap_ci_matches_reference``,
``check_bootstrap_ci_contract``; ``check_bagging_predict_votes``,
``check_bagging_predict_contract``; ``check_stump_predict``;
``check_fit_stump_matches_exhaustive_search``, ``check_fit_stump_tie_rule``,
``check_fit_stump_contract``; ``check_adaboost_fit_matches_reference``,
``check_adaboost_fit_edge_cases``; ``check_adaboost_predict``.

Messages never show the reference implementation; they quote the rules in words.
"""

from __future__ import annotations

import copy
import math
import traceback
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np

__all__ = [
    "ALPHA_RTOL",
    "CLIP",
    "TIE_TOL",
    "check_adaboost_fit_edge_cases",
    "check_adaboost_fit_matches_reference",
    "check_adaboost_predict",
    "check_bagging_predict_contract",
    "check_bagging_predict_votes",
    "check_bootstrap_ci_contract",
    "check_bootstrap_ci_matches_reference",
    "check_bootstrap_indices",
    "check_fit_stump_contract",
    "check_fit_stump_matches_exhaustive_search",
    "check_fit_stump_tie_rule",
    "check_stump_predict",
]

TIE_TOL = 1e-12
"""Stump errors within this of the lowest count as equal (the spec's tie rule)."""
CLIP = 1e-10
"""AdaBoost clips the weighted error to [CLIP, 1 - CLIP]."""
ALPHA_RTOL = 1e-9
"""Relative tolerance of alphas and of interval ends."""

_STUMP_KEYS = ("feature", "threshold", "polarity", "error")

# --------------------------------------------------------------------------------------
# Trusted references; ``mistake`` turns them into known wrong versions (diagnoses only)
# --------------------------------------------------------------------------------------


def _bootstrap(n: int, rng: np.random.Generator, mistake: str | None = None) -> np.ndarray:
    if mistake == "high_n_minus_1":
        return rng.integers(0, n - 1, size=n) if n > 1 else np.zeros(n, dtype=np.int64)
    if mistake == "no_replacement":
        return rng.permutation(n)
    if mistake == "one_based":
        return rng.integers(1, n + 1, size=n)
    return rng.integers(0, n, size=n)


def _ci(
    data, statistic, n_boot, alpha, rng, mistake: str | None = None, draw: Callable = _bootstrap
) -> tuple[float, float]:
    data = np.asarray(data)
    n = len(data)
    stats = []
    for _ in range(n_boot):
        idx = draw(n, rng)
        stats.append(statistic(data if mistake == "whole_data" else data[idx]))
    stats = np.asarray(stats, dtype=np.float64)
    lo, hi = 100 * alpha / 2, 100 * (1 - alpha / 2)
    if mistake == "alpha_not_halved":
        lo, hi = 100 * alpha, 100 * (1 - alpha)
    elif mistake == "fractions":
        lo, hi = alpha / 2, 1 - alpha / 2
    if mistake in ("sorted_floor", "sorted_ceil"):
        s = np.sort(stats)
        rnd = math.floor if mistake == "sorted_floor" else math.ceil
        i = min(max(rnd(lo / 100 * n_boot), 0), n_boot - 1)
        j = min(max(rnd(hi / 100 * n_boot) - 1, 0), n_boot - 1)
        return float(s[i]), float(s[j])
    a, b = np.percentile(stats, [lo, hi])
    return float(a), float(b)


def _ci_stats(data, statistic, n_boot, rng, draw: Callable = _bootstrap) -> np.ndarray:
    """The n_boot bootstrap statistics, in draw order."""
    data = np.asarray(data)
    return np.array(
        [statistic(data[draw(len(data), rng)]) for _ in range(n_boot)], dtype=np.float64
    )


def _bagging(all_preds, task, mistake: str | None = None) -> np.ndarray:
    preds = np.asarray(all_preds)
    if task == "regression":
        if mistake == "median":
            return np.median(preds, axis=0)
        return preds.mean(axis=0)
    if task != "classification":
        raise ValueError(f"unknown task {task!r}")
    labels = np.unique(preds)
    counts = (preds[None, :, :] == labels[:, None, None]).sum(axis=1)  # (labels, samples)
    if mistake == "ties_largest":
        winner = labels[len(labels) - 1 - np.argmax(counts[::-1], axis=0)]
    elif mistake == "ties_first_seen":
        winner = np.empty(preds.shape[1], dtype=preds.dtype)
        for s in range(preds.shape[1]):
            best = counts[:, s].max()
            winner[s] = next(v for v in preds[:, s] if counts[labels == v, s][0] == best)
    else:
        winner = labels[np.argmax(counts, axis=0)]  # argmax: first (smallest) label on ties
    if mistake == "int_dtype":
        return winner.astype(np.int64)
    return winner.astype(preds.dtype)


def _candidates(x: np.ndarray, mistake: str | None = None) -> np.ndarray:
    values = np.unique(x)
    mids = (values[:-1] + values[1:]) / 2
    if mistake == "no_min_minus_1":
        return mids
    if mistake == "data_values":
        return values
    return np.concatenate([[values[0] - 1.0], mids])


def _all_stumps(X, y, w, mistake: str | None = None) -> list[tuple[int, float, int, float]]:
    """(feature, threshold, polarity, error) of every candidate, in the spec's order."""
    out = []
    total = w.sum()
    for j in range(X.shape[1]):
        for t in _candidates(X[:, j], mistake):
            above = X[:, j] > t
            for p in (1, -1):
                pred = np.where(above, p, -p)
                wrong = pred != y
                if mistake == "unweighted":
                    err = float(np.mean(wrong))
                elif mistake == "not_normalized":
                    err = float(np.sum(w * wrong))
                else:
                    err = float(np.sum(w * wrong) / total)
                out.append((j, float(t), p, err))
    return out


def _fit_stump(X, y, sample_weight, mistake: str | None = None) -> dict:
    X = np.asarray(X, dtype=np.float64)
    y, w = np.asarray(y), np.asarray(sample_weight, dtype=np.float64)
    cands = _all_stumps(X, y, w, mistake)
    if not cands:
        raise ValueError("no candidate threshold")
    errors = np.array([c[3] for c in cands])
    tol = 0.0 if mistake == "exact_ties" else TIE_TOL
    tied = [c for c in cands if c[3] <= errors.min() + tol]
    if not tied:  # every error is nan (all weights 0)
        raise ValueError("no finite error")
    if mistake == "polarity_minus_first":
        tied.sort(key=lambda c: (c[0], c[1], c[2]))
    elif mistake == "last_feature":
        tied.sort(key=lambda c: (-c[0], c[1], -c[2]))
    elif mistake == "highest_threshold":
        tied.sort(key=lambda c: (c[0], -c[1], -c[2]))
    elif mistake == "last_candidate":
        tied.sort(key=lambda c: (-c[0], -c[1], c[2]))
    j, t, p, err = tied[0]
    return {"feature": j, "threshold": t, "polarity": p, "error": err}


def _stump_predict(stump, X, mistake: str | None = None) -> np.ndarray:
    x = np.asarray(X)[:, stump["feature"]]
    p = stump["polarity"]
    if mistake == "geq":
        return np.where(x >= stump["threshold"], p, -p)
    if mistake == "no_polarity":
        return np.where(x > stump["threshold"], 1, -1)
    if mistake == "zero_one":
        return (np.where(x > stump["threshold"], p, -p) + 1) // 2
    return np.where(x > stump["threshold"], p, -p)


def _adaboost_fit(
    X,
    y,
    n_rounds,
    *,
    fit: Callable = _fit_stump,
    predict: Callable = _stump_predict,
    mistake: str | None = None,
) -> list[tuple[float, dict]]:
    n = len(y)
    w = np.full(n, 1.0 / n)
    model = []
    for _ in range(n_rounds):
        stump = fit(X, y, w)
        err = float(stump["error"])
        if mistake == "clip_1e-8":
            err = min(max(err, 1e-8), 1 - 1e-8)
        elif mistake != "no_clip":
            err = min(max(err, CLIP), 1 - CLIP)
        with np.errstate(all="ignore"):
            alpha = float(np.log((1 - err) / err))
            if mistake != "no_half":
                alpha *= 0.5
            h = predict(stump, X)
            sign = 1.0 if mistake == "sign_flipped" else -1.0
            w = w * np.exp(sign * alpha * y * h)
            if mistake != "no_renormalize":
                w = w / w.sum()
        model.append((alpha, stump))
    return model


def _adaboost_predict(
    model, X, *, predict: Callable = _stump_predict, mistake: str | None = None
) -> np.ndarray:
    score = np.zeros(len(X))
    for alpha, stump in model:
        score = score + (1.0 if mistake == "unweighted" else alpha) * predict(stump, X)
    if mistake == "zero_kept":
        return np.sign(score).astype(np.int64)
    if mistake == "zero_to_minus":
        return np.where(score > 0, 1, -1)
    return np.where(score >= 0, 1, -1)


# --------------------------------------------------------------------------------------
# Calling the student's code
# --------------------------------------------------------------------------------------


@contextmanager
def _quiet() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            yield


@contextmanager
def _global_seed(seed: int) -> Iterator[None]:
    """Seed NumPy's global generator (restored afterwards), so that a run that wrongly uses
    ``np.random`` is repeatable; the draws are checked on the ``rng`` argument."""
    saved = np.random.get_state()
    np.random.seed(seed)
    try:
        yield
    finally:
        np.random.set_state(saved)


def _short(exc: BaseException, limit: int = 300) -> str:
    text = str(exc)
    return text if len(text) <= limit else text[:limit] + " ..."


def _guarded(what: str, call: str, fn: Callable, *args, signature: str = ""):
    """Call ``fn(*args)`` quietly; turn an exception into an AssertionError naming the call."""
    try:
        with _quiet(), _global_seed(12345):
            return fn(*args)
    except NotImplementedError as exc:
        frames = traceback.extract_tb(exc.__traceback__)
        inner = frames[-1].name if frames else None
        if inner and inner not in (what, "<module>"):
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
    except AssertionError:
        raise
    except Exception as exc:
        msg = f"{call} raised {type(exc).__name__}: {_short(exc)}"
        if signature and isinstance(exc, TypeError) and "argument" in str(exc):
            msg += f"\nThe signature is fixed by the assignment: {signature}."
        raise AssertionError(msg) from exc


def _preview(a, n: int = 10) -> str:
    flat = np.asarray(a).ravel()
    text = np.array2string(flat[:n], precision=10, separator=", ", max_line_width=10_000)
    return text + (f" ... ({flat.size} entries)" if flat.size > n else "")


def _state(rng: np.random.Generator):
    return copy.deepcopy(rng.bit_generator.state)


def _unchanged(name: str, call: str, passed, original) -> None:
    if not np.array_equal(np.asarray(passed), np.asarray(original), equal_nan=True):
        raise AssertionError(
            f"{call} modified the {name} you passed in: work on copies (e.g. np.sort(a) or "
            "a[idx], not a.sort() or in-place updates of the argument)."
        )


def _same_numbers(a, b, rtol: float = ALPHA_RTOL, atol: float = 1e-12) -> bool:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True))


# --------------------------------------------------------------------------------------
# bootstrap_indices
# --------------------------------------------------------------------------------------

_BOOT_SIGNATURE = "bootstrap_indices(n, rng)"
_BOOT_DIAGNOSES = {
    "high_n_minus_1": (
        "your indices never reach n - 1: rng.integers(0, n, size=n) draws from 0 to n - 1 "
        "because the upper end `high` is EXCLUDED; rng.integers(0, n - 1) leaves out the last "
        "sample."
    ),
    "no_replacement": (
        "your indices are a permutation (sampling WITHOUT replacement): a bootstrap sample "
        "draws n indices WITH replacement, so some samples repeat and others are left out."
    ),
    "one_based": (
        "your indices run from 1 to n: Python indices start at 0; draw rng.integers(0, n, size=n)."
    ),
}


def check_bootstrap_indices(bootstrap_indices) -> None:
    """Values, dtype and shape equal ``rng.integers(0, n, size=n)`` of a twin generator, and
    the generator ends in the same state; repeated calls continue the stream."""
    for k, (n, calls) in enumerate([(5, 1), (2, 3), (17, 2), (100, 1), (1000, 1), (1, 1)]):
        rng = np.random.default_rng(200 + k)
        twin = copy.deepcopy(rng)
        for c in range(calls):
            which = "" if calls == 1 else f" (call {c + 1} of {calls} on the same rng)"
            call = f"bootstrap_indices({n}, rng){which}"
            before = copy.deepcopy(rng)
            got = _guarded(
                "bootstrap_indices", call, bootstrap_indices, n, rng, signature=_BOOT_SIGNATURE
            )
            expected = twin.integers(0, n, size=n)
            if not isinstance(got, np.ndarray):
                raise AssertionError(
                    f"{call} returned a {type(got).__name__}; return the NumPy array of indices."
                )
            if got.shape != (n,) or not np.issubdtype(got.dtype, np.integer):
                raise AssertionError(
                    f"{call} returned an array of shape {got.shape} and dtype {got.dtype}; "
                    f"expected {n} integer indices, shape ({n},)."
                )
            if np.array_equal(got, expected) and _state(rng) == _state(twin):
                continue
            lines = [f"{call}: expected {_preview(expected)}, got {_preview(got)}."]
            for key, text in _BOOT_DIAGNOSES.items():
                if np.array_equal(got, _bootstrap(n, copy.deepcopy(before), key)):
                    lines.append(text)
                    break
            else:
                if _state(rng) == _state(before):
                    lines.append(
                        "the rng you passed in was not used (its state did not change): draw "
                        "from the rng argument, not from np.random or a new default_rng()."
                    )
                elif np.array_equal(got, expected):
                    lines.append(
                        "the values are right but the generator made extra or different draws "
                        "afterwards: draw exactly rng.integers(0, n, size=n), once."
                    )
                else:
                    lines.append(
                        "the draws differ from rng.integers(0, n, size=n): make exactly that "
                        "one call (same low, high and size) on the rng argument."
                    )
            raise AssertionError(" ".join(lines))


# --------------------------------------------------------------------------------------
# bootstrap_confidence_interval
# --------------------------------------------------------------------------------------

_CI_SIGNATURE = "bootstrap_confidence_interval(data, statistic, n_boot, alpha, rng)"
_CI_DIAGNOSES = {
    "alpha_not_halved": (
        "you used the percentiles 100 * alpha and 100 * (1 - alpha): a two-sided interval "
        "puts alpha / 2 in EACH tail, i.e. percentiles 100 * alpha / 2 and 100 * (1 - alpha / 2)."
    ),
    "fractions": (
        "you passed fractions (alpha / 2 and 1 - alpha / 2) to np.percentile, which expects "
        "percents from 0 to 100: multiply by 100 (or use np.quantile)."
    ),
    "sorted_floor": (
        "you picked entries of the sorted statistics by index: use np.percentile (its default "
        "linear interpolation between order statistics), as the spec says."
    ),
    "sorted_ceil": (
        "you picked entries of the sorted statistics by index: use np.percentile (its default "
        "linear interpolation between order statistics), as the spec says."
    ),
    "whole_data": (
        "the statistic was applied to the whole data set every time: apply it to the bootstrap "
        "sample data[idx] with idx = bootstrap_indices(len(data), rng)."
    ),
}


def _ci_cases():
    """(description, data, statistic name, n_boot, alpha, seed)."""
    rng = np.random.default_rng(300)
    return [
        ("20 normal values, mean", rng.normal(size=20), "mean", 200, 0.05, 301),
        ("15 exponential values, median", rng.exponential(size=15), "median", 101, 0.1, 302),
        ("30 values, standard deviation", rng.normal(3, 2, size=30), "std", 150, 0.2, 303),
        ("7 values, mean, odd length", rng.normal(size=7), "mean", 57, 0.32, 304),
        ("40 values, max", rng.uniform(size=40), "max", 80, 0.5, 305),
        ("12 values, mean, n_boot = 9", rng.normal(size=12), "mean", 9, 0.3, 306),
    ]


_STATISTICS = {"mean": np.mean, "median": np.median, "std": np.std, "max": np.max}


def _as_interval(call: str, got) -> tuple[float, float]:
    if not isinstance(got, tuple) or len(got) != 2:
        kind = type(got).__name__ + (f" of length {len(got)}" if hasattr(got, "__len__") else "")
        raise AssertionError(
            f"{call} returned a {kind}; return a tuple of two floats (lower, upper), "
            "e.g. (float(lo), float(hi))."
        )
    for name, v in zip(("lower", "upper"), got, strict=True):
        if not isinstance(v, float):
            raise AssertionError(
                f"{call}: the {name} end is a {type(v).__name__}; both ends must be floats "
                "(use float(...))."
            )
    return got


def _ci_problem(call, got, expected, args, before, draws) -> str:
    lines = [f"{call}: expected {expected}, got {got}."]
    for key, text in _CI_DIAGNOSES.items():
        for draw in draws:
            try:
                with _quiet(), _global_seed(12345):
                    alt = _ci(*args, copy.deepcopy(before), key, draw)
            except Exception:  # noqa: BLE001 - a broken helper is graded by its own tests
                continue
            if _same_numbers(got, alt) and not _same_numbers(alt, expected):
                lines.append(text)
                return " ".join(lines)
    for draw in draws:  # ends that are bootstrap statistics themselves: indexing by hand
        try:
            with _quiet(), _global_seed(12345):
                stats = _ci_stats(*args[:3], copy.deepcopy(before), draw)
        except Exception:  # noqa: BLE001 - a broken helper is graded by its own tests
            continue
        picked = [np.any(np.isclose(stats, v, rtol=1e-12, atol=0)) for v in got]
        if all(picked) and not all(np.any(stats == v) for v in expected):
            lines.append(_CI_DIAGNOSES["sorted_floor"])
            return " ".join(lines)
    lines.append(
        "the interval must be np.percentile(stats, [100 * alpha / 2, 100 * (1 - alpha / 2)]) "
        "of the n_boot statistics, each computed on data[bootstrap_indices(len(data), rng)] "
        "in order."
    )
    return " ".join(lines)


def _draws(bootstrap_indices) -> list[Callable]:
    """The trusted draw and, when given, the student's bootstrap_indices."""
    draws: list[Callable] = [_bootstrap]
    if bootstrap_indices is not None:
        draws.append(lambda n, rng: np.asarray(bootstrap_indices(n, rng)))
    return draws


def _ci_expected(args, before, draws):
    """(interval, state after) for each draw function that runs (NumPy's global generator
    seeded as in the student's call, for a helper that wrongly uses it)."""
    out = []
    for draw in draws:
        twin = copy.deepcopy(before)
        try:
            with _quiet(), _global_seed(12345):
                out.append((_ci(*args, twin, None, draw), _state(twin)))
        except Exception:  # noqa: BLE001 - a broken helper is graded by its own tests
            continue
    return out


def check_bootstrap_ci_matches_reference(bootstrap_confidence_interval, bootstrap_indices=None):
    """Random data, several statistics, n_boot and alpha: the percentile interval of the
    statistics of n_boot bootstrap samples drawn in order from rng, and the rng's state
    (with the trusted draws or with your own bootstrap_indices)."""
    draws = _draws(bootstrap_indices)
    for text, data, stat_name, n_boot, alpha, seed in _ci_cases():
        stat = _STATISTICS[stat_name]
        rng = np.random.default_rng(seed)
        before = copy.deepcopy(rng)
        call = (
            f"bootstrap_confidence_interval(data, np.{stat_name}, n_boot={n_boot}, "
            f"alpha={alpha}, rng) with {text}"
        )
        got = _guarded(
            "bootstrap_confidence_interval",
            call,
            bootstrap_confidence_interval,
            data.copy(),
            stat,
            n_boot,
            alpha,
            rng,
            signature=_CI_SIGNATURE,
        )
        got = _as_interval(call, got)
        args = (data, stat, n_boot, alpha)
        candidates = _ci_expected(args, before, draws)
        if not any(_same_numbers(got, exp) for exp, _ in candidates):
            expected = _ci(*args, copy.deepcopy(before))
            raise AssertionError(_ci_problem(call, got, expected, args, before, draws))
        if not any(_same_numbers(got, exp) and st == _state(rng) for exp, st in candidates):
            raise AssertionError(
                f"{call}: the interval is right but the generator's state afterwards is not: "
                f"draw exactly n_boot = {n_boot} bootstrap samples from rng and nothing else."
            )


def check_bootstrap_ci_contract(bootstrap_confidence_interval, bootstrap_indices=None) -> None:
    """The statistic is called exactly n_boot times, on data[idx] for the documented idx in
    order; alpha = 1 gives the median twice, alpha = 0 the extremes; constant data and
    n_boot = 1 give a point; data is left unmodified; two floats come back."""
    draws = _draws(bootstrap_indices)
    data = np.random.default_rng(310).normal(size=11)
    seen: list[np.ndarray] = []

    def recording(sample):
        seen.append(np.array(sample, copy=True))
        return float(np.mean(sample))

    original = data.copy()
    call = "bootstrap_confidence_interval(data, statistic, n_boot=25, alpha=0.1, rng)"
    got = _guarded(
        "bootstrap_confidence_interval",
        call,
        bootstrap_confidence_interval,
        data,
        recording,
        25,
        0.1,
        np.random.default_rng(311),
        signature=_CI_SIGNATURE,
    )
    _as_interval(call, got)
    _unchanged("data", call, data, original)
    if len(seen) != 25:
        raise AssertionError(
            f"{call} called the statistic {len(seen)} times; call it exactly n_boot = 25 times, "
            "once per bootstrap sample (not on the whole data as well)."
        )
    samples = []
    for draw in draws:
        twin = np.random.default_rng(311)
        try:
            with _quiet(), _global_seed(12345):
                samples.append([data[draw(len(data), twin)] for _ in range(25)])
        except Exception:  # noqa: BLE001 - a broken helper is graded by its own tests
            continue
    if not any(
        all(np.array_equal(a, b) for a, b in zip(seen, exp, strict=True)) for exp in samples
    ):
        expected = samples[0]
        b = next(
            i
            for i, (a, e) in enumerate(zip(seen, expected, strict=True))
            if not np.array_equal(a, e)
        )
        raise AssertionError(
            f"{call}: call {b + 1} of the statistic got {_preview(seen[b])}, expected the "
            f"bootstrap sample {_preview(expected[b])} = data[idx] with idx = "
            "bootstrap_indices(len(data), rng), drawn in order, one per replicate."
        )
    for alpha, what in [
        (1.0, "alpha = 1 gives the 50th percentile at both ends"),
        (0.0, "alpha = 0 gives the smallest and largest statistic"),
        (0.5, "alpha = 0.5 gives the quartiles"),
    ]:
        call = f"bootstrap_confidence_interval(data, np.mean, n_boot=25, alpha={alpha}, rng)"
        got = _guarded(
            "bootstrap_confidence_interval",
            call,
            bootstrap_confidence_interval,
            data.copy(),
            np.mean,
            25,
            alpha,
            np.random.default_rng(311),
        )
        got = _as_interval(call, got)
        args = (data, np.mean, 25, alpha)
        rng0 = np.random.default_rng(311)
        if not any(_same_numbers(got, exp) for exp, _ in _ci_expected(args, rng0, draws)):
            expected = _ci(*args, np.random.default_rng(311))
            raise AssertionError(
                _ci_problem(call, got, expected, args, rng0, draws) + f" ({what}.)"
            )
    call = "bootstrap_confidence_interval(np.full(6, 2.5), np.mean, n_boot=30, alpha=0.05, rng)"
    got = _as_interval(
        call,
        _guarded(
            "bootstrap_confidence_interval",
            call,
            bootstrap_confidence_interval,
            np.full(6, 2.5),
            np.mean,
            30,
            0.05,
            np.random.default_rng(312),
        ),
    )
    if not _same_numbers(got, (2.5, 2.5)):
        raise AssertionError(
            f"{call}: constant data gives the point interval (2.5, 2.5), got {got}."
        )
    call = "bootstrap_confidence_interval(data, np.median, n_boot=1, alpha=0.05, rng)"
    got = _as_interval(
        call,
        _guarded(
            "bootstrap_confidence_interval",
            call,
            bootstrap_confidence_interval,
            data.copy(),
            np.median,
            1,
            0.05,
            np.random.default_rng(313),
        ),
    )
    args = (data, np.median, 1, 0.05)
    singles = _ci_expected(args, np.random.default_rng(313), draws)
    if not any(_same_numbers(got, exp) for exp, _ in singles) or got[0] != got[1]:
        raise AssertionError(
            f"{call}: with a single bootstrap replicate both ends are its statistic "
            f"{singles[0][0][0]}, got {got}."
        )


# --------------------------------------------------------------------------------------
# bagging_predict
# --------------------------------------------------------------------------------------

_BAG_SIGNATURE = "bagging_predict(all_preds, task)"
_BAG_DIAGNOSES = {
    "ties_largest": (
        "ties are broken toward the LARGEST label: when several labels get the same number of "
        "votes, the spec picks the smallest one."
    ),
    "ties_first_seen": (
        "ties are broken toward the label that comes first in the column (e.g. "
        "Counter.most_common keeps insertion order): when several labels get the same number "
        "of votes, pick the smallest one."
    ),
    "int_dtype": (
        "the votes are right but the result is an integer array: return the labels in the "
        "input's dtype (float labels stay float)."
    ),
    "median": "you took the median of the regression predictions: bagging averages them (mean).",
}


def _mode_oracle(preds: np.ndarray) -> np.ndarray:
    from scipy.stats import mode

    return mode(preds, axis=0, keepdims=False).mode.astype(preds.dtype)


def _vote_cases():
    """(description, all_preds) for classification."""
    rng = np.random.default_rng(400)
    cases = [
        ("7 models, 30 samples, labels 0..2", rng.integers(0, 3, size=(7, 30))),
        ("4 models, 40 samples, labels 0/1 (many ties)", rng.integers(0, 2, size=(4, 40))),
        ("6 models, 25 samples, labels -2..2", rng.integers(-2, 3, size=(6, 25))),
        ("5 models, 20 samples, labels -1/+1 as floats", rng.choice([-1.0, 1.0], size=(5, 20))),
        (
            "6 models, 30 samples, labels 0..5 as floats (many ties)",
            rng.integers(0, 6, size=(6, 30)).astype(np.float64),
        ),
        ("1 model, 8 samples", rng.integers(-3, 3, size=(1, 8))),
        ("9 models, 1 sample", rng.integers(0, 4, size=(9, 1))),
    ]
    # hand-made ties in both orders: [3, -1] and [-1, 3] tie; 5 vs 2 tie with 7 once
    tie = np.array([[3, -1, 5, 2], [-1, 3, 2, 5], [3, -1, 7, 7], [-1, 3, 5, 2]])
    cases.append(("hand-made two-way ties between negative and positive labels", tie))
    cases.append(("the same ties stored as floats", tie.astype(np.float64)))
    return cases


def _check_array(call: str, got, shape, dtype) -> np.ndarray:
    if not isinstance(got, np.ndarray):
        raise AssertionError(f"{call} returned a {type(got).__name__}; return a NumPy array.")
    if got.shape != shape:
        raise AssertionError(
            f"{call} returned shape {got.shape}, expected {shape}: one prediction per sample, "
            "combining the models along axis 0."
        )
    if dtype is not None and got.dtype != dtype:
        raise AssertionError(
            f"{call} returned dtype {got.dtype}; the result must keep the input's dtype {dtype} "
            "(float labels stay float, integer labels stay integer)."
        )
    return got


def check_bagging_predict_votes(bagging_predict) -> None:
    """Majority votes equal scipy.stats.mode over the models (ties to the smallest label),
    for negative labels, float labels, many ties, one model and one sample."""
    for text, preds in _vote_cases():
        call = f"bagging_predict(all_preds, 'classification') with {text}"
        got = _guarded(
            "bagging_predict",
            call,
            bagging_predict,
            preds.copy(),
            "classification",
            signature=_BAG_SIGNATURE,
        )
        expected = _mode_oracle(preds)
        if (
            isinstance(got, np.ndarray)
            and got.shape == expected.shape
            and np.array_equal(got, expected)
            and got.dtype != preds.dtype
        ):
            raise AssertionError(f"{call}: {_BAG_DIAGNOSES['int_dtype']} (got {got.dtype}).")
        got = _check_array(call, got, expected.shape, None)
        if not np.array_equal(got, expected):
            bad = int(np.flatnonzero(got != expected)[0])
            lines = [
                f"{call}: at sample {bad} the models voted {preds[:, bad].tolist()}, expected "
                f"{expected[bad]!r}, got {got[bad]!r}."
            ]
            for key in ("ties_largest", "ties_first_seen"):
                if np.array_equal(got, _bagging(preds, "classification", key)):
                    lines.append(_BAG_DIAGNOSES[key])
                    break
            else:
                lines.append(
                    "the vote is the label with the most votes in each column; ties go to the "
                    "smallest label (labels can be negative and stored as floats)."
                )
            raise AssertionError(" ".join(lines))
        _check_array(call, got, expected.shape, preds.dtype)


def check_bagging_predict_contract(bagging_predict) -> None:
    """Regression averages over the models (float64, shape (n_samples,)); inputs unmodified;
    any other task raises ValueError."""
    rng = np.random.default_rng(410)
    for shape in [(5, 12), (1, 4), (8, 1)]:
        preds = rng.normal(size=shape)
        original = preds.copy()
        call = f"bagging_predict(all_preds of shape {shape}, 'regression')"
        got = _guarded(
            "bagging_predict", call, bagging_predict, preds, "regression", signature=_BAG_SIGNATURE
        )
        expected = original.mean(axis=0)
        got = _check_array(call, got, expected.shape, np.float64)
        if not _same_numbers(got, expected, rtol=1e-12, atol=1e-14):
            msg = f"{call}: expected the mean over the models {_preview(expected)}, got {_preview(got)}."
            if _same_numbers(got, np.median(original, axis=0)):
                msg += " " + _BAG_DIAGNOSES["median"]
            raise AssertionError(msg)
        _unchanged("all_preds", call, preds, original)
    preds = rng.integers(-2, 2, size=(5, 9))
    original = preds.copy()
    call = "bagging_predict(all_preds, 'classification')"
    _guarded("bagging_predict", call, bagging_predict, preds, "classification")
    _unchanged("all_preds", call, preds, original)
    for task in ("classify", "Regression", "mean", None):
        call = f"bagging_predict(all_preds, {task!r})"
        try:
            with _quiet():
                bagging_predict(original.copy(), task)
        except ValueError:
            continue
        except NotImplementedError as exc:
            raise AssertionError(
                "bagging_predict is not implemented yet: it raised NotImplementedError. Replace "
                "the `raise NotImplementedError()` lines of the solution cell with your code."
            ) from exc
        except Exception as exc:
            raise AssertionError(
                f"{call} raised {type(exc).__name__}, expected ValueError: an unknown task must "
                "raise ValueError (raise ValueError(...))."
            ) from exc
        raise AssertionError(
            f"{call} returned without an error: a task other than 'regression' or "
            "'classification' must raise ValueError."
        )


# --------------------------------------------------------------------------------------
# stump_predict
# --------------------------------------------------------------------------------------

_PREDICT_DIAGNOSES = {
    "geq": (
        "samples exactly at the threshold get +polarity: the stump predicts polarity only where "
        "X[:, feature] > threshold (strictly greater), -polarity otherwise."
    ),
    "no_polarity": (
        "the polarity is ignored: a stump with polarity -1 predicts -1 above the threshold and "
        "+1 at or below it."
    ),
    "zero_one": "the labels are 0/1: a stump predicts -1 or +1.",
}


def _check_shape(call: str, got, n: int) -> np.ndarray:
    if not isinstance(got, np.ndarray) or got.shape != (n,):
        shape = got.shape if isinstance(got, np.ndarray) else type(got).__name__
        raise AssertionError(f"{call} returned {shape}; expected a NumPy array of shape ({n},).")
    if not (np.issubdtype(got.dtype, np.integer) or np.issubdtype(got.dtype, np.floating)):
        raise AssertionError(f"{call} returned dtype {got.dtype}; return the labels -1 and +1.")
    return got


def check_stump_predict(stump_predict) -> None:
    """Random stumps of both polarities on data with values exactly at the threshold, at
    min - 1, on other features; shape (n,), values -1/+1; inputs unmodified."""
    rng = np.random.default_rng(500)
    X = np.round(rng.normal(size=(25, 3)), 1)
    cases = []
    for f in range(3):
        values = np.unique(X[:, f])
        for p in (1, -1):
            cases.append(
                {
                    "feature": f,
                    "threshold": float(values[len(values) // 2]),
                    "polarity": p,
                    "error": 0.25,
                }
            )
            cases.append(
                {"feature": f, "threshold": float(values[0] - 1.0), "polarity": p, "error": 0.5}
            )
            cases.append(
                {
                    "feature": f,
                    "threshold": float((values[2] + values[3]) / 2),
                    "polarity": p,
                    "error": 0.1,
                }
            )
    for stump in cases:
        original, stump0 = X.copy(), dict(stump)
        call = f"stump_predict({stump}, X)"
        got = _guarded(
            "stump_predict", call, stump_predict, stump, X, signature="stump_predict(stump, X)"
        )
        got = _check_shape(call, got, len(X))
        expected = _stump_predict(stump, X)
        if not np.array_equal(got, expected):
            bad = int(np.flatnonzero(got != expected)[0])
            lines = [
                f"{call}: sample {bad} has X[{bad}, {stump['feature']}] = "
                f"{X[bad, stump['feature']]!r}; expected {int(expected[bad])}, got {got[bad]!r}."
            ]
            for key, text in _PREDICT_DIAGNOSES.items():
                if np.array_equal(got, _stump_predict(stump, X, key)):
                    lines.append(text)
                    break
            raise AssertionError(" ".join(lines))
        _unchanged("X", call, X, original)
        if stump != stump0:
            raise AssertionError(f"{call} modified the stump dict: only read it.")


# --------------------------------------------------------------------------------------
# fit_stump
# --------------------------------------------------------------------------------------

_STUMP_SIGNATURE = "fit_stump(X, y, sample_weight)"
_STUMP_DIAGNOSES = {
    "no_min_minus_1": (
        "threshold candidates must include min - 1 (below every value: the stump then "
        "predicts one class for all samples); the midpoints alone miss that stump."
    ),
    "data_values": (
        "your thresholds are data values: the candidates are min - 1 and the MIDPOINTS "
        "(a + b) / 2 between consecutive sorted unique values."
    ),
    "unweighted": (
        "the error ignores the sample weights: error = sum(w * (pred != y)) / sum(w), not the "
        "plain fraction of mistakes."
    ),
    "not_normalized": (
        "the weighted error is not divided by sum(w): error = sum(w * (pred != y)) / sum(w), "
        "and the weights need not sum to 1."
    ),
    "polarity_minus_first": (
        "tie broken toward polarity -1: among stumps with equal error, polarity +1 comes before -1."
    ),
    "last_feature": (
        "tie broken toward the last feature: among stumps with equal error, pick the lowest "
        "feature index, then the lowest threshold, then polarity +1."
    ),
    "exact_ties": (
        "errors that differ only by rounding (within 1e-12) must count as equal: sums of "
        "equal weights differ in the last bit depending on which samples are wrong. Compare "
        "with the lowest error plus 1e-12 instead of exact equality or a plain <."
    ),
    "last_candidate": (
        "ties broken toward the last candidate (a <= comparison keeps replacing the best): "
        "among stumps with equal error pick the FIRST in the order lowest feature, then lowest "
        "threshold, then polarity +1 before -1."
    ),
    "highest_threshold": (
        "tie broken toward the highest threshold: among stumps with equal error on one "
        "feature, pick the lowest threshold."
    ),
}


def _stump_text(s: dict) -> str:
    return (
        f"{{feature: {s['feature']}, threshold: {s['threshold']!r}, polarity: {s['polarity']}, "
        f"error: {s['error']!r}}}"
    )


def _validate_stump(call: str, got) -> dict:
    if not isinstance(got, dict):
        raise AssertionError(
            f"{call} returned a {type(got).__name__}; return a dict with the keys 'feature', "
            "'threshold', 'polarity' and 'error'."
        )
    if set(got) != set(_STUMP_KEYS):
        raise AssertionError(
            f"{call} returned a dict with the keys {sorted(got)}; expected exactly "
            "'feature', 'threshold', 'polarity' and 'error'."
        )
    return got


def _stump_types(call: str, got: dict) -> None:
    f, t, p, e = (got[k] for k in _STUMP_KEYS)
    if not isinstance(f, int) or isinstance(f, bool):
        raise AssertionError(
            f"{call}: 'feature' is a {type(f).__name__}; it must be a Python int "
            "(e.g. int(j), not a NumPy integer)."
        )
    if not isinstance(p, int) or isinstance(p, bool) or p not in (1, -1):
        raise AssertionError(
            f"{call}: 'polarity' is {p!r} ({type(p).__name__}); it must be the Python int 1 or -1."
        )
    for name, v in (("threshold", t), ("error", e)):
        if not isinstance(v, float):
            raise AssertionError(
                f"{call}: '{name}' is a {type(v).__name__}; it must be a float (use float(...))."
            )


def _same_stump(got: dict, expected: dict) -> bool:
    try:
        return (
            got["feature"] == expected["feature"]
            and got["polarity"] == expected["polarity"]
            and bool(np.isclose(got["threshold"], expected["threshold"], rtol=1e-12, atol=1e-12))
            and bool(np.isclose(got["error"], expected["error"], rtol=1e-10, atol=1e-12))
        )
    except (TypeError, ValueError):
        return False


def _stump_problem(call: str, got: dict, X, y, w, expected: dict) -> str:
    lines = [f"{call}: expected {_stump_text(expected)}, got {_stump_text(got)}."]
    for key, text in _STUMP_DIAGNOSES.items():
        try:
            alt = _fit_stump(X, y, w, key)
        except ValueError:
            continue
        if _same_stump(got, alt) and not _same_stump(alt, expected):
            lines.append(text)
            return " ".join(lines)
    try:
        claimed = float(np.sum(w * (_stump_predict(got, X) != y)) / np.sum(w))
    except Exception:  # noqa: BLE001 - a malformed stump: no further hint
        claimed = None
    if claimed is not None and not np.isclose(claimed, got["error"], rtol=1e-10, atol=1e-12):
        lines.append(
            f"the stump you returned has weighted error {claimed!r}, not the {got['error']!r} "
            "you report: error = sum(w * (pred != y)) / sum(w) with pred = where(X[:, feature] "
            "> threshold, polarity, -polarity)."
        )
    elif claimed is not None and claimed > expected["error"] + TIE_TOL:
        lines.append(
            f"a stump with lower weighted error ({expected['error']!r}) exists: search every "
            "feature, every candidate threshold (min - 1 and the midpoints) and both polarities."
        )
    else:
        lines.append(
            "your stump has the lowest error but is not the one the tie rule picks: errors within "
            "1e-12 of the lowest are equal; among them the lowest feature, then the lowest "
            "threshold, then polarity +1 before -1."
        )
    return " ".join(lines)


def _run_fit(fit_stump, call, X, y, w) -> dict:
    Xc, yc, wc = X.copy(), y.copy(), w.copy()
    got = _guarded("fit_stump", call, fit_stump, Xc, yc, wc, signature=_STUMP_SIGNATURE)
    got = _validate_stump(call, got)
    for name, passed, original in (("X", Xc, X), ("y", yc, y), ("sample_weight", wc, w)):
        _unchanged(name, call, passed, original)
    return got


def _compare_stump(fit_stump, call, X, y, w) -> dict:
    got = _run_fit(fit_stump, call, X, y, w)
    expected = _fit_stump(X, y, w)
    if not _same_stump(got, expected):
        raise AssertionError(_stump_problem(call, got, X, y, w, expected))
    return got


def _stump_data(n: int, d: int, seed: int, kind: str = "mixed"):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    if kind == "rounded":  # repeated values: unique values fewer than n
        X = np.round(X, 0)
    score = X[:, rng.integers(d)] + 0.8 * rng.normal(size=n)
    y = np.where(score > rng.normal(scale=0.5), 1, -1)
    if kind == "mostly_plus":
        y = np.where(rng.random(n) < 0.9, 1, -1)
    w = rng.uniform(0.1, 2.0, size=n)
    return X, y, w


def check_fit_stump_matches_exhaustive_search(fit_stump) -> None:
    """Random data (n <= 60, d <= 5), random positive weights not summing to 1, repeated
    values: the same stump as an exhaustive search, and an error equal to scikit-learn's
    weighted zero-one loss of that stump."""
    from sklearn.metrics import zero_one_loss

    cases = [
        (12, 1, 600, "mixed"),
        (30, 3, 601, "mixed"),
        (45, 4, 602, "rounded"),
        (60, 5, 603, "mixed"),
        (25, 2, 604, "rounded"),
        (20, 3, 605, "mostly_plus"),
        (40, 2, 606, "mostly_plus"),
        (8, 5, 607, "rounded"),
    ]
    for n, d, seed, kind in cases:
        X, y, w = _stump_data(n, d, seed, kind)
        call = f"fit_stump(X, y, sample_weight) with X of shape ({n}, {d}) (seed {seed}, {kind})"
        got = _compare_stump(fit_stump, call, X, y, w)
        oracle = zero_one_loss(y, _stump_predict(got, X), sample_weight=w)
        if not np.isclose(got["error"], oracle, rtol=1e-10, atol=1e-12):
            raise AssertionError(
                f"{call}: the reported error {got['error']!r} differs from the weighted error "
                f"{oracle!r} of the returned stump."
            )


def _exact_tie_data():
    """Hand-made exact ties: (description, X, y, w)."""
    cases = []
    x = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    y = np.array([-1, -1, 1, 1, -1, -1])
    # feature 1 is a copy of feature 0: the same best stump exists on both
    cases.append(("feature 1 a copy of feature 0", np.column_stack([x, x]), y, np.ones(6)))
    # thresholds 2.5 (+1) and 4.5 (-1) both misclassify two samples
    cases.append(("two thresholds with equal error", x[:, None], y, np.ones(6)))
    # y alternates: many thresholds and both polarities tie
    cases.append(
        ("alternating labels", x[:, None], np.array([1, -1, 1, -1, 1, -1]), np.ones(6) * 0.5)
    )
    # constant feature with balanced labels: only min - 1, both polarities error 1/2
    cases.append(
        (
            "a constant feature, balanced labels",
            np.full((4, 1), 3.0),
            np.array([1, -1, -1, 1]),
            np.full(4, 0.25),
        )
    )
    # a constant first feature and an informative second one
    cases.append(
        (
            "constant feature 0, informative feature 1",
            np.column_stack([np.full(6, -2.0), x]),
            np.array([-1, -1, -1, 1, 1, 1]),
            np.ones(6),
        )
    )
    # all labels +1 / all -1: only min - 1 predicts one class everywhere
    for label in (1, -1):
        cases.append(
            (
                f"all labels {label:+d}",
                np.column_stack([x, x[::-1] * 2]),
                np.full(6, label),
                np.linspace(0.5, 1.5, 6),
            )
        )
    # a polarity -1 stump is the unique best, then its mirror image
    cases.append(("a polarity -1 stump", x[:, None], np.array([1, 1, 1, -1, -1, -1]), np.ones(6)))
    # one sample
    cases.append(("one sample", np.array([[0.7, -1.2]]), np.array([-1]), np.array([2.0])))
    return cases


def _last_bit_cases():
    """(description, X, y, w) where two stumps have the same error in exact arithmetic but
    their float sums differ in the last bit, and the one the tie rule picks is the larger."""
    x = np.arange(1.0, 6.0)[:, None]
    cases = [
        # 0.1 + 0.2 = 0.30000000000000004 (predict +1 everywhere) against 0.3 (threshold 3.5)
        (
            "weights [0.3, 0.1, 0.2, 0.2, 0.1]",
            x,
            np.array([1, -1, -1, 1, 1]),
            np.array([0.3, 0.1, 0.2, 0.2, 0.1]),
        ),
        (
            "weights [0.7, 0.1, 0.2, 0.1, 0.3]",
            x,
            np.array([-1, -1, 1, 1, -1]),
            np.array([0.7, 0.1, 0.2, 0.1, 0.3]),
        ),
    ]
    # equal weights 0.1: equal numbers of mistakes, sums that depend on the summation order
    cases.append(
        (
            "19 equal weights 0.1",
            np.array(
                [
                    [17, 18, 11, 6, 1, 16, 8, 3, 2, 14, 10, 15, 12, 9, 5, 0, 13, 7, 4],
                    [13, 0, 18, 10, 15, 3, 5, 6, 8, 1, 7, 4, 2, 11, 9, 14, 12, 17, 16],
                ],
                dtype=np.float64,
            ).T,
            np.array([1, 1, -1, -1, 1, 1, 1, -1, -1, -1, 1, -1, 1, -1, 1, -1, -1, 1, 1]),
            np.full(19, 0.1),
        )
    )
    cases.append(
        (
            "17 equal weights 0.1",
            np.array(
                [
                    [15, 16, 4, 0, 6, 14, 12, 1, 9, 13, 2, 3, 11, 7, 5, 10, 8],
                    [8, 11, 6, 15, 0, 1, 4, 12, 3, 9, 10, 7, 14, 2, 5, 16, 13],
                ],
                dtype=np.float64,
            ).T,
            np.array([-1, 1, 1, -1, 1, 1, 1, -1, 1, -1, 1, -1, 1, -1, -1, -1, 1]),
            np.full(17, 0.1),
        )
    )
    cases.append(
        (
            "18 equal weights 0.1",
            np.array(
                [[4, 0, 1, 17, 8, 5, 12, 6, 7, 11, 9, 10, 2, 15, 14, 13, 3, 16]], dtype=np.float64
            ).T,
            np.array([-1, -1, -1, -1, 1, 1, 1, -1, -1, -1, 1, 1, 1, -1, 1, 1, 1, 1]),
            np.full(18, 0.1),
        )
    )
    return cases


def check_fit_stump_tie_rule(fit_stump) -> None:
    """Constructed exact ties (copies of a feature, equal-error thresholds, both polarities),
    constant features, all labels equal, equal weights whose sums differ in the last bit."""
    for text, X, y, w in [*_exact_tie_data(), *_last_bit_cases()]:
        _compare_stump(fit_stump, f"fit_stump(X, y, sample_weight) with {text}", X, y, w)
    rng = np.random.default_rng(650)
    for k in range(4):  # equal weights 1/n on rounded data: ties in the last bit abound
        n = int(rng.integers(9, 30))
        X = np.round(rng.normal(size=(n, 3)) * 2) / 2
        y = rng.choice([-1, 1], size=n)
        w = np.full(n, 1.0 / n)
        _compare_stump(
            fit_stump,
            f"fit_stump(X, y, sample_weight) with equal weights 1/{n} (seed 650, draw {k})",
            X,
            y,
            w,
        )


def check_fit_stump_contract(fit_stump) -> None:
    """The dict's keys and types (feature int, threshold and error float, polarity +1/-1);
    inputs unmodified; scaling the weights changes nothing; zero-weight samples are ignored."""
    X, y, w = _stump_data(20, 3, 660)
    base = _run_fit(fit_stump, "fit_stump(X, y, w)", X, y, w)
    _stump_types("fit_stump(X, y, w)", base)
    for scale in (1 / w.sum(), 1000.0, 3.7e-6):
        call = f"fit_stump(X, y, {scale:.4g} * w)"
        got = _run_fit(fit_stump, call, X, y, scale * w)
        _stump_types(call, got)
        if not _same_stump(got, base):
            msg = (
                f"{call}: scaling all weights must not change the stump or its error: expected "
                f"{_stump_text(base)}, got {_stump_text(got)}."
            )
            if np.isclose(got["error"], base["error"] * scale, rtol=1e-9):
                msg += " " + _STUMP_DIAGNOSES["not_normalized"]
            raise AssertionError(msg)
    w0 = w.copy()
    w0[::4] = 0.0
    _compare_stump(fit_stump, "fit_stump(X, y, w) with every 4th weight 0", X, y, w0)
    Xc = np.column_stack([np.full(20, 1.5), X[:, 0]])
    got = _compare_stump(fit_stump, "fit_stump(X, y, w) with a constant feature 0", Xc, y, w)
    _stump_types("fit_stump(X, y, w) with a constant feature 0", got)


# --------------------------------------------------------------------------------------
# adaboost_fit
# --------------------------------------------------------------------------------------

_ADA_SIGNATURE = "adaboost_fit(X, y, n_rounds)"
_ADA_DIAGNOSES = {
    "no_half": (
        "missing the 0.5 in alpha: alpha = 0.5 * ln((1 - err) / err); your alphas are twice "
        "as large."
    ),
    "sign_flipped": (
        "weight update sign flipped: w *= exp(-alpha * y * h(X)) shrinks the weights of "
        "correctly classified samples (y * h = +1) and grows those of mistakes."
    ),
    "no_renormalize": (
        "weights not renormalized: after w *= exp(-alpha * y * h(X)) divide w by its sum; "
        "otherwise they shrink every round and underflow to 0 (error 0 / 0 = nan)."
    ),
    "no_clip": (
        "no error clipping: clip the error to [1e-10, 1 - 1e-10] before computing alpha, so "
        "that a perfect stump (error 0) gets a large but finite alpha instead of inf / nan."
    ),
    "clip_1e-8": (
        "the error is clipped at the wrong bound: clip it to [1e-10, 1 - 1e-10] "
        "(a perfect stump then gets alpha = 0.5 * ln((1 - 1e-10) / 1e-10) = 11.51...)."
    ),
}


def _validate_model(call: str, got, n_rounds: int) -> list[tuple[float, dict]]:
    if not isinstance(got, list):
        raise AssertionError(
            f"{call} returned a {type(got).__name__}; return a list of (alpha, stump) tuples."
        )
    if len(got) != n_rounds:
        raise AssertionError(f"{call} returned {len(got)} rounds, expected n_rounds = {n_rounds}.")
    for r, item in enumerate(got):
        if not isinstance(item, tuple) or len(item) != 2:
            raise AssertionError(
                f"{call}: round {r + 1} is {type(item).__name__}; each entry is a tuple "
                "(alpha, stump)."
            )
        alpha, stump = item
        if isinstance(alpha, dict) and not isinstance(stump, dict):
            raise AssertionError(
                f"{call}: round {r + 1} is (stump, alpha); the order is (alpha, stump)."
            )
        if not isinstance(alpha, float):
            raise AssertionError(
                f"{call}: alpha of round {r + 1} is a {type(alpha).__name__}; it must be a float."
            )
        _validate_stump(f"{call}, round {r + 1}", stump)
    return got


def _same_model(got, expected) -> bool:
    if len(got) != len(expected):
        return False
    for (a, s), (b, t) in zip(got, expected, strict=True):
        if not _same_numbers(a, b) or not _same_stump(s, t):
            return False
    return True


def _first_difference(got, expected) -> str:
    for r, ((a, s), (b, t)) in enumerate(zip(got, expected, strict=True)):
        if not _same_numbers(a, b) or not _same_stump(s, t):
            return (
                f"round {r + 1}: expected alpha {b!r} with stump {_stump_text(t)}, got alpha "
                f"{a!r} with stump {_stump_text(s)}"
            )
    return "the same rounds"


def _helper_sets(fit_stump, stump_predict) -> list[tuple[Callable, Callable]]:
    """(fit, predict) pairs the reference loop may use: trusted, and the student's own."""
    sets: list[tuple[Callable, Callable]] = [(_fit_stump, _stump_predict)]
    if fit_stump is not None or stump_predict is not None:
        fit, predict = _fit_stump, _stump_predict
        if fit_stump is not None:

            def fit(a, b, c):
                return _guarded("fit_stump", "fit_stump", fit_stump, a, b, c)

        if stump_predict is not None:

            def predict(s, a):
                return np.asarray(
                    _guarded("stump_predict", "stump_predict", stump_predict, s, a), dtype=float
                )

        sets.append((fit, predict))
    return sets


_HELPER_ERRORS = (AssertionError, ValueError, ZeroDivisionError, IndexError, TypeError, KeyError)


def _ada_problem(call, got, X, y, n_rounds, helpers) -> str:
    lines = [f"{call}: {_first_difference(got, _adaboost_fit(X, y, n_rounds))}."]
    for key, text in _ADA_DIAGNOSES.items():
        for fit, predict in helpers:
            try:
                with _quiet():
                    alt = _adaboost_fit(X, y, n_rounds, fit=fit, predict=predict, mistake=key)
            except _HELPER_ERRORS:
                continue
            if _same_model(got, alt):
                lines.append(text)
                return " ".join(lines)
    alphas = np.array([a for a, _ in got], dtype=np.float64)
    if not np.all(np.isfinite(alphas)):
        lines.append(
            _ADA_DIAGNOSES["no_clip"]
            if not np.isfinite(alphas[0])
            else _ADA_DIAGNOSES["no_renormalize"]
        )
    else:
        lines.append(
            "each round: stump = fit_stump(X, y, w) (w starts at 1/n), err clipped to "
            "[1e-10, 1 - 1e-10], alpha = 0.5 * ln((1 - err) / err), w *= exp(-alpha * y * "
            "h(X)), then w /= w.sum()."
        )
    return " ".join(lines)


def _check_ada_case(adaboost_fit, helpers, call, X, y, n_rounds) -> None:
    Xc, yc = X.copy(), y.copy()
    got = _guarded("adaboost_fit", call, adaboost_fit, Xc, yc, n_rounds, signature=_ADA_SIGNATURE)
    got = _validate_model(call, got, n_rounds)
    _unchanged("X", call, Xc, X)
    _unchanged("y", call, yc, y)
    for fit, predict in helpers:
        try:
            with _quiet():
                expected = _adaboost_fit(X, y, n_rounds, fit=fit, predict=predict)
        except _HELPER_ERRORS:
            continue
        if _same_model(got, expected):
            return
    raise AssertionError(_ada_problem(call, got, X, y, n_rounds, helpers))


def check_adaboost_fit_matches_reference(adaboost_fit, fit_stump=None, stump_predict=None):
    """Random data (n <= 40, d <= 4) and 1 to 15 rounds: the same alphas and stumps as the
    reference loop (with the trusted stump search or with your own fit_stump and
    stump_predict)."""
    helpers = _helper_sets(fit_stump, stump_predict)
    for k, (n, d, rounds) in enumerate(
        [(10, 1, 1), (25, 2, 6), (40, 3, 12), (30, 4, 15), (16, 2, 8)]
    ):
        X, y, _ = _stump_data(n, d, 700 + k, "rounded" if k % 2 else "mixed")
        call = f"adaboost_fit(X, y, {rounds}) with X of shape ({n}, {d}) (seed {700 + k})"
        _check_ada_case(adaboost_fit, helpers, call, X, y, rounds)


def check_adaboost_fit_edge_cases(adaboost_fit, fit_stump=None, stump_predict=None) -> None:
    """A perfect stump (error 0: clipped, finite alpha) for 100 rounds (weights must be
    renormalized or they underflow); balanced labels on a constant feature (error 1/2,
    alpha 0); a weak learner worse than chance (negative alpha); n_rounds = 0."""
    helpers = _helper_sets(fit_stump, stump_predict)
    x = np.array([0.3, 1.1, 1.9, 2.2, 3.5, 4.0, 4.4, 5.8])
    X = np.column_stack([x, x[::-1]])
    y = np.where(x > 2.0, 1, -1)
    call = "adaboost_fit(X, y, 3) on separable data (a perfect stump: error 0)"
    try:
        _check_ada_case(adaboost_fit, helpers, call, X, y, 3)
    except AssertionError as exc:
        text = str(exc)
        if _ADA_DIAGNOSES["no_clip"] not in text and any(
            k in text for k in ("ZeroDivisionError", "inf", "nan", "divide by zero")
        ):
            raise AssertionError(f"{text} {_ADA_DIAGNOSES['no_clip']}") from exc
        raise
    call = "adaboost_fit(X, y, 100) on separable data (a perfect stump every round)"
    try:
        _check_ada_case(adaboost_fit, helpers, call, X, y, 100)
    except AssertionError as exc:
        text = str(exc)
        if _ADA_DIAGNOSES["no_renormalize"] not in text:
            # three rounds were right, so the weights themselves went wrong later
            text += (
                " The first 3 rounds were right but a long run fails: "
                + _ADA_DIAGNOSES["no_renormalize"]
            )
        raise AssertionError(text) from exc
    Xc = np.full((6, 1), 2.0)
    yc = np.array([1, -1, 1, -1, -1, 1])
    _check_ada_case(
        adaboost_fit,
        helpers,
        "adaboost_fit(X, y, 3) with a constant feature and balanced labels "
        "(every stump has error 1/2, so alpha = 0)",
        Xc,
        yc,
        3,
    )
    _check_weak_learner_worse_than_chance(adaboost_fit, helpers)
    got = _guarded("adaboost_fit", "adaboost_fit(X, y, 0)", adaboost_fit, X, y, 0)
    if got != []:
        raise AssertionError(f"adaboost_fit(X, y, 0) returned {got!r}; zero rounds give [].")


def _worse_than_chance(X, y, w) -> dict:
    """A weak learner that always returns the same stump, wrong on 4 of 5 samples."""
    pred = np.where(X[:, 0] > 3.5, -1, 1)
    error = float(np.sum(w * (pred != y)) / np.sum(w))
    return {"feature": 0, "threshold": 3.5, "polarity": -1, "error": error}


def _check_weak_learner_worse_than_chance(adaboost_fit, helpers) -> None:
    """With fit_stump (the name adaboost_fit looks up) replaced for the call by a learner of
    error 0.8 > 1/2, alpha is the formula's negative value; nothing is skipped or clipped."""
    scope = getattr(adaboost_fit, "__globals__", None)
    if not isinstance(scope, dict) or "fit_stump" not in scope:
        return  # the stump search is written inside adaboost_fit: nothing to replace
    X = np.array([[1.0], [2.0], [3.0], [4.0], [5.0]])
    y = np.array([-1, -1, 1, 1, 1])
    call = (
        "adaboost_fit(X, y, 3) with a weak learner that always returns the stump "
        "(feature 0, threshold 3.5, polarity -1), wrong on 4 of the 5 samples (error 0.8)"
    )
    original = scope["fit_stump"]
    scope["fit_stump"] = _worse_than_chance
    try:
        got = _guarded("adaboost_fit", call, adaboost_fit, X.copy(), y.copy(), 3)
    finally:
        scope["fit_stump"] = original
    got = _validate_model(call, got, 3)
    expected = None
    for _, predict in helpers:
        try:
            with _quiet():
                expected = _adaboost_fit(X, y, 3, fit=_worse_than_chance, predict=predict)
        except _HELPER_ERRORS:
            continue
        if _same_model(got, expected):
            return
    expected = _adaboost_fit(X, y, 3, fit=_worse_than_chance)
    raise AssertionError(
        f"{call}: {_first_difference(got, expected)}. A weak learner worse than chance "
        "(error > 1/2) gets the negative alpha = 0.5 * ln((1 - err) / err) of the formula "
        "(here 0.5 * ln(0.2 / 0.8) = -0.693 in round 1); do not skip the round, stop early or "
        "clip alpha at 0."
    )


# --------------------------------------------------------------------------------------
# adaboost_predict
# --------------------------------------------------------------------------------------

_ADA_PREDICT_DIAGNOSES = {
    "zero_kept": (
        "a weighted sum of exactly 0 gives 0: np.sign(0) is 0, but adaboost_predict maps a "
        "sum of 0 to +1."
    ),
    "zero_to_minus": "a weighted sum of exactly 0 gives -1: the spec maps 0 to +1.",
    "unweighted": (
        "the stumps vote with equal weight: the prediction is the sign of the ALPHA-WEIGHTED "
        "sum of the stump predictions."
    ),
}


def check_adaboost_predict(adaboost_predict, stump_predict=None) -> None:
    """Models fitted by the reference on random data and hand-made models whose weighted sum is
    exactly 0 for some samples (mapped to +1); values -1/+1 of shape (n,); inputs unmodified."""
    cases = []
    for k, (n, d, rounds) in enumerate([(30, 3, 7), (20, 2, 1), (40, 4, 12)]):
        X, y, _ = _stump_data(n, d, 800 + k, "mixed")
        model = _adaboost_fit(X, y, rounds)
        Xt = np.random.default_rng(810 + k).normal(size=(n + 5, d))
        cases.append((f"a {rounds}-round model on new X of shape {Xt.shape}", model, Xt))
    s1 = {"feature": 0, "threshold": 0.5, "polarity": 1, "error": 0.2}
    s2 = {"feature": 1, "threshold": 0.0, "polarity": -1, "error": 0.3}
    X = np.array([[1.0, 1.0], [1.0, -1.0], [0.0, 1.0], [0.0, -1.0], [2.0, 0.0]])
    cases.append(
        ("two stumps of equal alpha 0.4 (sum 0 on two samples)", [(0.4, s1), (0.4, s2)], X)
    )
    cases.append(
        (
            "stumps with alphas 0.3, 0.3 and 0.5",
            [(0.3, s1), (0.3, s2), (0.5, {**s1, "polarity": -1})],
            X,
        )
    )
    cases.append(("an alpha of 0", [(0.0, s1)], X))
    predicts = [_stump_predict]
    if stump_predict is not None:
        predicts.append(
            lambda s, a: _guarded("stump_predict", "stump_predict", stump_predict, s, a)
        )
    for text, model, Xt in cases:
        call = f"adaboost_predict(model, X) with {text}"
        model0, X0 = copy.deepcopy(model), Xt.copy()
        got = _guarded(
            "adaboost_predict",
            call,
            adaboost_predict,
            model,
            Xt,
            signature="adaboost_predict(model, X)",
        )
        got = _check_shape(call, got, len(Xt))
        _unchanged("X", call, Xt, X0)
        if model != model0:
            raise AssertionError(f"{call} modified the model: only read it.")
        ok = False
        for predict in predicts:
            try:
                with _quiet():
                    ok = ok or np.array_equal(got, _adaboost_predict(model, Xt, predict=predict))
            except AssertionError:
                pass
        if ok:
            continue
        expected = _adaboost_predict(model, Xt)
        bad = int(np.flatnonzero(got != expected)[0])
        lines = [f"{call}: sample {bad}: expected {int(expected[bad])}, got {got[bad]!r}."]
        for key, msg in _ADA_PREDICT_DIAGNOSES.items():
            if np.array_equal(got, _adaboost_predict(model, Xt, mistake=key)):
                lines.append(msg)
                break
        else:
            lines.append(
                "the prediction is +1 where sum_r alpha_r * stump_predict(stump_r, X) >= 0 and "
                "-1 where it is negative."
            )
        raise AssertionError(" ".join(lines))
