"""Run PyTorch optimizers (and Newton's method) on a 2-D surface and record the path.

The optimizers themselves are always PyTorch's (``torch.optim.SGD``, ``Adam``, ...):
this module only drives them, with the standard loop ``zero_grad`` / ``backward`` /
``step``, and writes down where the parameter went.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import torch

from coursekit.surfaces import Point, Surface

#: A path that leaves this box (or becomes NaN) counts as diverged; the rest is NaN.
DIVERGENCE_BOUND: float = 1e6

OptimizerClass = Callable[..., torch.optim.Optimizer]


def run_optimizer(
    surface: Surface | Callable[[torch.Tensor], torch.Tensor],
    optimizer_class: OptimizerClass,
    steps: int,
    start: Point | None = None,
    **kwargs: Any,
) -> np.ndarray:
    """Minimize ``surface`` with ``optimizer_class(**kwargs)`` for ``steps`` steps.

    Args:
        surface: A :class:`~coursekit.surfaces.Surface`, or any function mapping a
            float64 tensor of shape ``(2,)`` to a scalar tensor (then ``start`` is needed).
        optimizer_class: A ``torch.optim.Optimizer`` subclass, e.g. ``torch.optim.Adam``.
        steps: Number of calls to ``optimizer.step``.
        start: Starting point; defaults to ``surface.start``.
        **kwargs: Passed to the optimizer (``lr``, ``momentum``, ``betas``, ...).

    Returns:
        The path, shape ``(steps + 1, 2)``: row 0 is the start, row ``t`` the point after
        step ``t``.  If the iterate diverges (non-finite or beyond ``DIVERGENCE_BOUND``),
        the rows from then on are NaN.

    ``torch.optim.LBFGS`` works too: every ``step`` is given a closure, as LBFGS needs,
    so each of its steps is one quasi-Newton iteration (pass ``max_iter=1``).
    """
    if start is None:
        if not isinstance(surface, Surface):
            raise ValueError("start is required when surface is not a Surface")
        start = surface.start
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    optimizer = optimizer_class([p], **kwargs)

    def closure() -> torch.Tensor:
        optimizer.zero_grad()
        loss = surface(p)
        loss.backward()
        return loss

    path = np.full((steps + 1, 2), np.nan)
    path[0] = start
    for t in range(1, steps + 1):
        optimizer.step(closure)
        point = p.detach().numpy()
        if not np.all(np.isfinite(point)) or np.max(np.abs(point)) > DIVERGENCE_BOUND:
            break
        path[t] = point
    return path


def newton_path(surface: Surface, steps: int, start: Point | None = None) -> np.ndarray:
    """Pure Newton's method, ``x <- x - H(x)^{-1} grad f(x)``, with autograd derivatives.

    The gradient comes from ``torch.autograd.grad`` and the Hessian from
    ``torch.autograd.functional.hessian``; the linear system is solved with
    ``torch.linalg.solve``.  Returns the path, shape ``(steps + 1, 2)``, NaN after a
    singular Hessian or divergence.
    """
    x = torch.tensor(surface.start if start is None else start, dtype=torch.float64)
    path = np.full((steps + 1, 2), np.nan)
    path[0] = x.numpy()
    for t in range(1, steps + 1):
        xg = x.clone().requires_grad_(True)
        (grad,) = torch.autograd.grad(surface(xg), xg)
        hess = torch.autograd.functional.hessian(surface, x)
        try:
            x = x - torch.linalg.solve(hess, grad)
        except RuntimeError:  # singular Hessian
            break
        if not bool(torch.all(torch.isfinite(x))) or float(x.abs().max()) > DIVERGENCE_BOUND:
            break
        path[t] = x.numpy()
    return path


def losses(surface: Surface, path: np.ndarray) -> np.ndarray:
    """Function values along a path (NaN where the path is NaN)."""
    return np.asarray(surface.func(path[:, 0], path[:, 1]), dtype=np.float64)


def steps_to_reach(surface: Surface, path: np.ndarray, tol: float = 1e-6) -> int | None:
    """First step ``t`` with ``f(path[t]) - f_min < tol``, or ``None`` if never reached."""
    gap = losses(surface, path) - surface.f_min
    hits = np.flatnonzero(gap < tol)
    return int(hits[0]) if hits.size else None


def count_steps(
    surface: Surface,
    optimizer_class: OptimizerClass,
    tol: float,
    max_steps: int,
    start: Point | None = None,
    **kwargs: Any,
) -> int | None:
    """Run like :func:`run_optimizer`, but stop at the first step where
    ``f - f_min < tol`` and return that step number (``None`` if ``max_steps`` pass first
    or the run diverges).  Cheaper than ``steps_to_reach(run_optimizer(...))`` for slow runs.
    """
    p = torch.tensor(surface.start if start is None else start, dtype=torch.float64)
    p.requires_grad_(True)
    optimizer = optimizer_class([p], **kwargs)

    def closure() -> torch.Tensor:
        optimizer.zero_grad()
        loss = surface(p)
        loss.backward()
        return loss

    for t in range(1, max_steps + 1):
        optimizer.step(closure)
        with torch.no_grad():
            gap = float(surface(p)) - surface.f_min
        if not np.isfinite(gap):
            return None
        if gap < tol:
            return t
    return None


def best_learning_rate(
    surface: Surface,
    optimizer_class: OptimizerClass,
    lrs: Iterable[float],
    steps: int,
    **kwargs: Any,
) -> tuple[float, np.ndarray]:
    """Try every learning rate in ``lrs``; keep the one whose path ends lowest.

    A path ranks by its mean of ``log10(f - f_min)`` over the last tenth of its steps, which
    rewards being low at the end without being fooled by one lucky iterate; diverged
    paths rank last.  Ties go to the first learning rate.

    Returns:
        ``(best_lr, best_path)``.
    """
    best: tuple[float, float, np.ndarray] | None = None
    tail = max(1, steps // 10)
    for lr in lrs:
        path = run_optimizer(surface, optimizer_class, steps, lr=lr, **kwargs)
        gap = losses(surface, path[-tail:]) - surface.f_min
        score = float(np.mean(np.log10(np.maximum(gap, 1e-300))))
        if not np.isfinite(score):
            score = np.inf
        if best is None or score < best[0]:
            best = (score, lr, path)
    if best is None:
        raise ValueError("lrs is empty")
    return best[1], best[2]
