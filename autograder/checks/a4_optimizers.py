"""Trusted checks for assignment A4 (optimizers in NumPy).

The hidden tests of ``solutions/a4_optimizers/a4_optimizers.ipynb`` call the ``check_*``
functions below with the student's class (or function). A check feeds seeded random gradient
sequences both to the student's optimizer and to the matching ``torch.optim`` optimizer acting
on a float64 ``torch.nn.Parameter``, and compares the parameters after every step. On the
first problem it raises ``AssertionError`` with a message that says which setting and step
failed, shows expected and actual values and, when the student's numbers coincide with a
known mistake, names it. Known mistakes are simulated by small private "mutant"
implementations in this module, run on the same gradients.

Public checks, for ``<name>`` in ``sgd``, ``adagrad``, ``rmsprop``, ``adadelta``, ``adam`` and
``adamw``:

``check_<name>_matches_torch(cls)``
    200 random steps for several hyperparameter settings (the defaults included) and shapes
    ((1,), a vector, a matrix); also checks the constructor's defaults.
``check_<name>_edge_cases(cls)``
    zero gradients, tiny gradients (where ``eps`` matters), weight decay, Nesterov, ...
``check_<name>_contract(cls)``
    ``step`` leaves its inputs (and earlier inputs and results) unmodified and returns a
    float64 array of ``w``'s shape; instances keep their own state. Needs no oracle, so a
    wrong formula alone does not fail it.
``check_<name>(cls)``
    all three.

and ``check_newton_step(fn)`` for ``newton_step(w, grad, hessian)``.

Messages never show the reference implementation; they quote the formula only in words.
"""

from __future__ import annotations

import inspect
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from .seeds import case_rng

__all__ = [
    "ATOL",
    "RTOL",
    "STEPS",
    "check_adadelta",
    "check_adadelta_contract",
    "check_adadelta_edge_cases",
    "check_adadelta_matches_torch",
    "check_adagrad",
    "check_adagrad_contract",
    "check_adagrad_edge_cases",
    "check_adagrad_matches_torch",
    "check_adam",
    "check_adam_contract",
    "check_adam_edge_cases",
    "check_adam_matches_torch",
    "check_adamw",
    "check_adamw_contract",
    "check_adamw_edge_cases",
    "check_adamw_matches_torch",
    "check_newton_step",
    "check_rmsprop",
    "check_rmsprop_contract",
    "check_rmsprop_edge_cases",
    "check_rmsprop_matches_torch",
    "check_sgd",
    "check_sgd_contract",
    "check_sgd_edge_cases",
    "check_sgd_matches_torch",
]

RTOL = 1e-9
"""Relative tolerance of the comparison with torch.optim (float64)."""
ATOL = 1e-12
"""Absolute tolerance of the comparison with torch.optim (float64)."""
STEPS = 200
"""Steps per random gradient sequence."""

# Relative rounding noise between two arrangements of the same (wrong) formula.
_SAME_NOISE = 1e-11

_REQUIRED = inspect.Parameter.empty


# --------------------------------------------------------------------------------------
# Mutants: small private implementations of known mistakes (used for diagnoses only).
# --------------------------------------------------------------------------------------


class _Mutant:
    """Base of the mistake simulators: hyperparameters in ``self.h``, state in ``self.state``.

    ``mistakes`` is a collection of keys of the spec's ``diagnoses``; a mutant with no
    mistakes is a plain implementation (used by the tests of this module only).
    """

    def __init__(self, mistakes: Sequence[str], **hyper: Any) -> None:
        self.mistakes = frozenset(mistakes)
        self.h = hyper
        self.state: dict[str, Any] = {}

    def _has(self, key: str) -> bool:
        return key in self.mistakes


class _SGDMutant(_Mutant):
    def __init__(self, lr, momentum=0.0, nesterov=False, weight_decay=0.0, *, mistakes=()):
        super().__init__(
            mistakes, lr=lr, momentum=momentum, nesterov=nesterov, weight_decay=weight_decay
        )

    def step(self, w, grad):
        lr, mu, wd = self.h["lr"], self.h["momentum"], self.h["weight_decay"]
        g = np.array(grad, dtype=np.float64)
        if wd != 0 and not self._has("wd_after_momentum"):
            g = g - wd * w if self._has("wd_sign") else g + wd * w
        if mu != 0:
            old = self.state.get("buf")
            damped = self._has("dampening") or self._has("dampening_from_zero")
            if old is None:
                buf = (1 - mu) * g if self._has("dampening_from_zero") else g.copy()
            else:
                buf = mu * old + ((1 - mu) if damped else 1.0) * g
            self.state["buf"] = buf
            if self.h["nesterov"] and not self._has("nesterov_plain"):
                d = g + mu * buf
            else:
                d = buf
        else:
            d = g
        if wd != 0 and self._has("wd_after_momentum"):
            d = d + wd * w
        return w - lr * d


class _AdagradMutant(_Mutant):
    def __init__(self, lr=0.01, eps=1e-10, *, mistakes=()):
        super().__init__(mistakes, lr=lr, eps=eps)

    def step(self, w, grad):
        lr, eps = self.h["lr"], self.h["eps"]
        old = self.state.get("sum", np.zeros_like(grad, dtype=np.float64))
        t = self.state.get("t", 0) + 1
        new = old + grad * grad
        self.state.update(sum=new, t=t)
        acc = old if self._has("accumulate_after") else new
        if self._has("no_accumulation"):
            acc = grad * grad
        if self._has("mean_not_sum"):
            acc = acc / t
        if self._has("no_sqrt"):
            denom = acc + eps
        elif self._has("eps_inside_sqrt"):
            denom = np.sqrt(acc + eps)
        else:
            denom = np.sqrt(acc) + eps
        return w - lr * grad / denom


class _RMSpropMutant(_Mutant):
    def __init__(self, lr=0.01, alpha=0.99, eps=1e-8, *, mistakes=()):
        super().__init__(mistakes, lr=lr, alpha=alpha, eps=eps)

    def step(self, w, grad):
        lr, alpha, eps = self.h["lr"], self.h["alpha"], self.h["eps"]
        old = self.state.get("v", np.zeros_like(grad, dtype=np.float64))
        t = self.state.get("t", 0) + 1
        a = 1 - alpha if self._has("alpha_swapped") else alpha
        new = a * old + (1 - a) * grad * grad
        self.state.update(v=new, t=t)
        v = old if self._has("update_after") else new
        if self._has("bias_correction"):
            v = v / (1 - alpha**t)
        if self._has("no_sqrt"):
            denom = v + eps
        elif self._has("eps_inside_sqrt"):
            denom = np.sqrt(v + eps)
        else:
            denom = np.sqrt(v) + eps
        return w - lr * grad / denom


class _AdadeltaMutant(_Mutant):
    def __init__(self, lr=1.0, rho=0.9, eps=1e-6, *, mistakes=()):
        super().__init__(mistakes, lr=lr, rho=rho, eps=eps)

    def step(self, w, grad):
        lr, rho, eps = self.h["lr"], self.h["rho"], self.h["eps"]
        zeros = np.zeros_like(grad, dtype=np.float64)
        v_old, u = self.state.get("v", zeros), self.state.get("u", zeros)
        r = 1 - rho if self._has("rho_swapped") else rho
        v_new = r * v_old + (1 - r) * grad * grad
        v = v_old if self._has("v_after_delta") else v_new
        if self._has("eps_outside_sqrt"):
            num, den = np.sqrt(u) + eps, np.sqrt(v) + eps
        else:
            num, den = np.sqrt(u + eps), np.sqrt(v + eps)
        if self._has("ratio_inverted"):
            num, den = den, num
        delta = num / den * grad
        update = delta if self._has("lr_ignored") else lr * delta
        stored = update if self._has("u_with_lr") else delta
        self.state.update(v=v_new, u=r * u + (1 - r) * stored * stored)
        return w - update


class _AdamMutant(_Mutant):
    decoupled = False

    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, *, mistakes=()):
        super().__init__(mistakes, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)

    def step(self, w, grad):
        lr, eps, wd = self.h["lr"], self.h["eps"], self.h["weight_decay"]
        b1, b2 = self.h["betas"]
        n = self.state.get("n", 0) + 1
        self.state["n"] = n
        t = n - 1 if self._has("t_from_0") else n + 1 if self._has("t_from_2") else n
        decoupled = (self.decoupled or self._has("decoupled_wd")) and not self._has("coupled_wd")
        g = np.array(grad, dtype=np.float64)
        if wd != 0:
            if not decoupled:
                g = g + wd * w
            elif not self._has("decay_after_update"):
                w = w * ((1 - wd) if self._has("decay_unscaled") else (1 - lr * wd))
        if self._has("betas_swapped"):
            b1, b2 = b2, b1
        zeros = np.zeros_like(g)
        m, v = self.state.get("m", zeros), self.state.get("v", zeros)
        if self._has("one_minus_beta_swapped"):
            m, v = (1 - b1) * m + b1 * g, (1 - b2) * v + b2 * g * g
        else:
            m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
        bc1, bc2 = (1.0, 1.0) if self._has("no_bias_correction") else (1 - b1**t, 1 - b2**t)
        m_hat, v_hat = m / bc1, v / bc2
        if self._has("corrected_stored"):
            self.state.update(m=m_hat, v=v_hat)
        else:
            self.state.update(m=m, v=v)
        if self._has("no_sqrt"):
            denom = v_hat + eps
        elif self._has("eps_inside_sqrt"):
            denom = np.sqrt(v_hat + eps)
        elif self._has("eps_before_correction"):
            denom = (np.sqrt(v) + eps) / np.sqrt(bc2)
        else:
            denom = np.sqrt(v_hat) + eps
        out = w - lr * m_hat / denom
        if wd != 0 and decoupled and self._has("decay_after_update"):
            out = out * (1 - lr * wd)
        return out


class _AdamWMutant(_AdamMutant):
    decoupled = True

    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01, *, mistakes=()):
        super().__init__(lr, betas, eps, weight_decay, mistakes=mistakes)


def _newton_mutant(mistake: str, w, grad, hessian):
    """A known wrong Newton step."""
    if mistake == "plus":
        return w + np.linalg.solve(hessian, grad)
    if mistake == "multiply":
        return w - hessian @ grad
    if mistake == "diagonal":
        return w - grad / np.diag(hessian)
    if mistake == "gradient":
        return w - grad
    raise KeyError(mistake)


# --------------------------------------------------------------------------------------
# The optimizers under test
# --------------------------------------------------------------------------------------


_ADAM_COMMON = {
    "no_bias_correction": (
        "missing bias correction: divide m by (1 - beta1 ** t) and v by (1 - beta2 ** t) "
        "before using them; both averages start at 0 and are far too small at early steps."
    ),
    "eps_inside_sqrt": (
        "epsilon inside the square root: torch divides by sqrt(v_hat) + eps, "
        "not by sqrt(v_hat + eps)."
    ),
    "eps_before_correction": (
        "epsilon added before the bias correction of v: torch divides by "
        "sqrt(v) / sqrt(1 - beta2 ** t) + eps, i.e. eps outside, after correcting v."
    ),
    "t_from_0": (
        "step counter starts at 0: the first step must use t = 1 (with t = 0 the bias "
        "correction 1 - beta ** 0 is 0, a division by zero). Increment t before using it."
    ),
    "t_from_2": (
        "step counter off by one: the first step must use t = 1, but yours uses t = 2 "
        "(incremented twice, or started at 1 and incremented before use)."
    ),
    "betas_swapped": "beta1 and beta2 swapped: m uses beta1 (0.9), v uses beta2 (0.999).",
    "one_minus_beta_swapped": (
        "beta and 1 - beta swapped: m = beta1 * m + (1 - beta1) * g keeps most of the old "
        "average (the same for v with beta2)."
    ),
    "corrected_stored": (
        "the bias-corrected m_hat and v_hat were stored back into m and v: keep m and v "
        "uncorrected and compute m_hat and v_hat afresh at each step."
    ),
    "no_sqrt": "the square root is missing: divide by sqrt(v_hat) + eps.",
}


@dataclass
class _Spec:
    """One optimizer of the contract."""

    name: str
    cell: str
    params: dict[str, Any]  # contract parameter -> default (_REQUIRED when none)
    torch_fixed: dict[str, Any]  # options that must be off in torch.optim
    mutant: type
    diagnoses: dict[str, str] = field(default_factory=dict)

    def full(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        """``kwargs`` completed with the contract's defaults."""
        out = {k: v for k, v in self.params.items() if v is not _REQUIRED}
        out.update(kwargs)
        return out

    def signature(self) -> str:
        args = [k if v is _REQUIRED else f"{k}={v!r}" for k, v in self.params.items()]
        return f"{self.name}({', '.join(args)})"


_SGD = _Spec(
    "SGD",
    "sgd_implementation",
    {"lr": _REQUIRED, "momentum": 0.0, "nesterov": False, "weight_decay": 0.0},
    {"dampening": 0.0, "foreach": False},
    _SGDMutant,
    {
        "nesterov_plain": (
            "Nesterov computed as plain momentum: with nesterov=True the step direction is "
            "g + momentum * b (the gradient plus momentum times the new buffer), not b alone."
        ),
        "wd_after_momentum": (
            "weight decay applied after momentum: add weight_decay * w to the gradient "
            "first, then feed that sum into the momentum buffer."
        ),
        "dampening": (
            "dampening (1 - momentum) applied to the gradient: torch.optim.SGD with "
            "dampening=0 updates b = momentum * b + g, without a factor (1 - momentum)."
        ),
        "dampening_from_zero": (
            "dampening (1 - momentum) applied to the gradient, with the buffer starting at 0: "
            "torch starts with b = g at the first step and then updates "
            "b = momentum * b + g, without a factor (1 - momentum)."
        ),
        "wd_sign": (
            "weight decay with the wrong sign: the gradient becomes g + weight_decay * w, "
            "which pulls w towards 0."
        ),
    },
)

_ADAGRAD = _Spec(
    "Adagrad",
    "adagrad_implementation",
    {"lr": 0.01, "eps": 1e-10},
    {"lr_decay": 0.0, "weight_decay": 0.0, "initial_accumulator_value": 0.0, "foreach": False},
    _AdagradMutant,
    {
        "eps_inside_sqrt": (
            "epsilon inside the square root: torch divides by sqrt(sum) + eps, "
            "not by sqrt(sum + eps)."
        ),
        "no_accumulation": (
            "Adagrad uses the current squared gradient instead of the running sum: the "
            "denominator is the square root of the sum of ALL squared gradients so far."
        ),
        "mean_not_sum": (
            "Adagrad divides by the root of the mean of the squared gradients instead of "
            "their running sum (that keeps the step size from dying out, unlike Adagrad)."
        ),
        "accumulate_after": (
            "the squared gradient is added to the running sum after the step: add g * g to "
            "the sum first, then divide by its square root."
        ),
        "no_sqrt": "the square root is missing: divide by sqrt(sum) + eps.",
    },
)

_RMSPROP = _Spec(
    "RMSprop",
    "rmsprop_implementation",
    {"lr": 0.01, "alpha": 0.99, "eps": 1e-8},
    {"weight_decay": 0.0, "momentum": 0.0, "centered": False, "foreach": False},
    _RMSpropMutant,
    {
        "alpha_swapped": (
            "RMSprop alpha and 1 - alpha swapped: v = alpha * v + (1 - alpha) * g * g "
            "(alpha=0.99 keeps 99% of the old average)."
        ),
        "eps_inside_sqrt": (
            "epsilon inside the square root: torch divides by sqrt(v) + eps, not by sqrt(v + eps)."
        ),
        "bias_correction": (
            "RMSprop has no bias correction (that is Adam): divide by sqrt(v) + eps with v "
            "itself, not v / (1 - alpha ** t)."
        ),
        "update_after": (
            "the running average is updated after the step: update v with the current "
            "g * g first, then divide."
        ),
        "no_sqrt": "the square root is missing: divide by sqrt(v) + eps.",
    },
)

_ADADELTA = _Spec(
    "Adadelta",
    "adadelta_implementation",
    {"lr": 1.0, "rho": 0.9, "eps": 1e-6},
    {"weight_decay": 0.0, "foreach": False},
    _AdadeltaMutant,
    {
        "lr_ignored": (
            "Adadelta learning rate ignored: torch multiplies the delta by lr "
            "(w - lr * delta); with the default lr=1.0 you cannot see the difference."
        ),
        "eps_outside_sqrt": (
            "epsilon outside the square roots: Adadelta uses "
            "sqrt(u + eps) / sqrt(v + eps) (eps inside both)."
        ),
        "ratio_inverted": (
            "the ratio is upside down: delta = sqrt(u + eps) / sqrt(v + eps) * g, with u the "
            "running average of squared deltas and v that of squared gradients."
        ),
        "v_after_delta": (
            "the squared-gradient average v is updated after computing the delta: "
            "update v with g * g first, then compute the delta."
        ),
        "u_with_lr": (
            "the delta accumulator stores lr * delta: u must accumulate the squared delta "
            "before lr scales it."
        ),
        "rho_swapped": (
            "rho and 1 - rho swapped: v = rho * v + (1 - rho) * g * g, and likewise for u."
        ),
    },
)

_ADAM = _Spec(
    "Adam",
    "adam_implementation",
    {"lr": 0.001, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0},
    {"amsgrad": False, "foreach": False},
    _AdamMutant,
    {
        **_ADAM_COMMON,
        "decoupled_wd": (
            "Adam decays weights decoupled (that is AdamW): torch.optim.Adam adds "
            "weight_decay * w to the gradient (L2) before updating m and v."
        ),
    },
)

_ADAMW = _Spec(
    "AdamW",
    "adamw_implementation",
    {"lr": 0.001, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.01},
    {"amsgrad": False, "foreach": False},
    _AdamWMutant,
    {
        "coupled_wd": (
            "AdamW adds weight decay to the gradient (that is Adam's L2): AdamW multiplies "
            "w by (1 - lr * weight_decay) and leaves the gradient alone."
        ),
        "decay_unscaled": (
            "AdamW decay not scaled by lr: the decay factor is (1 - lr * weight_decay), "
            "not (1 - weight_decay)."
        ),
        "decay_after_update": (
            "AdamW decay applied to the updated w: torch decays the old w first, "
            "w * (1 - lr * weight_decay), and then subtracts the Adam step."
        ),
        **_ADAM_COMMON,
    },
)

_NEWTON_DIAGNOSES = {
    "plus": "Newton step uses + instead of -: the new point is w - solve(hessian, grad).",
    "multiply": (
        "multiplies by the Hessian instead of solving: the step is H^-1 g, the solution d "
        "of hessian @ d = grad (np.linalg.solve), not hessian @ grad."
    ),
    "diagonal": (
        "uses only the diagonal of the Hessian: solve the full linear system hessian @ d = grad."
    ),
    "gradient": "the Hessian is ignored: this is a plain gradient step w - grad.",
}


# --------------------------------------------------------------------------------------
# Test cases and data
# --------------------------------------------------------------------------------------


@dataclass
class _Case:
    """One run: constructor arguments, parameter shape, and how gradients are drawn."""

    kwargs: dict[str, Any]
    shape: tuple[int, ...]
    seed: int
    steps: int = STEPS
    scale: float = 1.0
    zeros: str = "none"  # "none", "start" (zero at the first 10 steps and in entry 0), "all"

    def grads_text(self) -> str:
        if self.zeros == "all":
            return "zero gradients"
        if self.zeros == "start":
            return (
                "gradients that are zero for the first 10 steps and always zero in w's first entry"
            )
        if self.scale != 1.0:
            return f"random gradients of size about {self.scale:g}"
        return "random gradients"


def _cases(seed: int, rows) -> list[_Case]:
    """Expand rows ``(kwargs, shapes, options)`` into cases with distinct seeds."""
    out = []
    for kwargs, shapes, options in rows:
        for shape in shapes:
            out.append(_Case(dict(kwargs), shape, seed + len(out), **options))
    return out


def _data(case: _Case) -> tuple[np.ndarray, list[np.ndarray]]:
    """Seeded start point and gradient sequence of a case (the student's own, when grading)."""
    rng = case_rng(case.seed)
    w0 = rng.standard_normal(case.shape)
    drift = 0.5 * rng.standard_normal(case.shape)  # a persistent direction, so momentum builds up
    grads = [case.scale * (drift + rng.standard_normal(case.shape)) for _ in range(case.steps)]
    if case.zeros == "all":
        grads = [np.zeros(case.shape) for _ in grads]
    elif case.zeros == "start":
        for t, g in enumerate(grads):
            if t < 10:
                g[...] = 0.0
            g.flat[0] = 0.0
    return w0, grads


def _torch_trajectory(spec: _Spec, kwargs, w0, grads) -> list[np.ndarray]:
    """Parameters after each step of ``torch.optim.<name>`` (float64) fed ``grads``."""
    import torch

    p = torch.nn.Parameter(torch.tensor(w0, dtype=torch.float64))
    options = {**spec.full(kwargs), **spec.torch_fixed}
    opt = getattr(torch.optim, spec.name)([p], **options)
    out = []
    for g in grads:
        p.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        out.append(p.detach().numpy().copy())
    return out


# --------------------------------------------------------------------------------------
# Calling the student's code
# --------------------------------------------------------------------------------------


def _call_text(name: str, kwargs: dict[str, Any]) -> str:
    return f"{name}({', '.join(f'{k}={v!r}' for k, v in kwargs.items())})"


def _short(exc: BaseException, limit: int = 400) -> str:
    text = str(exc)
    return text if len(text) <= limit else text[:limit] + " ..."


def _guarded(what: str, call: str, fn: Callable, *args, signature: str | None = None):
    """Call ``fn(*args)``; turn an exception into an AssertionError that names the call."""
    try:
        return fn(*args)
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


def _check_result(call: str, out, shape: tuple[int, ...]) -> None:
    """The result must be a float64 NumPy array of w's shape."""
    if out is None:
        raise AssertionError(
            f"{call} returned None: step must return the updated array (did you forget `return`?)."
        )
    if not isinstance(out, np.ndarray):
        raise AssertionError(
            f"{call} returned a {type(out).__name__}; it must return a NumPy array "
            f"of shape {shape} and dtype float64."
        )
    if out.shape != shape:
        raise AssertionError(
            f"{call} returned an array of shape {out.shape} for a w of shape {shape}; the "
            "result must have w's shape (look for unintended broadcasting, e.g. state "
            "created with another shape)."
        )
    if out.dtype != np.float64:
        raise AssertionError(
            f"{call} returned an array of dtype {out.dtype}; it must stay float64 like w "
            "(don't convert with astype(np.float32) or create state arrays with another dtype)."
        )


def _construct(spec: _Spec, cls, kwargs: dict[str, Any]):
    call = _call_text(spec.name, kwargs)
    return _guarded(spec.name, call, lambda: cls(**kwargs), signature=spec.signature())


def _student_trajectory(spec: _Spec, cls, case: _Case, w0, grads) -> list[np.ndarray]:
    """Run the student's optimizer on fresh copies of the inputs; validate every result."""
    opt = _construct(spec, cls, case.kwargs)
    base = _call_text(spec.name, case.kwargs)
    traj: list[np.ndarray] = []
    w = w0
    for t, g in enumerate(grads, 1):
        call = f"{base}.step(w, grad) at step {t} (w of shape {case.shape})"
        out = _guarded(spec.name, call, opt.step, w.copy(), g.copy())
        _check_result(call, out, case.shape)
        w = np.array(out, dtype=np.float64, copy=True)
        traj.append(w)
    return traj


def _mutant_trajectory(spec: _Spec, mistakes, kwargs, w0, grads) -> list[np.ndarray] | None:
    try:
        with np.errstate(all="ignore"):
            opt = spec.mutant(**spec.full(kwargs), mistakes=mistakes)
            traj, w = [], w0
            for g in grads:
                w = np.asarray(opt.step(w.copy(), g.copy()), dtype=np.float64)
                traj.append(w)
        return traj
    except Exception:
        return None


def _deviation(a: list[np.ndarray], b: list[np.ndarray] | None) -> float:
    """Largest relative difference ``|a - b| / (1 + |b|)`` over all steps and entries.

    NaN in both at the same place counts as equal; anywhere else NaN, a missing trajectory
    or a length or shape mismatch gives ``inf``.
    """
    if b is None or len(a) != len(b):
        return np.inf
    worst = 0.0
    with np.errstate(all="ignore"):
        for x, y in zip(a, b, strict=True):
            if x.shape != y.shape:
                return np.inf
            both_nan = np.isnan(x) & np.isnan(y)
            d = np.where(both_nan, 0.0, np.abs(x - y) / (1.0 + np.abs(y)))
            d = np.where(np.isnan(d), np.inf, d)
            worst = max(worst, float(d.max(initial=0.0)))
    return worst


def _is_explained(dev_mutant: float, dev_oracle: float) -> bool:
    """A mutant explains the student's numbers when it is far closer to them than the oracle.

    Rounding differences between two arrangements of the same formula stay below
    ``_SAME_NOISE``; a real match must also be 10,000 times closer than the oracle, so that
    two mistakes with tiny effects (e.g. where exactly eps enters) are told apart.
    """
    if not np.isfinite(dev_oracle):
        return dev_mutant <= _SAME_NOISE
    return dev_mutant <= max(_SAME_NOISE, 1e-4 * dev_oracle)


def _first_mismatch(got, expected, rtol=RTOL, atol=ATOL) -> int | None:
    """1-based step of the first disagreement with the oracle, or None."""
    for t, (a, b) in enumerate(zip(got, expected, strict=True), 1):
        if not np.allclose(a, b, rtol=rtol, atol=atol):
            return t
    return None


# --------------------------------------------------------------------------------------
# Diagnoses and messages
# --------------------------------------------------------------------------------------


def _class_state_hint(cls) -> str:
    """Name class-level mutable attributes (shared by all instances), if any."""
    if not isinstance(cls, type):
        return ""
    names = []
    for klass in cls.__mro__[:-1]:
        for name, value in vars(klass).items():
            if not name.startswith("__") and isinstance(value, (list, dict, set, np.ndarray)):
                names.append(name)
    if not names:
        return ""
    listed = ", ".join(f"`{n}`" for n in names)
    return (
        f"Note: {cls.__name__} has class-level mutable attribute(s) {listed} (defined in the "
        "class body), so all its instances share them. Create the state per instance "
        f"instead (e.g. self.{names[0]} = ... in __init__)."
    )


def _ignored_hyperparameter(spec: _Spec, kwargs, w0, grads, got, dev_oracle) -> str | None:
    """'behaves as if x had its default' when resetting one hyperparameter explains ``got``."""
    for name, value in kwargs.items():
        default = spec.params.get(name, _REQUIRED)
        if default is _REQUIRED or _equal_default(value, default):
            continue
        candidates = [default]
        if isinstance(value, tuple) and isinstance(default, tuple):
            candidates += [(default[0], value[1]), (value[0], default[1])]
        for alt in candidates:
            if _equal_default(alt, value):
                continue
            try:
                traj = _torch_trajectory(spec, {**kwargs, name: alt}, w0, grads)
            except Exception:
                continue
            if _is_explained(_deviation(got, traj), dev_oracle):
                return (
                    f"your {spec.name} behaves as if {name}={alt!r}: it ignores (part of) the "
                    f"{name}={value!r} passed to __init__; keep it (e.g. self.{name} = "
                    f"{name}) and use it in step."
                )
    return None


def _diagnose(spec: _Spec, kwargs, w0, grads, got, expected) -> str | None:
    """Name the known mistake (or pair of mistakes) that explains the student's trajectory."""
    dev_oracle = _deviation(got, expected)
    keys = list(spec.diagnoses)
    singles = {k: _deviation(got, _mutant_trajectory(spec, (k,), kwargs, w0, grads)) for k in keys}
    best = min(keys, key=singles.__getitem__)
    if _is_explained(singles[best], dev_oracle):
        return spec.diagnoses[best]
    ignored = _ignored_hyperparameter(spec, kwargs, w0, grads, got, dev_oracle)
    if ignored:
        return ignored
    pairs = {
        pair: _deviation(got, _mutant_trajectory(spec, pair, kwargs, w0, grads))
        for pair in itertools.combinations(keys, 2)
    }
    a, b = min(pairs, key=pairs.__getitem__)
    if _is_explained(pairs[a, b], dev_oracle):
        return (
            "your steps match two known mistakes at once: "
            f"(1) {spec.diagnoses[a]} (2) {spec.diagnoses[b]}"
        )
    return None


def _preview(a: np.ndarray, n: int = 4) -> str:
    flat = a.ravel()
    text = np.array2string(flat[:n], precision=12, separator=", ")
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


def _mismatch_message(spec: _Spec, case: _Case, t: int, got, expected, diagnosis) -> str:
    exp, out = expected[t - 1], got[t - 1]
    where = {1: "the very first step", 2: "step 1 matched"}.get(t, f"steps 1 to {t - 1} matched")
    lines = [
        f"{_call_text(spec.name, case.kwargs)} on a w of shape {case.shape} with "
        f"{case.steps} steps of {case.grads_text()}:",
        f"step {t} does not match torch.optim.{spec.name} ({where}; compared with "
        f"rtol={RTOL:g}, atol={ATOL:g}).",
        f"  expected w = {_preview(exp)}",
        f"  got      w = {_preview(out)}",
        _worst(exp, out),
    ]
    if diagnosis:
        lines.append(f"Diagnosis: {diagnosis}")
    elif not np.all(np.isfinite(out)):
        lines.append(
            "Your result contains NaN or inf: look for a division by zero (e.g. a step "
            "counter that starts at 0) or the square root of a negative number."
        )
    elif t == 1:
        lines.append(
            "Already the first step differs: check your one-step formula against the one "
            "in the notebook, starting from fresh state (t = 1, all running averages 0)."
        )
    else:
        lines.append(
            f"The first {t - 1} step(s) match, so the one-step formula is close: check how the "
            "state is carried from one step to the next (running averages, momentum "
            "buffer, step counter)."
        )
    return "\n".join(lines)


def _equal_default(a, b) -> bool:
    try:
        return np.shape(a) == np.shape(b) and bool(np.all(np.asarray(a) == np.asarray(b)))
    except Exception:
        return False


def _check_signature(spec: _Spec, cls) -> None:
    """The constructor takes the contract's parameters with the contract's defaults."""
    try:
        params = inspect.signature(cls).parameters
    except (TypeError, ValueError):
        return
    var_kw = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    for name, default in spec.params.items():
        p = params.get(name)
        if p is None:
            if var_kw:
                continue
            raise AssertionError(
                f"{spec.name}.__init__ has no parameter `{name}`; the signature is fixed by "
                f"the assignment: {spec.signature()}."
            )
        if default is _REQUIRED:
            continue
        if p.default is inspect.Parameter.empty:
            raise AssertionError(
                f"`{name}` of {spec.name}.__init__ has no default; the assignment gives it "
                f"the default {default!r} (torch.optim.{spec.name}'s): {spec.signature()}."
            )
        if not _equal_default(p.default, default):
            raise AssertionError(
                f"the default of `{name}` in {spec.name}.__init__ is {p.default!r}, but the "
                f"assignment (like torch.optim.{spec.name}) uses {default!r}: "
                f"{spec.signature()}."
            )


def _with_class_state_hint(cls, check: Callable[[], None]) -> None:
    """Run ``check``; add the class-level-state note to its failure message if relevant."""
    try:
        check()
    except AssertionError as exc:
        hint = _class_state_hint(cls)
        if hint and exc.args:
            exc.args = (f"{exc.args[0]}\n{hint}", *exc.args[1:])
        raise


# --------------------------------------------------------------------------------------
# The generic checks
# --------------------------------------------------------------------------------------


def _shared_state_diagnosis(spec: _Spec, cls, case: _Case, w0, grads, got) -> str | None:
    """Run the case again with a fresh instance: different numbers mean leaked state."""
    try:
        again = _student_trajectory(spec, cls, case, w0, grads)
    except AssertionError:
        return None
    if all(np.array_equal(x, y, equal_nan=True) for x, y in zip(got, again, strict=True)):
        return None
    return (
        f"your {spec.name} instances share state: a second fresh "
        f"{_call_text(spec.name, case.kwargs)} fed the same w and gradients gave different "
        "numbers, so this instance did not start from zero state. Create the state per "
        "instance (self.... = ... in __init__ or at the first step), not as a class-level "
        "attribute or a module-level variable."
    )


def _check_cases(
    spec: _Spec, cls, cases: list[_Case], *, signature: bool = False, explicit: bool = False
) -> None:
    """Compare the student's optimizer with torch.optim on every case, step by step.

    ``signature`` also checks the constructor's defaults; ``explicit`` passes every
    hyperparameter explicitly (so a wrong default does not fail these cases too).
    """

    def run() -> None:
        if signature:
            _check_signature(spec, cls)
        for case in cases:
            if explicit:
                case = replace(case, kwargs=spec.full(case.kwargs))
            w0, grads = _data(case)
            expected = _torch_trajectory(spec, case.kwargs, w0, grads)
            got = _student_trajectory(spec, cls, case, w0, grads)
            t = _first_mismatch(got, expected)
            if t is not None:
                diagnosis = _shared_state_diagnosis(spec, cls, case, w0, grads, got)
                diagnosis = diagnosis or _diagnose(spec, case.kwargs, w0, grads, got, expected)
                raise AssertionError(_mismatch_message(spec, case, t, got, expected, diagnosis))

    _with_class_state_hint(cls, run)


def _check_inputs_untouched(spec: _Spec, cls, kwargs: dict[str, Any], seed: int) -> None:
    """Inputs (also those of earlier steps) and earlier results stay unmodified."""
    case = _Case(kwargs, (3, 4), seed, steps=8)
    w0, grads = _data(case)
    opt = _construct(spec, cls, kwargs)
    base = _call_text(spec.name, kwargs)
    history: list[tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray, Any, Any]] = []
    w = w0
    for t, g in enumerate(grads, 1):
        w_in, g_in = w.copy(), g.copy()
        call = f"{base}.step(w, grad) at step {t}"
        out = _guarded(spec.name, call, opt.step, w_in, g_in)
        _check_result(call, out, case.shape)
        if not np.array_equal(w_in, w, equal_nan=True):
            raise AssertionError(
                f"{call} modified the w you passed in: return a new array, e.g. w - lr * d, "
                "instead of updating w in place (w -= ...); the caller may still need the old w."
            )
        if not np.array_equal(g_in, g, equal_nan=True):
            raise AssertionError(
                f"{call} modified the grad you passed in: build new arrays, e.g. "
                "g = grad + weight_decay * w, instead of changing grad in place "
                "(grad += ..., grad *= ...)."
            )
        for s, wi, wc, gi, gc, oi, oc in history:
            if not np.array_equal(gi, gc, equal_nan=True):
                raise AssertionError(
                    f"{call} changed the grad that was passed in at step {s}: your state keeps "
                    "a reference to the caller's array (e.g. self.buf = grad) and later updates "
                    "it in place (e.g. self.buf *= momentum); store a copy (grad.copy())."
                )
            if not np.array_equal(wi, wc, equal_nan=True):
                raise AssertionError(
                    f"{call} changed the w that was passed in at step {s}: your state keeps a "
                    "reference to the caller's array and later updates it in place; store a "
                    "copy (w.copy())."
                )
            if not np.array_equal(oi, oc, equal_nan=True):
                raise AssertionError(
                    f"{call} changed the array that step returned at step {s}: your state keeps "
                    "a reference to the array it returned and later updates it in place; the "
                    "caller owns the result, so keep a separate copy as state."
                )
        history.append((t, w_in, w.copy(), g_in, g.copy(), out, out.copy()))
        w = np.array(out, copy=True)


def _check_own_state(spec: _Spec, cls, kwargs_a, kwargs_b, seed: int) -> None:
    """Fresh instances start fresh, and two instances used side by side don't interfere."""
    case_a = _Case(kwargs_a, (5,), seed, steps=30)
    case_b = _Case(kwargs_b, (5,), seed + 1, steps=30)
    data_a, data_b = _data(case_a), _data(case_b)
    call_a, call_b = _call_text(spec.name, kwargs_a), _call_text(spec.name, kwargs_b)
    advice = (
        "Each instance must have its own state: create it per instance (self.... = ... in "
        "__init__ or at the first step), not as a class-level attribute or a module-level "
        "variable."
    )

    first = _student_trajectory(spec, cls, case_a, *data_a)
    second = _student_trajectory(spec, cls, case_a, *data_a)
    for t, (x, y) in enumerate(zip(first, second, strict=True), 1):
        if not np.array_equal(x, y, equal_nan=True):
            raise AssertionError(
                f"two {spec.name} instances share state: a second {call_a}, fed the same w "
                f"and gradients as a first one, gave a different w at step {t} "
                f"(first instance: {_preview(x)}, second: {_preview(y)}). {advice}"
            )
    alone_b = _student_trajectory(spec, cls, case_b, *data_b)

    a = _construct(spec, cls, kwargs_a)
    b = _construct(spec, cls, kwargs_b)
    wa, wb = data_a[0], data_b[0]
    for t, (ga, gb) in enumerate(zip(data_a[1], data_b[1], strict=True), 1):
        wa = np.array(
            _guarded(spec.name, f"{call_a}.step at step {t}", a.step, wa.copy(), ga.copy())
        )
        wb = np.array(
            _guarded(spec.name, f"{call_b}.step at step {t}", b.step, wb.copy(), gb.copy())
        )
        for label, w, alone in (("first", wa, first), ("second", wb, alone_b)):
            if w.shape != alone[t - 1].shape or not np.array_equal(w, alone[t - 1], equal_nan=True):
                raise AssertionError(
                    f"two {spec.name} instances share state: stepping {call_a} and {call_b} "
                    f"side by side, the {label} one gave a different w at step {t} than when "
                    f"used alone (alone: {_preview(alone[t - 1])}, side by side: "
                    f"{_preview(w)}). {advice}"
                )


def _check_contract(spec: _Spec, cls, full_settings, plain_settings, seed: int) -> None:
    def run() -> None:
        for i, kwargs in enumerate(full_settings):
            _check_inputs_untouched(spec, cls, kwargs, seed + i)
        _check_own_state(spec, cls, plain_settings[0], plain_settings[1], seed + 100)

    _with_class_state_hint(cls, run)


_SHAPES = [(1,), (7,), (4, 3)]

# --------------------------------------------------------------------------------------
# SGD
# --------------------------------------------------------------------------------------

_SGD_MATCH = _cases(
    1000,
    [
        ({"lr": 0.1}, _SHAPES, {}),
        ({"lr": 0.05, "momentum": 0.9}, _SHAPES, {}),
        ({"lr": 0.01, "momentum": 0.5}, [(7,)], {}),
        ({"lr": 0.1, "momentum": 0.0, "nesterov": False, "weight_decay": 0.0}, [(1,)], {}),
    ],
)
_SGD_EDGE = _cases(
    1100,
    [
        ({"lr": 0.05, "momentum": 0.9, "nesterov": True}, [(7,), (4, 3)], {}),
        ({"lr": 0.1, "weight_decay": 0.05}, [(1,), (4, 3)], {}),
        ({"lr": 0.05, "momentum": 0.9, "weight_decay": 0.01}, [(7,)], {}),
        ({"lr": 0.02, "momentum": 0.8, "nesterov": True, "weight_decay": 0.1}, [(4, 3)], {}),
        ({"lr": 0.1, "momentum": 0.9, "weight_decay": 0.1}, [(7,)], {"zeros": "all"}),
        ({"lr": 0.1, "momentum": 0.9, "nesterov": True}, [(4, 3)], {"zeros": "start"}),
    ],
)


def check_sgd_matches_torch(SGD) -> None:
    """SGD matches torch.optim.SGD over 200 random steps: plain and with momentum."""
    _check_cases(_SGD, SGD, _SGD_MATCH, signature=True)


def check_sgd_edge_cases(SGD) -> None:
    """SGD matches torch.optim.SGD with Nesterov, weight decay and zero gradients."""
    _check_cases(_SGD, SGD, _SGD_EDGE, explicit=True)


def check_sgd_contract(SGD) -> None:
    """SGD.step leaves its inputs alone, returns float64 of w's shape, keeps its own state."""
    _check_contract(
        _SGD,
        SGD,
        [
            {"lr": 0.1, "momentum": 0.9, "nesterov": False, "weight_decay": 0.0},
            {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.1},
        ],
        [
            {"lr": 0.1, "momentum": 0.9, "nesterov": False, "weight_decay": 0.0},
            {"lr": 0.05, "momentum": 0.5, "nesterov": False, "weight_decay": 0.0},
        ],
        1200,
    )


def check_sgd(SGD) -> None:
    """Every check of SGD."""
    check_sgd_matches_torch(SGD)
    check_sgd_edge_cases(SGD)
    check_sgd_contract(SGD)


# --------------------------------------------------------------------------------------
# Adagrad
# --------------------------------------------------------------------------------------

_ADAGRAD_MATCH = _cases(
    2000,
    [
        ({}, _SHAPES, {}),
        ({"lr": 0.1}, [(7,), (4, 3)], {}),
        ({"lr": 0.5, "eps": 1e-6}, _SHAPES, {}),
    ],
)
_ADAGRAD_EDGE = _cases(
    2100,
    [
        ({"lr": 0.1}, [(4, 3)], {"zeros": "start"}),
        ({"lr": 0.01}, [(7,)], {"scale": 1e-5}),
        ({"lr": 0.1, "eps": 0.1}, [(7,)], {}),
        ({"lr": 0.1}, [(1,)], {"zeros": "all"}),
    ],
)


def check_adagrad_matches_torch(Adagrad) -> None:
    """Adagrad matches torch.optim.Adagrad over 200 random steps (defaults included)."""
    _check_cases(_ADAGRAD, Adagrad, _ADAGRAD_MATCH, signature=True)


def check_adagrad_edge_cases(Adagrad) -> None:
    """Adagrad matches torch with zero gradients, tiny gradients and a large eps."""
    _check_cases(_ADAGRAD, Adagrad, _ADAGRAD_EDGE, explicit=True)


def check_adagrad_contract(Adagrad) -> None:
    """Adagrad.step leaves its inputs alone, returns float64 of w's shape, keeps its own state."""
    settings = [{"lr": 0.1, "eps": 1e-10}, {"lr": 0.5, "eps": 1e-6}]
    _check_contract(_ADAGRAD, Adagrad, settings, settings, 2200)


def check_adagrad(Adagrad) -> None:
    """Every check of Adagrad."""
    check_adagrad_matches_torch(Adagrad)
    check_adagrad_edge_cases(Adagrad)
    check_adagrad_contract(Adagrad)


# --------------------------------------------------------------------------------------
# RMSprop
# --------------------------------------------------------------------------------------

_RMSPROP_MATCH = _cases(
    3000,
    [
        ({}, _SHAPES, {}),
        ({"lr": 0.001, "alpha": 0.9}, [(7,), (4, 3)], {}),
        ({"lr": 0.05, "alpha": 0.5, "eps": 1e-4}, [(1,), (7,)], {}),
    ],
)
_RMSPROP_EDGE = _cases(
    3100,
    [
        ({"lr": 0.01}, [(4, 3)], {"zeros": "start"}),
        ({}, [(7,)], {"scale": 1e-6}),
        ({"lr": 0.01, "alpha": 0.1}, [(7,)], {}),
        ({"lr": 0.01, "eps": 0.1}, [(7,)], {}),
        ({}, [(1,)], {"zeros": "all"}),
    ],
)


def check_rmsprop_matches_torch(RMSprop) -> None:
    """RMSprop matches torch.optim.RMSprop over 200 random steps (defaults included)."""
    _check_cases(_RMSPROP, RMSprop, _RMSPROP_MATCH, signature=True)


def check_rmsprop_edge_cases(RMSprop) -> None:
    """RMSprop matches torch with zero and tiny gradients, a short memory (alpha=0.1), a large eps."""
    _check_cases(_RMSPROP, RMSprop, _RMSPROP_EDGE, explicit=True)


def check_rmsprop_contract(RMSprop) -> None:
    """RMSprop.step leaves its inputs alone, returns float64 of w's shape, keeps its own state."""
    settings = [
        {"lr": 0.01, "alpha": 0.99, "eps": 1e-8},
        {"lr": 0.05, "alpha": 0.5, "eps": 1e-4},
    ]
    _check_contract(_RMSPROP, RMSprop, settings, settings, 3200)


def check_rmsprop(RMSprop) -> None:
    """Every check of RMSprop."""
    check_rmsprop_matches_torch(RMSprop)
    check_rmsprop_edge_cases(RMSprop)
    check_rmsprop_contract(RMSprop)


# --------------------------------------------------------------------------------------
# Adadelta
# --------------------------------------------------------------------------------------

_ADADELTA_MATCH = _cases(
    4000,
    [
        ({}, _SHAPES, {}),
        ({"lr": 0.5, "rho": 0.95}, [(7,), (4, 3)], {}),
        ({"lr": 2.0, "rho": 0.5, "eps": 1e-4}, [(1,), (7,)], {}),
    ],
)
_ADADELTA_EDGE = _cases(
    4100,
    [
        ({}, [(4, 3)], {"zeros": "start"}),
        ({"lr": 0.5}, [(7,)], {"scale": 1e-5}),
        ({"lr": 1.0, "rho": 0.1}, [(7,)], {}),
        ({}, [(1,)], {"zeros": "all"}),
    ],
)


def check_adadelta_matches_torch(Adadelta) -> None:
    """Adadelta matches torch.optim.Adadelta over 200 random steps (defaults included)."""
    _check_cases(_ADADELTA, Adadelta, _ADADELTA_MATCH, signature=True)


def check_adadelta_edge_cases(Adadelta) -> None:
    """Adadelta matches torch with zero gradients, tiny gradients and a short memory (rho=0.1)."""
    _check_cases(_ADADELTA, Adadelta, _ADADELTA_EDGE, explicit=True)


def check_adadelta_contract(Adadelta) -> None:
    """Adadelta.step leaves its inputs alone, returns float64 of w's shape, keeps its own state."""
    settings = [{"lr": 1.0, "rho": 0.9, "eps": 1e-6}, {"lr": 0.5, "rho": 0.5, "eps": 1e-4}]
    _check_contract(_ADADELTA, Adadelta, settings, settings, 4200)


def check_adadelta(Adadelta) -> None:
    """Every check of Adadelta."""
    check_adadelta_matches_torch(Adadelta)
    check_adadelta_edge_cases(Adadelta)
    check_adadelta_contract(Adadelta)


# --------------------------------------------------------------------------------------
# Adam
# --------------------------------------------------------------------------------------

_ADAM_MATCH = _cases(
    5000,
    [
        ({}, _SHAPES, {}),
        ({"lr": 0.01, "betas": (0.8, 0.99)}, [(7,), (4, 3)], {}),
        ({"lr": 0.05, "betas": (0.5, 0.9), "eps": 1e-4}, [(1,), (7,)], {}),
        ({"lr": 0.01, "betas": (0.0, 0.99)}, [(7,)], {}),
    ],
)
_ADAM_EDGE = _cases(
    5100,
    [
        ({"weight_decay": 0.01}, [(7,)], {}),
        ({"lr": 0.01, "betas": (0.9, 0.99), "weight_decay": 0.1}, [(4, 3)], {}),
        ({"lr": 0.01, "weight_decay": 0.1}, [(1,)], {"zeros": "all"}),
        ({"lr": 0.01}, [(7,)], {"scale": 1e-6}),
        ({"lr": 0.01}, [(4, 3)], {"zeros": "start"}),
    ],
)


def check_adam_matches_torch(Adam) -> None:
    """Adam matches torch.optim.Adam over 200 random steps (defaults included)."""
    _check_cases(_ADAM, Adam, _ADAM_MATCH, signature=True)


def check_adam_edge_cases(Adam) -> None:
    """Adam matches torch with L2 weight decay, zero gradients and tiny gradients."""
    _check_cases(_ADAM, Adam, _ADAM_EDGE, explicit=True)


def check_adam_contract(Adam) -> None:
    """Adam.step leaves its inputs alone, returns float64 of w's shape, keeps its own state."""
    _check_contract(
        _ADAM,
        Adam,
        [
            {"lr": 0.01, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0},
            {"lr": 0.05, "betas": (0.5, 0.9), "eps": 1e-8, "weight_decay": 0.1},
        ],
        [
            {"lr": 0.01, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0},
            {"lr": 0.05, "betas": (0.5, 0.9), "eps": 1e-8, "weight_decay": 0.0},
        ],
        5200,
    )


def check_adam(Adam) -> None:
    """Every check of Adam."""
    check_adam_matches_torch(Adam)
    check_adam_edge_cases(Adam)
    check_adam_contract(Adam)


# --------------------------------------------------------------------------------------
# AdamW
# --------------------------------------------------------------------------------------

_ADAMW_MATCH = _cases(
    6000,
    [
        ({}, _SHAPES, {}),
        ({"lr": 0.01, "weight_decay": 0.1}, [(7,), (4, 3)], {}),
        ({"lr": 0.05, "betas": (0.5, 0.9), "eps": 1e-4, "weight_decay": 0.5}, [(1,), (7,)], {}),
        ({"lr": 0.01, "weight_decay": 0.0}, [(7,)], {}),
    ],
)
_ADAMW_EDGE = _cases(
    6100,
    [
        ({"lr": 0.01, "weight_decay": 0.1}, [(7,)], {"zeros": "all"}),
        ({"lr": 0.01}, [(7,)], {"scale": 1e-6}),
        ({"lr": 0.01, "weight_decay": 0.05}, [(4, 3)], {"zeros": "start"}),
        ({"lr": 0.1, "weight_decay": 2.0}, [(1,)], {}),
    ],
)


def check_adamw_matches_torch(AdamW) -> None:
    """AdamW matches torch.optim.AdamW over 200 random steps (defaults included)."""
    _check_cases(_ADAMW, AdamW, _ADAMW_MATCH, signature=True)


def check_adamw_edge_cases(AdamW) -> None:
    """AdamW matches torch with zero gradients (pure decay), tiny gradients, large decay."""
    _check_cases(_ADAMW, AdamW, _ADAMW_EDGE, explicit=True)


def check_adamw_contract(AdamW) -> None:
    """AdamW.step leaves its inputs alone, returns float64 of w's shape, keeps its own state."""
    settings = [
        {"lr": 0.01, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.01},
        {"lr": 0.05, "betas": (0.5, 0.9), "eps": 1e-8, "weight_decay": 0.5},
    ]
    _check_contract(_ADAMW, AdamW, settings, settings, 6200)


def check_adamw(AdamW) -> None:
    """Every check of AdamW."""
    check_adamw_matches_torch(AdamW)
    check_adamw_edge_cases(AdamW)
    check_adamw_contract(AdamW)


# --------------------------------------------------------------------------------------
# newton_step
# --------------------------------------------------------------------------------------


def _newton_cases() -> list[tuple[str, np.ndarray, np.ndarray, np.ndarray]]:
    """(description, w, grad, hessian): 1x1, SPD, indefinite (a saddle), diagonal, larger."""
    rng = np.random.default_rng(7000)
    cases = [("a 1x1 Hessian", np.array([2.0]), np.array([3.0]), np.array([[4.0]]))]

    a = rng.standard_normal((3, 3))
    cases.append(("a positive definite 3x3 Hessian", None, None, a @ a.T + 3 * np.eye(3)))
    q, _ = np.linalg.qr(rng.standard_normal((4, 4)))
    indefinite = q @ np.diag([3.0, 1.5, -0.5, -2.0]) @ q.T
    cases.append(
        ("an indefinite 4x4 Hessian (a saddle)", None, None, (indefinite + indefinite.T) / 2)
    )
    cases.append(("a diagonal 5x5 Hessian", None, None, np.diag(rng.uniform(0.5, 4.0, 5))))
    q, _ = np.linalg.qr(rng.standard_normal((8, 8)))
    spd = q @ np.diag(np.geomspace(0.1, 10.0, 8)) @ q.T
    cases.append(("a positive definite 8x8 Hessian", None, None, (spd + spd.T) / 2))

    out = []
    for text, w, g, h in cases:
        n = h.shape[0]
        w = rng.standard_normal(n) if w is None else w
        g = rng.standard_normal(n) if g is None else g
        out.append((text, w, g, h))
    return out


def check_newton_step(newton_step) -> None:
    """newton_step(w, grad, hessian) equals w - solve(hessian, grad), leaving its inputs alone."""
    import torch

    for text, w, g, h in _newton_cases():
        w_in, g_in, h_in = w.copy(), g.copy(), h.copy()
        call = f"newton_step(w, grad, hessian) with {text}"
        out = _guarded("newton_step", call, newton_step, w_in, g_in, h_in)
        _check_result(call, out, w.shape)
        for name, passed, original in (("w", w_in, w), ("grad", g_in, g), ("hessian", h_in, h)):
            if not np.array_equal(passed, original):
                raise AssertionError(
                    f"{call} modified the {name} you passed in: compute the new point as a new "
                    "array (e.g. w - d) instead of updating the inputs in place."
                )
        expected = w - torch.linalg.solve(torch.tensor(h), torch.tensor(g)).numpy()
        if not np.allclose(out, expected, rtol=RTOL, atol=1e-10):
            lines = [
                f"{call}: the result is not w - solve(hessian, grad).",
                f"  w        = {_preview(w)}",
                f"  expected   {_preview(expected)}",
                f"  got        {_preview(out)}",
                _worst(expected, out),
            ]
            with np.errstate(all="ignore"):
                for key, diagnosis in _NEWTON_DIAGNOSES.items():
                    try:
                        wrong = _newton_mutant(key, w, g, h)
                    except Exception:
                        continue
                    if _is_explained(_deviation([out], [wrong]), _deviation([out], [expected])):
                        lines.append(f"Diagnosis: {diagnosis}")
                        break
                else:
                    lines.append(
                        "The Newton step d solves hessian @ d = grad; the new point is w - d."
                    )
            raise AssertionError("\n".join(lines))
