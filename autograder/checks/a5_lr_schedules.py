"""Trusted checks for assignment A5 (learning-rate schedules).

The hidden tests of ``solutions/a5_lr_schedules/a5_lr_schedules.ipynb`` call the ``check_*``
functions below with the student's function (or class). Two independent references are used:

* ``torch.optim.lr_scheduler`` driving a dummy ``torch.optim.SGD`` optimizer, stepped one step
  at a time, wherever a torch scheduler has the same semantics: ``StepLR`` (step decay and
  staircase exponential decay), ``ExponentialLR`` (continuous exponential decay),
  ``CosineAnnealingLR`` (cosine decay up to ``decay_steps``), ``CosineAnnealingWarmRestarts``
  (restarts with ``m_mul == 1`` and an integer ``t_mul``), ``LinearLR`` (linear warm-up) and
  ``ReduceLROnPlateau(mode="min", threshold_mode="rel", cooldown=0)``;
* the Keras formulas written out from the Keras documentation (``ExponentialDecay``,
  ``InverseTimeDecay``, ``CosineDecay``, ``CosineDecayRestarts``) for what torch does not
  cover: inverse time decay, cosine decay past ``decay_steps``, restarts with ``m_mul != 1`` or
  a non-integer ``t_mul``. Unlike Keras (and as the syllabus requires), the restart period is
  found by accumulating period lengths, never by a floating-point logarithm.

Contract checked on every call: ``step`` is an ``int`` (the checks also pass ``np.int64``), and
the result is a ``float``: a Python float or ``np.float64`` (a subclass of float); a NumPy
array (also 0-d), ``np.float32``, an int or None fail. Values are compared with
``rtol=RTOL`` and an absolute tolerance of ``ATOL * lr0``.

On the first problem a check raises ``AssertionError`` with a message that names the call,
the expected and the actual rate, and, when the student's numbers coincide with a known
mistake, the mistake. Known mistakes are simulated by small private "mutant" models in this
module (``mistakes=(key,)``); a model without mistakes is the Keras reference.

Public checks: ``check_<function>_...`` for each of ``step_decay``, ``exponential_decay``,
``inverse_time_decay``, ``cosine_decay``, ``cosine_decay_restarts``, ``linear_warmup`` and
``check_reduce_on_plateau_...`` for the class; ``check_<name>(obj)`` runs all of one object's.
Messages never show the reference implementation; they quote the formula only in words.
"""

from __future__ import annotations

import inspect
import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "ATOL",
    "RTOL",
    "check_cosine_decay",
    "check_cosine_decay_clipped",
    "check_cosine_decay_matches_torch",
    "check_cosine_decay_restarts",
    "check_cosine_decay_restarts_boundaries",
    "check_cosine_decay_restarts_matches_keras",
    "check_cosine_decay_restarts_matches_torch",
    "check_exponential_decay",
    "check_exponential_decay_matches_torch",
    "check_inverse_time_decay",
    "check_inverse_time_decay_matches_keras",
    "check_linear_warmup",
    "check_linear_warmup_matches_torch",
    "check_reduce_on_plateau",
    "check_reduce_on_plateau_matches_torch",
    "check_reduce_on_plateau_min_lr_eps_and_nan",
    "check_reduce_on_plateau_patience_boundary",
    "check_reduce_on_plateau_threshold_boundary",
    "check_step_decay",
    "check_step_decay_matches_torch",
]

RTOL = 1e-9
"""Relative tolerance of every comparison."""
ATOL = 1e-12
"""Absolute tolerance, in units of the initial learning rate."""

# A mutant "explains" the student's numbers when it agrees to this relative precision.
_SAME_NOISE = 1e-9
_REQUIRED = inspect.Parameter.empty
_PLATEAU_EPS = 1e-8  # torch's ReduceLROnPlateau(eps=1e-8)


# --------------------------------------------------------------------------------------
# Reference models (Keras formulas) and mutants of known mistakes
# --------------------------------------------------------------------------------------


def _step_decay_model(step, lr0, step_size, gamma=0.1, *, mistakes=()):
    if "plus_one" in mistakes:
        k = (step + 1) // step_size
    elif "minus_one" in mistakes:
        k = step // step_size - 1
    elif "no_floor" in mistakes:
        k = step / step_size
    elif "ceil" in mistakes:
        k = math.ceil(step / step_size)
    else:
        k = step // step_size
    return lr0 * gamma**k


def _exponential_decay_model(step, lr0, decay_rate, decay_steps, staircase=False, *, mistakes=()):
    if "staircase_ignored" in mistakes:
        staircase = False
    if "staircase_always" in mistakes:
        staircase = True
    p = step / decay_steps
    if "no_decay_steps" in mistakes:
        p = step
    if staircase:
        p = math.floor(p)
    if "natural_exp" in mistakes:
        return lr0 * math.exp(-decay_rate * p)
    return lr0 * decay_rate**p


def _inverse_time_decay_model(
    step, lr0, decay_rate, decay_steps=1, staircase=False, *, mistakes=()
):
    if "staircase_ignored" in mistakes:
        staircase = False
    if "no_decay_steps" in mistakes and not staircase:
        p = decay_rate * step
    elif "floor_whole_product" in mistakes:
        p = decay_rate * step / decay_steps
        p = math.floor(p) if staircase else p
    else:
        p = decay_rate * (math.floor(step / decay_steps) if staircase else step / decay_steps)
    if "exponential" in mistakes:
        return lr0 / (1 + decay_rate) ** (step / decay_steps)
    return lr0 / (1 + p)


def _cosine_decay_model(step, lr0, decay_steps, alpha=0.0, *, mistakes=()):
    if "beyond_zero" in mistakes and step > decay_steps:
        return 0.0
    s = step if "not_clipped" in mistakes else min(step, decay_steps)
    cosine = 0.5 * (1 + math.cos(math.pi * s / decay_steps))
    if "alpha_not_scaled" in mistakes:  # alpha used as torch's eta_min
        return alpha + (lr0 - alpha) * cosine
    if "alpha_no_one_minus" in mistakes:
        return lr0 * (cosine + alpha)
    if "alpha_as_floor" in mistakes:
        return max(lr0 * cosine, alpha * lr0)
    return lr0 * ((1 - alpha) * cosine + alpha)


def _restart_period(step, first_decay_steps, t_mul, *, late=False, t_mul_ignored=False):
    """(index i, start, length) of the period holding ``step``, by accumulating lengths."""
    if t_mul == 1 or t_mul_ignored:
        i = step // first_decay_steps
        if late and i > 0 and step == i * first_decay_steps:
            i -= 1
        return i, i * first_decay_steps, first_decay_steps
    start, length, i = 0, first_decay_steps, 0
    while step > start + length if late else step >= start + length:
        start += length
        length *= t_mul
        i += 1
    return i, start, length


def _keras_float_log_period(step, first_decay_steps, t_mul):
    """Keras' CosineDecayRestarts in float64: the period index from a logarithm."""
    fraction = step / first_decay_steps
    if t_mul == 1:
        i = math.floor(fraction)
        return i, fraction - i
    i = math.floor(math.log(1.0 - fraction * (1.0 - t_mul)) / math.log(t_mul))
    done = (1.0 - t_mul**i) / (1.0 - t_mul)
    return i, (fraction - done) / t_mul**i


def _cosine_decay_restarts_model(
    step, lr0, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0, *, mistakes=()
):
    if "float_log" in mistakes:
        i, f = _keras_float_log_period(step, first_decay_steps, t_mul)
    else:
        i, start, length = _restart_period(
            step,
            first_decay_steps,
            t_mul,
            late="boundary_late" in mistakes,
            t_mul_ignored="t_mul_ignored" in mistakes,
        )
        f = (step - start) / (first_decay_steps if "fraction_over_first" in mistakes else length)
    m = m_mul ** (i + 1) if "m_mul_from_one" in mistakes else m_mul**i
    cosine = 0.5 * (1 + math.cos(math.pi * f))
    if "m_mul_outside" in mistakes:
        return lr0 * m * ((1 - alpha) * cosine + alpha)
    if "alpha_not_scaled" in mistakes:  # alpha used as torch's eta_min
        return alpha + (lr0 - alpha) * m * cosine
    return lr0 * ((1 - alpha) * m * cosine + alpha)


def _linear_warmup_model(step, lr0, warmup_steps, *, mistakes=()):
    if "step_over_warmup" in mistakes:
        return lr0 * min(1.0, step / warmup_steps)
    if "no_cap" in mistakes:
        return lr0 * (step + 1) / warmup_steps
    if "linspace_from_zero" in mistakes:
        return lr0 * min(1.0, step / (warmup_steps - 1))
    return lr0 * min(1.0, (step + 1) / warmup_steps)


class _PlateauModel:
    """torch's ReduceLROnPlateau (min, rel, cooldown 0) with optional known mistakes."""

    def __init__(self, lr, factor=0.1, patience=10, threshold=1e-4, min_lr=0.0, *, mistakes=()):
        self.mistakes = frozenset(mistakes)
        self.lr, self.factor, self.patience = lr, factor, patience
        self.threshold, self.min_lr = threshold, min_lr
        self.best = None if "first_sets_best" in self.mistakes else math.inf
        self.bad = 0

    def _better(self, metric) -> bool:
        if self.best is None:
            return True
        has = self.mistakes.__contains__
        if has("nan_is_better"):
            return not metric >= self.best * (1 - self.threshold)
        if has("absolute_threshold"):
            return metric < self.best - self.threshold
        if has("no_threshold"):
            return metric < self.best
        if has("better_le"):
            return metric <= self.best * (1 - self.threshold)
        return metric < self.best * (1 - self.threshold)

    def step(self, metric):
        has = self.mistakes.__contains__
        old = self.lr
        if self._better(metric):
            self.best = metric
            self.bad = 0
        else:
            self.bad += 1
        if has("best_tracks_min") and metric < self.best:
            self.best = metric
        if self.bad >= self.patience if has("patience_ge") else self.bad > self.patience:
            new = (
                self.lr * self.factor
                if has("min_lr_ignored")
                else max(self.lr * self.factor, self.min_lr)
            )
            if has("no_eps") or self.lr - new > _PLATEAU_EPS:
                self.lr = new
            if not has("no_reset_after_reduce"):
                self.bad = 0
        return old if has("returns_old_lr") else self.lr


# --------------------------------------------------------------------------------------
# The functions of the contract and their known mistakes
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Spec:
    """One function of the contract."""

    name: str
    params: tuple[tuple[str, Any], ...]  # (name, default or _REQUIRED), ``step`` first
    model: Callable[..., float]
    diagnoses: dict[str, str] = field(default_factory=dict)

    def signature(self) -> str:
        args = [k if v is _REQUIRED else f"{k}={v!r}" for k, v in self.params]
        return f"{self.name}({', '.join(args)})"

    @property
    def required(self) -> list[str]:
        return [k for k, v in self.params if v is _REQUIRED and k != "step"]

    @property
    def defaults(self) -> dict[str, Any]:
        return {k: v for k, v in self.params if v is not _REQUIRED}


_STEP_DECAY = _Spec(
    "step_decay",
    (("step", _REQUIRED), ("lr0", _REQUIRED), ("step_size", _REQUIRED), ("gamma", 0.1)),
    _step_decay_model,
    {
        "plus_one": (
            "step decay one step early: you use (step + 1) // step_size, so the rate drops at "
            "step step_size - 1; StepLR keeps lr0 for steps 0 .. step_size - 1 and first "
            "multiplies by gamma AT step step_size (exponent step // step_size)."
        ),
        "minus_one": (
            "step decay exponent off by one: you use step // step_size - 1, so step 0 gets "
            "lr0 / gamma; the exponent is step // step_size (0 for the first step_size steps)."
        ),
        "no_floor": (
            "floor division missing: gamma ** (step / step_size) decays smoothly at every step; "
            "step decay uses the integer division step // step_size (a staircase)."
        ),
        "ceil": (
            "rounded up instead of down: the exponent is step // step_size (floor), "
            "not ceil(step / step_size)."
        ),
    },
)

_EXPONENTIAL_DECAY = _Spec(
    "exponential_decay",
    (
        ("step", _REQUIRED),
        ("lr0", _REQUIRED),
        ("decay_rate", _REQUIRED),
        ("decay_steps", _REQUIRED),
        ("staircase", False),
    ),
    _exponential_decay_model,
    {
        "staircase_ignored": (
            "staircase ignored: with staircase=True the exponent is the integer division "
            "step // decay_steps (floor), so the rate is constant within each block of "
            "decay_steps steps."
        ),
        "staircase_always": (
            "floor applied although staircase=False: without staircase the exponent is "
            "step / decay_steps (a true division) and the rate decays at every step."
        ),
        "no_decay_steps": (
            "decay_steps ignored: the exponent is step / decay_steps, so the rate is multiplied "
            "by decay_rate once every decay_steps steps, not at every step."
        ),
        "natural_exp": (
            "natural exponential used: Keras' ExponentialDecay is lr0 * decay_rate ** "
            "(step / decay_steps), not lr0 * exp(-decay_rate * step / decay_steps)."
        ),
    },
)

_INVERSE_TIME_DECAY = _Spec(
    "inverse_time_decay",
    (
        ("step", _REQUIRED),
        ("lr0", _REQUIRED),
        ("decay_rate", _REQUIRED),
        ("decay_steps", 1),
        ("staircase", False),
    ),
    _inverse_time_decay_model,
    {
        "no_decay_steps": (
            "decay_steps ignored: the rate is lr0 / (1 + decay_rate * step / decay_steps); "
            "you use decay_rate * step without dividing by decay_steps."
        ),
        "staircase_ignored": (
            "staircase ignored: with staircase=True the rate is "
            "lr0 / (1 + decay_rate * floor(step / decay_steps))."
        ),
        "floor_whole_product": (
            "floor applied to the whole product: with staircase=True Keras floors only "
            "step / decay_steps, i.e. lr0 / (1 + decay_rate * floor(step / decay_steps)), not "
            "floor(decay_rate * step / decay_steps)."
        ),
        "exponential": (
            "this is an exponential decay: inverse time decay divides lr0 by "
            "1 + decay_rate * step / decay_steps (linear in the step), not by a power."
        ),
    },
)

_COSINE_DECAY = _Spec(
    "cosine_decay",
    (("step", _REQUIRED), ("lr0", _REQUIRED), ("decay_steps", _REQUIRED), ("alpha", 0.0)),
    _cosine_decay_model,
    {
        "not_clipped": (
            "step not clipped at decay_steps: past decay_steps the cosine swings back up; "
            "Keras uses min(step, decay_steps), so the rate stays at alpha * lr0."
        ),
        "beyond_zero": (
            "past decay_steps the rate must stay at alpha * lr0 (the value at step decay_steps, "
            "because the step is clipped with min(step, decay_steps)), not drop to 0."
        ),
        "alpha_not_scaled": (
            "alpha added as an absolute rate: alpha is a FRACTION of lr0, the rate is "
            "lr0 * ((1 - alpha) * cosine + alpha); you use alpha itself as the final rate "
            "(torch's eta_min corresponds to alpha * lr0)."
        ),
        "alpha_no_one_minus": (
            "the cosine part is not scaled by (1 - alpha): the rate is "
            "lr0 * ((1 - alpha) * cosine + alpha), which starts at lr0 and ends at alpha * lr0."
        ),
        "alpha_as_floor": (
            "alpha used as a floor: the rate is lr0 * ((1 - alpha) * cosine + alpha), a cosine "
            "squeezed between alpha * lr0 and lr0, not max(lr0 * cosine, alpha * lr0)."
        ),
    },
)

_CONCLUSION_RESTARTS = (
    "find the period by accumulating period lengths (start = 0, length = first_decay_steps; "
    "while step >= start + length: start += length; length *= t_mul), not with a "
    "floating-point logarithm."
)

_COSINE_DECAY_RESTARTS = _Spec(
    "cosine_decay_restarts",
    (
        ("step", _REQUIRED),
        ("lr0", _REQUIRED),
        ("first_decay_steps", _REQUIRED),
        ("t_mul", 2.0),
        ("m_mul", 1.0),
        ("alpha", 0.0),
    ),
    _cosine_decay_restarts_model,
    {
        "float_log": (
            "period found with a floating-point logarithm: floor(log(1 + step / "
            "first_decay_steps * (t_mul - 1)) / log(t_mul)) comes out one period short at some "
            "restart steps (the log lands just below an integer), so the schedule ends the old "
            "period at f = 1 instead of restarting; " + _CONCLUSION_RESTARTS
        ),
        "boundary_late": (
            "restart one step late: a new period starts AT the step where the last one ends "
            "(step == start + length belongs to the new period, f = 0); use >= (not >) when "
            "you move on to the next period."
        ),
        "m_mul_outside": (
            "m_mul also scales alpha: the rate is lr0 * ((1 - alpha) * 0.5 * m_mul**i * "
            "(1 + cos(pi * f)) + alpha); the floor alpha * lr0 is the same in every period."
        ),
        "m_mul_from_one": (
            "m_mul exponent off by one: the first period (i = 0) has the full height "
            "(m_mul ** 0 = 1); period i is scaled by m_mul ** i."
        ),
        "t_mul_ignored": (
            "t_mul ignored: every period lasts first_decay_steps steps in your schedule, but "
            "period i lasts first_decay_steps * t_mul ** i steps."
        ),
        "fraction_over_first": (
            "fraction f computed with the wrong length: f = (step - start) / length with the "
            "length of the CURRENT period (first_decay_steps * t_mul ** i), not divided by "
            "first_decay_steps."
        ),
        "alpha_not_scaled": (
            "alpha added as an absolute rate: alpha is a FRACTION of lr0, the rate is "
            "lr0 * ((1 - alpha) * 0.5 * m_mul**i * (1 + cos(pi * f)) + alpha)."
        ),
    },
)

_LINEAR_WARMUP = _Spec(
    "linear_warmup",
    (("step", _REQUIRED), ("lr0", _REQUIRED), ("warmup_steps", _REQUIRED)),
    _linear_warmup_model,
    {
        "step_over_warmup": (
            "warm-up starts at 0: you use step / warmup_steps, so step 0 gets rate 0 (a wasted "
            "step) and lr0 is reached one step late; the factor is min(1, (step + 1) / "
            "warmup_steps), so step 0 already gets lr0 / warmup_steps."
        ),
        "no_cap": (
            "no cap at lr0: after warmup_steps steps the rate must stay at lr0, "
            "lr0 * min(1, (step + 1) / warmup_steps); yours keeps growing."
        ),
        "linspace_from_zero": (
            "warm-up from 0 to lr0 over steps 0 .. warmup_steps - 1 (like np.linspace(0, lr0, "
            "warmup_steps)): the factor is min(1, (step + 1) / warmup_steps), so step 0 gets "
            "lr0 / warmup_steps, not 0."
        ),
    },
)

_SPECS = {
    s.name: s
    for s in (
        _STEP_DECAY,
        _EXPONENTIAL_DECAY,
        _INVERSE_TIME_DECAY,
        _COSINE_DECAY,
        _COSINE_DECAY_RESTARTS,
        _LINEAR_WARMUP,
    )
}

_PLATEAU_PARAMS = (
    ("lr", _REQUIRED),
    ("factor", 0.1),
    ("patience", 10),
    ("threshold", 1e-4),
    ("min_lr", 0.0),
)

_PLATEAU_DIAGNOSES = {
    "patience_ge": (
        "patience off by one: the rate is reduced after MORE than patience bad steps in a "
        "row (bad > patience), not as soon as there are patience of them (>=)."
    ),
    "better_le": (
        "a metric equal to best * (1 - threshold) counted as better: better means strictly "
        "metric < best * (1 - threshold) (use <, not <=)."
    ),
    "absolute_threshold": (
        "absolute threshold used: in threshold mode 'rel' a metric is better when "
        "metric < best * (1 - threshold), a relative improvement, not metric < best - threshold."
    ),
    "no_threshold": (
        "threshold ignored: a metric is better only when metric < best * (1 - threshold); "
        "a tiny improvement below the threshold is a bad step."
    ),
    "no_reset_after_reduce": (
        "bad count not reset after a reduction: after reducing the rate the count of bad steps "
        "starts again from 0, so the next reduction needs another patience + 1 bad steps."
    ),
    "min_lr_ignored": (
        "min_lr ignored: the new rate is max(lr * factor, min_lr), never below min_lr."
    ),
    "no_eps": (
        "the 1e-8 rule is missing: the rate changes only when the reduction is larger than "
        "1e-8 (old - new > 1e-8); otherwise it stays as it is."
    ),
    "returns_old_lr": (
        "step returns the rate from BEFORE this step's reduction: return the learning rate "
        "after seeing the metric (the reduced one when this step reduced it)."
    ),
    "first_sets_best": (
        "the first metric is always taken as the best: best starts at +inf and the first "
        "metric is compared like any other, so a NaN (or inf) first metric is a bad step and "
        "does not become the best."
    ),
    "nan_is_better": (
        "a NaN metric counted as an improvement: every comparison with NaN is False, so "
        "metric < best * (1 - threshold) is False and a NaN metric is a bad step (write the "
        "test exactly as metric < best * (1 - threshold), not as not (metric >= ...))."
    ),
    "best_tracks_min": (
        "best updated by every smaller metric: best changes only when the metric is better "
        "by the threshold (metric < best * (1 - threshold)), together with resetting the bad "
        "count; smaller values that are not better by the threshold leave best alone."
    ),
}


# --------------------------------------------------------------------------------------
# torch oracles
# --------------------------------------------------------------------------------------


def _torch_rates(factory: Callable, lr0: float, last_step: int) -> list[float]:
    """Learning rates at steps 0 .. last_step of ``factory(optimizer)``, stepped one at a time."""
    import torch

    param = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([param], lr=lr0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sched = factory(opt)
        rates = [float(opt.param_groups[0]["lr"])]
        for _ in range(last_step):
            opt.step()
            sched.step()
            rates.append(float(opt.param_groups[0]["lr"]))
    return rates


def _lr_scheduler():
    import torch.optim.lr_scheduler as lr_scheduler

    return lr_scheduler


def _torch_plateau(kwargs: dict[str, Any], metrics: Sequence[float]) -> list[float]:
    """Rates after each metric of torch's ReduceLROnPlateau (min, rel, cooldown 0)."""
    import torch

    full = {**dict(_PLATEAU_PARAMS), **kwargs}
    param = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([param], lr=full["lr"])
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(
        opt,
        mode="min",
        factor=full["factor"],
        patience=full["patience"],
        threshold=full["threshold"],
        threshold_mode="rel",
        cooldown=0,
        min_lr=full["min_lr"],
        eps=_PLATEAU_EPS,
    )
    out = []
    for m in metrics:
        sched.step(m)
        out.append(float(opt.param_groups[0]["lr"]))
    return out


# --------------------------------------------------------------------------------------
# Calling the student's code
# --------------------------------------------------------------------------------------


def _fmt(x) -> str:
    if isinstance(x, (float, np.floating)):
        return repr(float(x))
    return repr(x)


def _call_text(name: str, spec_params, step: str | None, kwargs: dict[str, Any]) -> str:
    """``name(step, req1, req2, opt=value)`` as the checks call it (``step`` already text)."""
    required = [k for k, v in spec_params if v is _REQUIRED and k != "step"]
    args = [] if step is None else [step]
    args += [_fmt(kwargs[k]) for k in required if k in kwargs]
    args += [f"{k}={_fmt(v)}" for k, v in kwargs.items() if k not in required]
    return f"{name}({', '.join(args)})"


def _short(exc: BaseException, limit: int = 400) -> str:
    text = str(exc)
    return text if len(text) <= limit else text[:limit] + " ..."


def _guarded(what: str, call: str, fn: Callable, *args, signature: str | None = None, **kwargs):
    """Call ``fn``; turn an exception into an AssertionError that names the call."""
    try:
        return fn(*args, **kwargs)
    except NotImplementedError as exc:
        raise AssertionError(
            f"{what} is not implemented yet: {call} raised NotImplementedError. Replace the "
            "`raise NotImplementedError()` lines of the solution cell with your code."
        ) from exc
    except Exception as exc:
        msg = f"{call} raised {type(exc).__name__}: {_short(exc)}"
        if signature and isinstance(exc, TypeError) and "argument" in str(exc):
            msg += f"\nThe signature is fixed by the assignment: {signature}."
        raise AssertionError(msg) from exc


def _check_float(call: str, out) -> float:
    """The result must be a float (Python float or np.float64)."""
    if out is None:
        raise AssertionError(
            f"{call} returned None: return the learning rate (did you forget `return`?)."
        )
    if isinstance(out, bool) or not isinstance(out, float):
        kind = type(out).__module__ + "." + type(out).__name__
        kind = kind.removeprefix("builtins.")
        extra = ""
        if isinstance(out, np.ndarray):
            extra = (
                f" of shape {out.shape} (np.where and np.array return arrays even for scalar "
                "inputs)"
            )
        raise AssertionError(
            f"{call} returned a {kind}{extra}; a schedule must return a float (a Python float "
            "or np.float64): convert with float(...)."
        )
    return float(out)


def _close(got: float, expected: float, lr0: float) -> bool:
    if math.isnan(expected) or math.isnan(got):
        return math.isnan(expected) and math.isnan(got)
    return math.isclose(got, expected, rel_tol=RTOL, abs_tol=ATOL * abs(lr0))


def _deviation(got: Sequence[float], other: Sequence[float] | None, lr0: float) -> float:
    """Largest relative difference between two rate sequences (inf if one is missing)."""
    if other is None or len(got) != len(other):
        return math.inf
    worst = 0.0
    floor = ATOL * abs(lr0) or 1e-300
    for a, b in zip(got, other, strict=True):
        if math.isnan(a) and math.isnan(b):
            continue
        if not (math.isfinite(a) and math.isfinite(b)):
            if a == b:
                continue
            return math.inf
        worst = max(worst, abs(a - b) / max(abs(b), floor))
    return worst


def _is_explained(dev_mutant: float, dev_oracle: float) -> bool:
    """A mutant explains the student's numbers when it is far closer to them than the oracle."""
    return dev_mutant <= max(_SAME_NOISE, 1e-4 * dev_oracle)


def _equal_default(a, b) -> bool:
    try:
        return (
            type(a) is type(b)
            and a == b
            or (
                isinstance(a, (int, float))
                and isinstance(b, (int, float))
                and not isinstance(a, bool)
                and not isinstance(b, bool)
                and a == b
            )
        )
    except Exception:
        return False


def _check_signature(name: str, params, obj, what: str = "function") -> None:
    """Parameter names in the contract's order, with the contract's defaults."""
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return
    signature = f"{name}({', '.join(k if v is _REQUIRED else f'{k}={v!r}' for k, v in params)})"
    got = [
        p
        for p in sig.parameters.values()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    ]
    names = [p.name for p in got]
    wanted = [k for k, _ in params]
    if names[: len(wanted)] != wanted:
        raise AssertionError(
            f"the {what} {name} has the parameters ({', '.join(names)}), but the signature is "
            f"fixed by the assignment: {signature} (same names, same order)."
        )
    for p, (k, default) in zip(got, params, strict=False):
        if default is _REQUIRED:
            continue
        if p.default is inspect.Parameter.empty:
            raise AssertionError(
                f"`{k}` of {name} has no default; the assignment gives it the default "
                f"{default!r}: {signature}."
            )
        if not _equal_default(p.default, default):
            raise AssertionError(
                f"the default of `{k}` in {name} is {p.default!r}, but the assignment uses "
                f"{default!r}: {signature}."
            )
    extra = [p.name for p in got[len(wanted) :] if p.default is inspect.Parameter.empty]
    if extra:
        raise AssertionError(
            f"{name} has extra required parameter(s) {extra}; the signature is fixed by the "
            f"assignment: {signature}."
        )


# --------------------------------------------------------------------------------------
# Schedules: cases, comparison, messages
# --------------------------------------------------------------------------------------


@dataclass
class _Case:
    """The student's function at ``steps`` with fixed arguments, against ``expected``."""

    kwargs: dict[str, Any]  # every argument except step (optional ones may be left out)
    steps: list[int]
    oracle: str  # where the expected numbers come from, in words
    expected: list[float]
    int64: bool = False  # pass steps as np.int64
    note: str = ""  # what the case is about


def _student_rates(spec: _Spec, fn, case: _Case) -> list[float]:
    req = [case.kwargs[k] for k in spec.required]
    opt = {k: v for k, v in case.kwargs.items() if k not in spec.required}
    out = []
    for s in case.steps:
        step = np.int64(s) if case.int64 else int(s)
        call = _call_text(spec.name, spec.params, str(s), case.kwargs)
        if case.int64:
            call += " (step given as np.int64)"
        value = _guarded(spec.name, call, fn, step, *req, signature=spec.signature(), **opt)
        out.append(_check_float(call, value))
    return out


def _model_rates(spec: _Spec, kwargs, steps, mistakes=()) -> list[float] | None:
    full = {**spec.defaults, **kwargs}
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return [float(spec.model(s, **full, mistakes=mistakes)) for s in steps]
    except Exception:
        return None


def _diagnose(
    spec: _Spec, case: _Case, got: list[float], others: Sequence[tuple[_Case, list[float]]] = ()
) -> str | None:
    """Name the known mistake that explains the student's rates.

    ``others`` are further (case, rates) pairs of the same check: a mistake must explain all of
    them, which tells apart mistakes that coincide on the failing case alone.
    """
    # Cases the student gets right say nothing about a mistake that only some settings show.
    pairs = [(case, got)] + [
        (c, g)
        for c, g in others
        if not all(_close(x, e, c.kwargs["lr0"]) for x, e in zip(g, c.expected, strict=True))
    ]

    def dev(rates_of: Callable[[_Case], list[float] | None], which) -> float:
        return max(_deviation(g, rates_of(c), c.kwargs["lr0"]) for c, g in which)

    dev_oracle = dev(lambda c: c.expected, pairs)
    best_key, best_dev = None, math.inf
    for key in spec.diagnoses:
        d = dev(lambda c, k=key: _model_rates(spec, c.kwargs, c.steps, (k,)), pairs)
        if d < best_dev:
            best_key, best_dev = key, d
    if best_key is not None and _is_explained(best_dev, dev_oracle):
        return spec.diagnoses[best_key]
    # One argument ignored (as if it had its default, or the other truth value)?
    dev_case = _deviation(got, case.expected, case.kwargs["lr0"])
    for name, value in case.kwargs.items():
        if name == "lr0":
            continue
        default = spec.defaults.get(name, _REQUIRED)
        candidates = [not value] if isinstance(value, bool) else []
        if default is not _REQUIRED and not _equal_default(default, value):
            candidates.append(default)
        for alt in candidates:
            rates = _model_rates(spec, {**case.kwargs, name: alt}, case.steps)
            if _is_explained(_deviation(got, rates, case.kwargs["lr0"]), dev_case):
                return (
                    f"your {spec.name} behaves as if {name}={alt!r}: it ignores the "
                    f"{name}={value!r} it was given."
                )
    return None


def _other_results(spec: _Spec, fn, cases: Sequence[_Case], skip: _Case):
    """(case, rates) for the cases other than ``skip`` that run without an error."""
    out = []
    for c in cases:
        if c is skip:
            continue
        try:
            out.append((c, _student_rates(spec, fn, c)))
        except AssertionError:
            continue
    return out


def _steps_text(steps: Sequence[int]) -> str:
    steps = list(steps)
    if len(steps) == 1:
        return f"step {steps[0]}"
    if len(steps) > 3 and steps == list(range(steps[0], steps[0] + len(steps))):
        return f"steps {steps[0]} .. {steps[-1]}"
    if len(steps) > 8:
        return "steps " + ", ".join(map(str, steps[:6])) + f", ... ({len(steps)} steps)"
    return "steps " + ", ".join(map(str, steps))


def _mismatch_message(spec: _Spec, case: _Case, got: list[float], diagnosis) -> str:
    lr0 = case.kwargs["lr0"]
    bad = [
        (s, e, g)
        for s, e, g in zip(case.steps, case.expected, got, strict=True)
        if not _close(g, e, lr0)
    ]
    s0, e0, g0 = bad[0]
    call = _call_text(spec.name, spec.params, "step", case.kwargs)
    first = case.steps.index(s0)
    matched = "" if first == 0 else f"; {_steps_text(case.steps[:first])} matched"
    lines = [
        f"{call} at {_steps_text(case.steps)}, compared with {case.oracle} "
        f"(rtol={RTOL:g}, atol={ATOL:g} * lr0):",
        f"step {s0}: expected {e0!r}, got {g0!r}{matched}.",
    ]
    if case.note:
        lines.insert(1, case.note)
    if len(bad) > 1:
        more = ", ".join(f"step {s}: expected {e!r}, got {g!r}" for s, e, g in bad[1:4])
        lines.append(f"{len(bad)} of {len(case.steps)} steps differ, e.g. {more}.")
    if diagnosis:
        lines.append(f"Diagnosis: {diagnosis}")
    elif not all(math.isfinite(g) for g in got):
        lines.append("Your rates contain NaN or inf: look for a division by zero.")
    return "\n".join(lines)


def _check_cases(
    spec: _Spec,
    fn,
    cases: Sequence[_Case],
    *,
    signature: bool = False,
    hint: Callable[[_Case, list[float]], str | None] | None = None,
) -> None:
    """Compare the student's function with the expected rates, case by case.

    On the first mismatch the diagnosis looks at every case of the check; ``hint`` may add
    a check-specific diagnosis when no known mistake explains the numbers.
    """
    if signature:
        _check_signature(spec.name, spec.params, fn)
    for case in cases:
        got = _student_rates(spec, fn, case)
        lr0 = case.kwargs["lr0"]
        if all(_close(g, e, lr0) for g, e in zip(got, case.expected, strict=True)):
            continue
        diagnosis = _diagnose(spec, case, got, _other_results(spec, fn, cases, case))
        if diagnosis is None and hint is not None:
            diagnosis = hint(case, got)
        raise AssertionError(_mismatch_message(spec, case, got, diagnosis))


def _torch_case(
    kwargs, last_step, oracle_text, factory, *, first=0, every=1, int64=False, note=""
) -> _Case:
    rates = _torch_rates(factory, kwargs["lr0"], last_step)
    steps = list(range(first, last_step + 1, every))
    return _Case(kwargs, steps, oracle_text, [rates[s] for s in steps], int64=int64, note=note)


def _keras_case(spec: _Spec, kwargs, steps, oracle_text, *, int64=False, note="") -> _Case:
    steps = list(steps)
    expected = _model_rates(spec, kwargs, steps)
    assert expected is not None
    return _Case(kwargs, steps, oracle_text, expected, int64=int64, note=note)


# --------------------------------------------------------------------------------------
# step_decay
# --------------------------------------------------------------------------------------


def _step_lr_case(kwargs, last_step, *, int64=False) -> _Case:
    step_size, gamma = kwargs["step_size"], kwargs.get("gamma", 0.1)
    return _torch_case(
        kwargs,
        last_step,
        f"torch StepLR(step_size={step_size}, gamma={gamma})",
        lambda opt: _lr_scheduler().StepLR(opt, step_size=step_size, gamma=gamma),
        int64=int64,
    )


def check_step_decay_matches_torch(step_decay) -> None:
    """step_decay equals torch's StepLR at every step, for several settings (default gamma too)."""
    cases = [
        _step_lr_case({"lr0": 0.1, "step_size": 30, "gamma": 0.1}, 150),
        _step_lr_case({"lr0": 1.0, "step_size": 1, "gamma": 0.5}, 40),
        _step_lr_case({"lr0": 0.05, "step_size": 7, "gamma": 0.9}, 100, int64=True),
        _step_lr_case({"lr0": 0.3, "step_size": 10}, 60),
    ]
    _check_cases(_STEP_DECAY, step_decay, cases, signature=True)


def check_step_decay(step_decay) -> None:
    """Every check of step_decay."""
    check_step_decay_matches_torch(step_decay)


# --------------------------------------------------------------------------------------
# exponential_decay
# --------------------------------------------------------------------------------------


def _exponential_case(kwargs, last_step, *, int64=False) -> _Case:
    rate, steps = kwargs["decay_rate"], kwargs["decay_steps"]
    if kwargs.get("staircase", False):
        text = f"torch StepLR(step_size={steps}, gamma={rate}) (= Keras' staircase formula)"

        def factory(opt):
            return _lr_scheduler().StepLR(opt, step_size=steps, gamma=rate)

    else:
        gamma = rate ** (1 / steps)
        text = f"torch ExponentialLR(gamma=decay_rate ** (1 / decay_steps) = {gamma!r})"

        def factory(opt):
            return _lr_scheduler().ExponentialLR(opt, gamma=gamma)

    return _torch_case(kwargs, last_step, text, factory, int64=int64)


def check_exponential_decay_matches_torch(exponential_decay) -> None:
    """exponential_decay equals torch's ExponentialLR (continuous) and StepLR (staircase)."""
    cases = [
        _exponential_case({"lr0": 0.1, "decay_rate": 0.96, "decay_steps": 10}, 200),
        _exponential_case(
            {"lr0": 1.0, "decay_rate": 0.5, "decay_steps": 1, "staircase": False}, 60
        ),
        _exponential_case(
            {"lr0": 0.1, "decay_rate": 0.5, "decay_steps": 7, "staircase": True}, 100
        ),
        _exponential_case(
            {"lr0": 0.01, "decay_rate": 0.9, "decay_steps": 25, "staircase": True},
            200,
            int64=True,
        ),
        _exponential_case(
            {"lr0": 0.2, "decay_rate": 0.8, "decay_steps": 4, "staircase": False}, 80, int64=True
        ),
    ]
    _check_cases(_EXPONENTIAL_DECAY, exponential_decay, cases, signature=True)


def check_exponential_decay(exponential_decay) -> None:
    """Every check of exponential_decay."""
    check_exponential_decay_matches_torch(exponential_decay)


# --------------------------------------------------------------------------------------
# inverse_time_decay
# --------------------------------------------------------------------------------------

_KERAS_INVERSE = "Keras' InverseTimeDecay formula"


def check_inverse_time_decay_matches_keras(inverse_time_decay) -> None:
    """inverse_time_decay equals Keras' InverseTimeDecay, continuous and staircase."""
    spec = _INVERSE_TIME_DECAY
    cases = [
        _keras_case(
            spec, {"lr0": 0.1, "decay_rate": 0.5, "decay_steps": 10}, range(201), _KERAS_INVERSE
        ),
        _keras_case(spec, {"lr0": 1.0, "decay_rate": 2.0}, range(51), _KERAS_INVERSE),
        _keras_case(
            spec,
            {"lr0": 0.1, "decay_rate": 0.5, "decay_steps": 10, "staircase": True},
            range(101),
            _KERAS_INVERSE,
            int64=True,
        ),
        _keras_case(
            spec,
            {"lr0": 0.5, "decay_rate": 1.5, "decay_steps": 3, "staircase": True},
            range(61),
            _KERAS_INVERSE,
        ),
        _keras_case(
            spec,
            {"lr0": 0.05, "decay_rate": 0.1, "decay_steps": 7, "staircase": False},
            range(0, 5001, 50),
            _KERAS_INVERSE,
            int64=True,
        ),
    ]
    _check_cases(spec, inverse_time_decay, cases, signature=True)


def check_inverse_time_decay(inverse_time_decay) -> None:
    """Every check of inverse_time_decay."""
    check_inverse_time_decay_matches_keras(inverse_time_decay)


# --------------------------------------------------------------------------------------
# cosine_decay
# --------------------------------------------------------------------------------------


def _cosine_annealing_case(kwargs, *, int64=False) -> _Case:
    decay_steps, lr0 = kwargs["decay_steps"], kwargs["lr0"]
    eta_min = kwargs.get("alpha", 0.0) * lr0
    return _torch_case(
        kwargs,
        decay_steps,
        f"torch CosineAnnealingLR(T_max=decay_steps={decay_steps}, eta_min=alpha * lr0={eta_min!r})",
        lambda opt: _lr_scheduler().CosineAnnealingLR(opt, T_max=decay_steps, eta_min=eta_min),
        int64=int64,
    )


def check_cosine_decay_matches_torch(cosine_decay) -> None:
    """cosine_decay equals torch's CosineAnnealingLR(eta_min=alpha * lr0) up to decay_steps."""
    cases = [
        _cosine_annealing_case({"lr0": 0.1, "decay_steps": 100}),
        _cosine_annealing_case({"lr0": 1.0, "decay_steps": 37, "alpha": 0.1}),
        _cosine_annealing_case({"lr0": 0.05, "decay_steps": 1, "alpha": 0.0}),
        _cosine_annealing_case({"lr0": 0.3, "decay_steps": 250, "alpha": 0.5}, int64=True),
    ]
    _check_cases(_COSINE_DECAY, cosine_decay, cases, signature=True)


def check_cosine_decay_clipped(cosine_decay) -> None:
    """Past decay_steps cosine_decay stays at alpha * lr0 (Keras clips the step)."""
    spec = _COSINE_DECAY
    text = "Keras' CosineDecay formula (step clipped with min(step, decay_steps))"
    note = "Past decay_steps the rate must stay at its final value alpha * lr0."
    cases = [
        _keras_case(
            spec,
            {"lr0": 0.1, "decay_steps": 100, "alpha": 0.0},
            [*range(95, 301), 10**6],
            text,
            note=note,
        ),
        _keras_case(
            spec,
            {"lr0": 1.0, "decay_steps": 37, "alpha": 0.1},
            [*range(30, 121), 10**6],
            text,
            int64=True,
            note=note,
        ),
        _keras_case(
            spec, {"lr0": 0.05, "decay_steps": 1, "alpha": 0.25}, range(11), text, note=note
        ),
    ]
    _check_cases(spec, cosine_decay, cases)


def check_cosine_decay(cosine_decay) -> None:
    """Every check of cosine_decay."""
    check_cosine_decay_matches_torch(cosine_decay)
    check_cosine_decay_clipped(cosine_decay)


# --------------------------------------------------------------------------------------
# cosine_decay_restarts
# --------------------------------------------------------------------------------------


def _warm_restarts_case(kwargs, last_step, *, int64=False) -> _Case:
    lr0, t0 = kwargs["lr0"], kwargs["first_decay_steps"]
    t_mul = int(kwargs.get("t_mul", 2.0))
    eta_min = kwargs.get("alpha", 0.0) * lr0
    return _torch_case(
        kwargs,
        last_step,
        f"torch CosineAnnealingWarmRestarts(T_0={t0}, T_mult={t_mul}, eta_min=alpha * lr0="
        f"{eta_min!r}) stepped one step at a time",
        lambda opt: _lr_scheduler().CosineAnnealingWarmRestarts(
            opt, T_0=t0, T_mult=t_mul, eta_min=eta_min
        ),
        int64=int64,
    )


def check_cosine_decay_restarts_matches_torch(cosine_decay_restarts) -> None:
    """With m_mul == 1 and an integer t_mul, equal to torch's CosineAnnealingWarmRestarts."""
    cases = [
        _warm_restarts_case({"lr0": 0.1, "first_decay_steps": 10}, 400),
        _warm_restarts_case(
            {"lr0": 1.0, "first_decay_steps": 7, "t_mul": 1.0, "m_mul": 1.0, "alpha": 0.0}, 100
        ),
        _warm_restarts_case({"lr0": 0.05, "first_decay_steps": 5, "t_mul": 3.0, "alpha": 0.1}, 300),
        _warm_restarts_case({"lr0": 0.2, "first_decay_steps": 3, "t_mul": 4.0}, 300),
        _warm_restarts_case(
            {"lr0": 0.3, "first_decay_steps": 1, "t_mul": 2.0, "alpha": 0.2}, 200, int64=True
        ),
    ]
    _check_cases(_COSINE_DECAY_RESTARTS, cosine_decay_restarts, cases, signature=True)


_KERAS_RESTARTS = "Keras' CosineDecayRestarts formula (periods found by accumulating lengths)"


def check_cosine_decay_restarts_matches_keras(cosine_decay_restarts) -> None:
    """m_mul != 1, alpha > 0 and fractional t_mul (1.25, 1.5, 2.5), against the Keras formula."""
    spec = _COSINE_DECAY_RESTARTS
    rows = [
        ({"lr0": 0.1, "first_decay_steps": 10, "t_mul": 2.0, "m_mul": 0.5, "alpha": 0.0}, 400),
        ({"lr0": 1.0, "first_decay_steps": 8, "t_mul": 1.5, "m_mul": 0.8, "alpha": 0.1}, 300),
        ({"lr0": 0.5, "first_decay_steps": 6, "t_mul": 2.5, "m_mul": 1.0, "alpha": 0.05}, 300),
        ({"lr0": 0.2, "first_decay_steps": 20, "t_mul": 1.0, "m_mul": 0.9, "alpha": 0.2}, 200),
        ({"lr0": 0.1, "first_decay_steps": 4, "t_mul": 1.25, "m_mul": 0.7, "alpha": 0.0}, 200),
    ]
    cases = [
        _keras_case(spec, kw, range(last + 1), _KERAS_RESTARTS, int64=i == 3)
        for i, (kw, last) in enumerate(rows)
    ]
    _check_cases(spec, cosine_decay_restarts, cases)


# (arguments, restart steps) with all period lengths exact in floating point. The Keras
# formula in float64, floor(log(1 - f * (1 - t_mul)) / log(t_mul)) with f = step /
# first_decay_steps, lands one period short at steps 61 (t_mul 1.25), 211 (1.5), 1210 (3) and
# 111 (10); so do math.log(x, t_mul), np.log and log1p; log2 does at 1031 (2.5), log10 at 61
# and 31 (5). Steps 10, 30, 70, 7, 14, 700 and 16 catch a restart that comes one step late.
_BOUNDARY_ROWS = [
    ({"lr0": 1.0, "first_decay_steps": 10, "t_mul": 2.0, "m_mul": 1.0, "alpha": 0.0}, [10, 30, 70]),
    ({"lr0": 1.0, "first_decay_steps": 7, "t_mul": 1.0, "m_mul": 0.5, "alpha": 0.0}, [7, 14, 700]),
    ({"lr0": 1.0, "first_decay_steps": 16, "t_mul": 1.25, "m_mul": 1.0, "alpha": 0.0}, [16, 61]),
    ({"lr0": 1.0, "first_decay_steps": 16, "t_mul": 1.5, "m_mul": 1.0, "alpha": 0.0}, [211]),
    ({"lr0": 0.1, "first_decay_steps": 16, "t_mul": 2.5, "m_mul": 1.0, "alpha": 0.0}, [1031]),
    ({"lr0": 1.0, "first_decay_steps": 10, "t_mul": 3.0, "m_mul": 0.5, "alpha": 0.1}, [1210]),
    ({"lr0": 0.5, "first_decay_steps": 1, "t_mul": 5.0, "m_mul": 1.0, "alpha": 0.0}, [31]),
    ({"lr0": 0.2, "first_decay_steps": 1, "t_mul": 10.0, "m_mul": 0.8, "alpha": 0.05}, [111]),
]


def check_cosine_decay_restarts_boundaries(cosine_decay_restarts) -> None:
    """A new period starts exactly at the step where the previous one ends (f = 0 there)."""
    spec = _COSINE_DECAY_RESTARTS
    cases = []
    for kwargs, restarts in _BOUNDARY_ROWS:
        full = {**spec.defaults, **kwargs}
        for b in restarts:
            i, start, _ = _restart_period(b, full["first_decay_steps"], full["t_mul"])
            assert start == b  # the table lists period starts
            note = (
                f"Step {b} is where period {i} starts: the previous period (i = {i - 1}) ends "
                f"at step {b - 1}, so step {b} has f = 0 and rate "
                f"lr0 * ((1 - alpha) * m_mul**{i} + alpha)."
            )
            cases.append(
                _keras_case(
                    spec, kwargs, [b - 1, b, b + 1], _KERAS_RESTARTS, int64=b == 1210, note=note
                )
            )

    def one_period_short(case: _Case, got: list[float]) -> str | None:
        full = {**spec.defaults, **case.kwargs}
        b = case.steps[1]
        i, _, _ = _restart_period(b, full["first_decay_steps"], full["t_mul"])
        if not _close(got[1], full["lr0"] * full["alpha"], full["lr0"]):
            return None
        return (
            f"at step {b} your schedule is still at the very end of period {i - 1} (f = 1, "
            f"rate alpha * lr0) instead of starting period {i}. If you compute the period "
            f"with a logarithm, log(...) / log(t_mul) comes out just below {i} here and "
            f"floor() gives {i - 1}; " + _CONCLUSION_RESTARTS
        )

    _check_cases(spec, cosine_decay_restarts, cases, hint=one_period_short)


def check_cosine_decay_restarts(cosine_decay_restarts) -> None:
    """Every check of cosine_decay_restarts."""
    check_cosine_decay_restarts_matches_torch(cosine_decay_restarts)
    check_cosine_decay_restarts_matches_keras(cosine_decay_restarts)
    check_cosine_decay_restarts_boundaries(cosine_decay_restarts)


# --------------------------------------------------------------------------------------
# linear_warmup
# --------------------------------------------------------------------------------------


def _linear_lr_case(kwargs, last_step, *, every=1, int64=False) -> _Case:
    w = kwargs["warmup_steps"]
    return _torch_case(
        kwargs,
        last_step,
        f"torch LinearLR(start_factor=1 / warmup_steps, end_factor=1.0, total_iters={w - 1})",
        lambda opt: _lr_scheduler().LinearLR(
            opt, start_factor=1 / w, end_factor=1.0, total_iters=w - 1
        ),
        every=every,
        int64=int64,
    )


def check_linear_warmup_matches_torch(linear_warmup) -> None:
    """linear_warmup equals torch's LinearLR from lr0 / warmup_steps up to lr0 (warmup_steps=1 too)."""
    cases = [
        _linear_lr_case({"lr0": 0.1, "warmup_steps": 10}, 30),
        _linear_lr_case({"lr0": 1.0, "warmup_steps": 1}, 5),
        _linear_lr_case({"lr0": 0.05, "warmup_steps": 3}, 10),
        _linear_lr_case({"lr0": 0.3, "warmup_steps": 1000}, 1100, every=7, int64=True),
    ]
    _check_cases(_LINEAR_WARMUP, linear_warmup, cases, signature=True)


def check_linear_warmup(linear_warmup) -> None:
    """Every check of linear_warmup."""
    check_linear_warmup_matches_torch(linear_warmup)


# --------------------------------------------------------------------------------------
# ReduceLROnPlateau
# --------------------------------------------------------------------------------------


@dataclass
class _PlateauCase:
    kwargs: dict[str, Any]  # constructor arguments, lr first
    metrics: list[float]
    note: str = ""


def _plateau_call(kwargs: dict[str, Any]) -> str:
    return _call_text("ReduceLROnPlateau", _PLATEAU_PARAMS, None, kwargs)


def _student_plateau(cls, case: _PlateauCase) -> list[float]:
    kwargs = dict(case.kwargs)
    lr = kwargs.pop("lr")
    base = _plateau_call(case.kwargs)
    signature = "ReduceLROnPlateau(lr, factor=0.1, patience=10, threshold=0.0001, min_lr=0.0)"
    sched = _guarded("ReduceLROnPlateau", base, cls, lr, signature=signature, **kwargs)
    out = []
    for n, m in enumerate(case.metrics, 1):
        call = f"{base}.step({_fmt(m)}) (metric #{n})"
        out.append(_check_float(call, _guarded("ReduceLROnPlateau", call, sched.step, m)))
    return out


def _plateau_model_rates(case: _PlateauCase, mistakes) -> list[float] | None:
    try:
        model = _PlateauModel(**case.kwargs, mistakes=mistakes)
        return [float(model.step(m)) for m in case.metrics]
    except Exception:
        return None


def _plateau_diagnose(cls, case: _PlateauCase, got, expected, others=()) -> str | None:
    """Name the known mistake that explains the rates of ``case`` and of the ``others``
    ((case, rates, expected) triples of the same check), or state that is shared."""
    try:
        again = _student_plateau(cls, case)
    except AssertionError:
        again = None
    if again is not None and _deviation(again, got, case.kwargs["lr"]) != 0.0:
        return (
            "your ReduceLROnPlateau instances share state: a second fresh instance fed the same "
            "metrics gave different rates. Keep best, the bad count and the rate per instance "
            "(self.... = ... in __init__), not in class-level or module-level variables."
        )
    # Cases the student gets right say nothing about a mistake that only some settings show.
    triples = [(case, got, expected)] + [
        (c, g, e)
        for c, g, e in others
        if not all(_close(x, y, c.kwargs["lr"]) for x, y in zip(g, e, strict=True))
    ]

    def dev(rates_of) -> float:
        return max(_deviation(g, rates_of(c, e), c.kwargs["lr"]) for c, g, e in triples)

    dev_oracle = dev(lambda c, e: e)
    best_key, best_dev = None, math.inf
    for key in _PLATEAU_DIAGNOSES:
        d = dev(lambda c, e, k=key: _plateau_model_rates(c, (k,)))
        if d < best_dev:
            best_key, best_dev = key, d
    if best_key is not None and _is_explained(best_dev, dev_oracle):
        return _PLATEAU_DIAGNOSES[best_key]
    return None


def _plateau_message(case: _PlateauCase, got, expected, diagnosis) -> str:
    lr0 = case.kwargs["lr"]
    k = next(i for i, (g, e) in enumerate(zip(got, expected, strict=True)) if not _close(g, e, lr0))
    lo = max(0, k - 6)
    rows = [
        f"    #{n + 1:<3} metric {_fmt(case.metrics[n]):<22} expected lr {expected[n]!r:<24} "
        f"got {got[n]!r}"
        for n in range(lo, min(len(got), k + 3))
    ]
    metrics = ", ".join(_fmt(m) for m in case.metrics[:12])
    if len(case.metrics) > 12:
        metrics += f", ... ({len(case.metrics)} metrics)"
    where = {0: "the very first metric", 1: "the rate after metric #1 matched"}.get(
        k, f"the rates after metrics #1 .. #{k} matched"
    )
    lines = [
        f"{_plateau_call(case.kwargs)} fed the metrics [{metrics}], compared with torch's "
        "ReduceLROnPlateau(mode='min', threshold_mode='rel', cooldown=0):",
        *([case.note] if case.note else []),
        f"after metric #{k + 1} ({_fmt(case.metrics[k])}) the rate should be {expected[k]!r}, "
        f"yours is {got[k]!r} ({where}).",
        *rows,
    ]
    if diagnosis:
        lines.append(f"Diagnosis: {diagnosis}")
    return "\n".join(lines)


def _class_state_hint(cls) -> str:
    """Name class-level mutable attributes (shared by all instances), if any."""
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
    listed = ", ".join(f"`{n}`" for n in names)
    return (
        f"Note: {cls.__name__} has class-level mutable attribute(s) {listed} (defined in the "
        "class body), so all its instances share them: a new instance starts with the best "
        "metric and bad count of earlier ones. Create the state per instance instead "
        f"(e.g. self.{names[0]} = ... in __init__)."
    )


def _check_plateau_cases(cls, cases: Sequence[_PlateauCase], *, signature: bool = False) -> None:
    try:
        _check_plateau_cases_plain(cls, cases, signature=signature)
    except AssertionError as exc:
        hint = _class_state_hint(cls)
        if hint and exc.args:
            exc.args = (f"{exc.args[0]}\n{hint}", *exc.args[1:])
        raise


def _check_plateau_cases_plain(cls, cases, *, signature: bool = False) -> None:
    if signature:
        _check_signature("ReduceLROnPlateau", _PLATEAU_PARAMS, cls, "class")
    for case in cases:
        expected = _torch_plateau(case.kwargs, case.metrics)
        got = _student_plateau(cls, case)
        if all(_close(g, e, case.kwargs["lr"]) for g, e in zip(got, expected, strict=True)):
            continue
        others = []
        for other in cases:
            if other is case:
                continue
            try:
                others.append(
                    (
                        other,
                        _student_plateau(cls, other),
                        _torch_plateau(other.kwargs, other.metrics),
                    )
                )
            except AssertionError:
                continue
        diagnosis = _plateau_diagnose(cls, case, got, expected, others)
        raise AssertionError(_plateau_message(case, got, expected, diagnosis))


def _noisy_losses(seed: int, n: int, scale: float, noise: float, decay: float) -> list[float]:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    curve = 0.2 + scale * np.exp(-t / decay) + noise * rng.standard_normal(n)
    return [float(v) for v in np.abs(curve)]


def _check_independent_instances(cls, a: _PlateauCase, b: _PlateauCase) -> None:
    """Two instances stepped side by side behave as each does alone."""
    alone_a, alone_b = _student_plateau(cls, a), _student_plateau(cls, b)
    ka, kb = dict(a.kwargs), dict(b.kwargs)
    sa, sb = cls(ka.pop("lr"), **ka), cls(kb.pop("lr"), **kb)
    for n, (ma, mb) in enumerate(zip(a.metrics, b.metrics, strict=False)):
        ra, rb = float(sa.step(ma)), float(sb.step(mb))
        if ra != alone_a[n] or rb != alone_b[n]:
            raise AssertionError(
                f"two ReduceLROnPlateau instances share state: stepping {_plateau_call(a.kwargs)} "
                f"and {_plateau_call(b.kwargs)} side by side gave different rates after metric "
                f"#{n + 1} than each one alone. Keep best, the bad count and the rate per "
                "instance (self.... = ... in __init__), not in class-level or module-level "
                "variables."
            )


def check_reduce_on_plateau_matches_torch(ReduceLROnPlateau) -> None:
    """Noisy loss curves for several settings (defaults too) against torch's ReduceLROnPlateau."""
    cases = [
        _PlateauCase({"lr": 0.1}, _noisy_losses(9001, 90, 1.0, 0.01, 6.0)),
        _PlateauCase(
            {"lr": 1.0, "factor": 0.5, "patience": 3, "threshold": 0.01, "min_lr": 0.01},
            _noisy_losses(9002, 120, 1.0, 0.02, 10.0),
        ),
        _PlateauCase(
            {"lr": 0.05, "factor": 0.2, "patience": 0, "threshold": 0.0, "min_lr": 0.0},
            _noisy_losses(9003, 60, 0.5, 0.05, 5.0),
        ),
        _PlateauCase(
            {"lr": 0.3, "factor": 0.7, "patience": 5, "threshold": 0.05, "min_lr": 0.0},
            _noisy_losses(9004, 150, 2.0, 0.03, 20.0),
        ),
    ]
    _check_plateau_cases(ReduceLROnPlateau, cases, signature=True)
    try:
        _check_independent_instances(ReduceLROnPlateau, cases[1], cases[3])
    except AssertionError as exc:
        hint = _class_state_hint(ReduceLROnPlateau)
        raise AssertionError(f"{exc}\n{hint}" if hint else str(exc)) from None


def check_reduce_on_plateau_patience_boundary(ReduceLROnPlateau) -> None:
    """Reduce after MORE than patience bad steps in a row, then count again from 0."""
    flat = [1.0] * 12
    cases = [
        _PlateauCase(
            {"lr": 1.0, "factor": 0.5, "patience": 2},
            flat,
            "A constant metric: after the first, every step is bad; with patience=2 the rate "
            "drops at the 3rd bad step in a row (metrics #4, #7, #10), not at the 2nd.",
        ),
        _PlateauCase(
            {"lr": 1.0, "factor": 0.5, "patience": 0},
            flat[:6],
            "patience=0: every bad step reduces the rate.",
        ),
        _PlateauCase(
            {"lr": 1.0, "factor": 0.5, "patience": 1},
            [1.0, 1.0, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25],
            "patience=1: one bad step is tolerated; an improvement resets the bad count.",
        ),
        _PlateauCase(
            {"lr": 0.1, "factor": 0.1, "patience": 10},
            [2.0] + [2.0] * 10 + [1.9] + [1.9] * 11,
            "Default patience=10: 10 bad steps are tolerated, the 11th reduces the rate.",
        ),
    ]
    _check_plateau_cases(ReduceLROnPlateau, cases)


def check_reduce_on_plateau_threshold_boundary(ReduceLROnPlateau) -> None:
    """Better means metric < best * (1 - threshold), strictly, relative to best."""
    just_below = float(np.nextafter(1.5, 0.0))
    cases = [
        _PlateauCase(
            {"lr": 1.0, "factor": 0.5, "patience": 0, "threshold": 0.25},
            [2.0, 1.5, 1.5, 1.2],
            "best = 2 and threshold = 0.25: a metric of exactly best * (1 - threshold) = 1.5 "
            "is NOT better (a bad step), 1.2 < 1.5 is.",
        ),
        _PlateauCase(
            {"lr": 1.0, "factor": 0.5, "patience": 0, "threshold": 0.25},
            [2.0, just_below, 1.2],
            f"best = 2 and threshold = 0.25: {just_below!r}, just below 1.5, is better.",
        ),
        _PlateauCase(
            {"lr": 1.0, "factor": 0.5, "patience": 0, "threshold": 0.01},
            [10.0, 9.95, 9.85, 9.8],
            "best = 10 and threshold = 0.01 (relative): better needs metric < 9.9, so 9.95 is "
            "a bad step (an absolute threshold would accept anything below 9.99).",
        ),
        _PlateauCase(
            {"lr": 1.0, "factor": 0.5, "patience": 1, "threshold": 0.1},
            [1.0, 0.95, 0.92, 0.89, 0.85, 0.8],
            "threshold = 0.1: 0.95 and 0.92 are smaller than best = 1 but not better by 10%, so "
            "best stays 1 and they are bad steps; 0.89 < 0.9 is better.",
        ),
        _PlateauCase(
            {"lr": 0.1, "factor": 0.5, "patience": 2},
            [1.0, 0.99995, 0.99991, 0.9998, 0.9997, 0.9996, 0.99951],
            "Default threshold=1e-4: 0.99995 and 0.99991 are not better than 1.0 by 1e-4.",
        ),
    ]
    _check_plateau_cases(ReduceLROnPlateau, cases)


def check_reduce_on_plateau_min_lr_eps_and_nan(ReduceLROnPlateau) -> None:
    """min_lr floor, no change when the reduction is at most 1e-8, and NaN metrics are bad."""
    nan = float("nan")
    cases = [
        _PlateauCase(
            {"lr": 0.1, "factor": 0.1, "patience": 0, "min_lr": 0.005},
            [1.0] * 5,
            "min_lr=0.005: the rate goes 0.1 -> 0.01 -> 0.005 and stays there.",
        ),
        _PlateauCase(
            {"lr": 3e-8, "factor": 0.5, "patience": 0},
            [1.0] * 5,
            "lr=3e-8, factor=0.5: the first reduction (1.5e-8) is larger than 1e-8 and is "
            "applied; the next one (7.5e-9) is not, so the rate stays at 1.5e-8.",
        ),
        _PlateauCase(
            {"lr": 2e-8, "factor": 0.5, "patience": 0},
            [1.0] * 3,
            "lr=2e-8, factor=0.5: the reduction would be exactly 1e-8, which is not MORE than "
            "1e-8, so the rate stays at 2e-8.",
        ),
        _PlateauCase(
            {"lr": 0.01, "factor": 0.1, "patience": 0, "min_lr": 0.01 - 5e-9},
            [1.0] * 3,
            "min_lr just 5e-9 below lr: the reduction to min_lr would change the rate by only "
            "5e-9, so it stays at 0.01.",
        ),
        _PlateauCase(
            {"lr": 1.0, "factor": 0.5, "patience": 1},
            [1.0, nan, nan, 0.5, nan, 0.4, nan, nan],
            "A NaN metric is never better (every comparison with NaN is False): a bad step.",
        ),
        _PlateauCase(
            {"lr": 1.0, "factor": 0.5, "patience": 0},
            [nan, 1.0, 0.5, nan],
            "A NaN first metric is a bad step (best stays +inf), and 1.0 afterwards is better.",
        ),
    ]
    _check_plateau_cases(ReduceLROnPlateau, cases)


def check_reduce_on_plateau(ReduceLROnPlateau) -> None:
    """Every check of ReduceLROnPlateau."""
    check_reduce_on_plateau_matches_torch(ReduceLROnPlateau)
    check_reduce_on_plateau_patience_boundary(ReduceLROnPlateau)
    check_reduce_on_plateau_threshold_boundary(ReduceLROnPlateau)
    check_reduce_on_plateau_min_lr_eps_and_nan(ReduceLROnPlateau)
