"""Two-dimensional loss surfaces on which the book runs and draws optimizers.

Every surface is a plain function ``f(x, y)`` built from ``+``, ``*`` and ``**`` only,
so the same code evaluates a PyTorch tensor (for autograd and ``torch.optim``) and a
NumPy array (for contour grids).  The three surfaces of chapter 5 are

``quadratic``
    :math:`f(x, y) = \\tfrac12 (x^2 + \\kappa y^2)` with :math:`\\kappa = 20`: an
    ill-conditioned valley, Hessian ``diag(1, 20)``, unique minimum ``(0, 0)``, value 0.
``rosenbrock``
    :math:`f(x, y) = (1 - x)^2 + 100 (y - x^2)^2`: a curved, flat-bottomed banana
    valley, unique minimum ``(1, 1)``, value 0.
``saddle``
    :math:`f(x, y) = \\tfrac12 x^2 + \\tfrac14 y^4 - \\tfrac12 y^2`: a saddle point at
    ``(0, 0)`` (Hessian ``diag(1, -1)``, value 0) between two minima ``(0, +1)`` and
    ``(0, -1)`` (value ``-1/4``).  Unlike ``x**2 - y**2`` it is bounded below, so an
    optimizer that escapes the saddle has somewhere to go.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

#: Condition number of the ill-conditioned quadratic (ratio of its Hessian's eigenvalues).
KAPPA: float = 20.0

Point = tuple[float, float]


def quadratic(x: Any, y: Any) -> Any:
    """Ill-conditioned quadratic ``0.5 * (x**2 + KAPPA * y**2)``; minimum 0 at (0, 0)."""
    return 0.5 * (x**2 + KAPPA * y**2)


def rosenbrock(x: Any, y: Any) -> Any:
    """Rosenbrock's banana ``(1 - x)**2 + 100 * (y - x**2)**2``; minimum 0 at (1, 1)."""
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def saddle(x: Any, y: Any) -> Any:
    """``0.5 x**2 + 0.25 y**4 - 0.5 y**2``: saddle at (0, 0), minima -1/4 at (0, +-1)."""
    return 0.5 * x**2 + 0.25 * y**4 - 0.5 * y**2


def bumpy(x: Any, amplitude: float = 1.0) -> Any:
    """A one-dimensional function with several local minima: ``x**2 / 10 + a sin(3 x)``.

    The quadratic term makes a global bowl; the sine, of amplitude ``a``, puts a dip in
    it every ``2 pi / 3`` units (for ``a > 1/45`` there are several local minima).  Works
    on floats, NumPy arrays and tensors (``sin`` is dispatched on the type).
    """
    sin = torch.sin if isinstance(x, torch.Tensor) else np.sin
    return x**2 / 10 + amplitude * sin(3 * x)


@dataclass(frozen=True)
class Surface:
    """A named 2-D loss surface with what is needed to optimize and plot it.

    Attributes:
        name: Short title used in figures and tables.
        func: ``f(x, y)`` that works elementwise on tensors and NumPy arrays.
        start: Default starting point of optimizers.
        xlim, ylim: Plot window.
        f_min: The global minimum value (used to plot ``f - f_min`` on a log scale).
        minima: Known local and global minimizers.
        saddles: Known saddle points.
    """

    name: str
    func: Callable[[Any, Any], Any]
    start: Point
    xlim: Point
    ylim: Point
    f_min: float
    minima: tuple[Point, ...]
    saddles: tuple[Point, ...] = field(default=())

    def __call__(self, xy: torch.Tensor) -> torch.Tensor:
        """Evaluate at a tensor whose last dimension holds ``(x, y)``."""
        return self.func(xy[..., 0], xy[..., 1])

    def value(self, point: Any) -> float:
        """The function value at a point given as a pair, array or tensor."""
        p = np.asarray(point, dtype=np.float64)
        return float(self.func(p[0], p[1]))

    def gradient(self, point: Any) -> np.ndarray:
        """Exact gradient at ``point`` (by PyTorch autograd, in float64)."""
        p = torch.tensor(np.asarray(point, dtype=np.float64), requires_grad=True)
        (grad,) = torch.autograd.grad(self(p), p)
        return grad.numpy()

    def hessian(self, point: Any) -> np.ndarray:
        """Exact 2x2 Hessian at ``point`` (``torch.autograd.functional.hessian``)."""
        p = torch.tensor(np.asarray(point, dtype=np.float64))
        return torch.autograd.functional.hessian(self, p).numpy()

    def grid(
        self, n: int = 300, xlim: Point | None = None, ylim: Point | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(X, Y, Z)`` on an ``n x n`` grid for contour plots.

        The grid covers the plot window, or ``xlim`` x ``ylim`` where given.
        """
        xs = np.linspace(*(xlim or self.xlim), n)
        ys = np.linspace(*(ylim or self.ylim), n)
        x, y = np.meshgrid(xs, ys)
        return x, y, self.func(x, y)


QUADRATIC = Surface(
    name=f"Ill-conditioned quadratic (κ = {KAPPA:g})",
    func=quadratic,
    start=(-4.5, 1.5),
    xlim=(-5.0, 5.0),
    ylim=(-2.0, 2.0),
    f_min=0.0,
    minima=((0.0, 0.0),),
)

ROSENBROCK = Surface(
    name="Rosenbrock",
    func=rosenbrock,
    start=(-1.2, 1.0),
    xlim=(-2.0, 2.0),
    ylim=(-1.0, 3.0),
    f_min=0.0,
    minima=((1.0, 1.0),),
)

SADDLE = Surface(
    name="Saddle",
    func=saddle,
    start=(-2.0, 1e-3),
    xlim=(-2.5, 2.5),
    ylim=(-1.6, 1.6),
    f_min=-0.25,
    minima=((0.0, 1.0), (0.0, -1.0)),
    saddles=((0.0, 0.0),),
)

#: The three surfaces of chapter 5, in the order the book shows them.
SURFACES: tuple[Surface, ...] = (QUADRATIC, ROSENBROCK, SADDLE)
