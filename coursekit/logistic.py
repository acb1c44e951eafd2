"""Logistic regression on scikit-learn's breast-cancer data, in PyTorch (chapter 4).

Everything here is PyTorch: the loss is ``torch.nn.functional.binary_cross_entropy_with_logits``,
gradients come from autograd, the update is ``torch.optim.SGD`` and mini-batches are cut
from ``torch.randperm`` with a seeded ``torch.Generator``.  The objective is the mean
binary cross-entropy plus a small L2 penalty,

.. math::

    f(w) = \\frac1n \\sum_{i=1}^n \\ell\\big(y_i, x_i^\\top w\\big) + \\frac{\\lambda}{2} \\lVert w \\rVert^2 ,

because the 569 standardized examples are linearly separable: without the penalty the
loss has no minimizer (it only tends to 0 as ``|w|`` grows without bound).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.datasets import load_breast_cancer

#: Strength of the L2 penalty that gives the objective a unique minimizer.
L2_PENALTY: float = 1e-2


@dataclass(frozen=True)
class BinaryData:
    """A binary classification data set as float64 tensors.

    ``X`` has shape ``(n, d + 1)``: ``d`` standardized features and, last, a column of
    ones for the bias.  ``y`` has shape ``(n,)`` and holds 0.0 or 1.0.
    """

    X: torch.Tensor
    y: torch.Tensor
    feature_names: tuple[str, ...]

    @property
    def n(self) -> int:
        """Number of examples."""
        return self.X.shape[0]


def breast_cancer_tensors() -> BinaryData:
    """scikit-learn's breast-cancer data: 569 tumours, 30 features, label 1 = benign.

    Every feature is standardized to mean 0 and standard deviation 1 over the 569 rows,
    and a bias column of ones is appended, so ``X`` has shape ``(569, 31)``.
    """
    data = load_breast_cancer()
    X = np.asarray(data.data, dtype=np.float64)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    X = np.hstack([X, np.ones((len(X), 1))])
    return BinaryData(
        X=torch.tensor(X),
        y=torch.tensor(data.target, dtype=torch.float64),
        feature_names=(*data.feature_names, "bias"),
    )


def objective(
    w: torch.Tensor, X: torch.Tensor, y: torch.Tensor, lam: float = L2_PENALTY
) -> torch.Tensor:
    """Mean binary cross-entropy of the logits ``X @ w`` plus ``lam / 2 * |w|^2``."""
    return F.binary_cross_entropy_with_logits(X @ w, y) + 0.5 * lam * (w @ w)


def minimize(data: BinaryData, lam: float = L2_PENALTY) -> tuple[torch.Tensor, float]:
    """The minimizer ``w*`` and minimum ``f*`` of :func:`objective`, by ``torch.optim.LBFGS``.

    The objective is strongly convex (for ``lam > 0``), so L-BFGS with a strong-Wolfe line
    search reaches ``w*`` to near machine precision; we use ``f*`` to plot ``f - f*``.
    """
    w = torch.zeros(data.X.shape[1], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS(
        [w],
        lr=1.0,
        max_iter=500,
        tolerance_grad=1e-13,
        tolerance_change=1e-16,
        history_size=50,
        line_search_fn="strong_wolfe",
    )

    def closure() -> torch.Tensor:
        opt.zero_grad()
        loss = objective(w, data.X, data.y, lam)
        loss.backward()
        return loss

    for _ in range(3):
        opt.step(closure)
    w_star = w.detach().clone()
    with torch.no_grad():
        f_star = float(objective(w_star, data.X, data.y, lam))
    return w_star, f_star


@dataclass(frozen=True)
class Run:
    """What :func:`train_sgd` records, once before training and after every epoch.

    Attributes:
        loss: Full-data objective ``f(w)``, shape ``(epochs + 1,)``.
        seconds: Wall-clock time spent in the training steps so far (evaluating ``loss``
            is not counted), shape ``(epochs + 1,)``.
        iterations: Number of parameter updates so far, shape ``(epochs + 1,)``.
        w: The final parameters.
    """

    loss: np.ndarray
    seconds: np.ndarray
    iterations: np.ndarray
    w: torch.Tensor


def train_sgd(
    data: BinaryData,
    batch_size: int,
    lr: float,
    epochs: int,
    seed: int = 0,
    lam: float = L2_PENALTY,
) -> Run:
    """Mini-batch SGD on :func:`objective` from ``w = 0``.

    Each epoch shuffles the rows with ``torch.randperm`` (a ``torch.Generator`` seeded
    with ``seed``), cuts the permutation into consecutive batches of ``batch_size`` rows
    (the last one may be smaller) and takes one ``torch.optim.SGD`` step per batch.
    ``batch_size = n`` is batch gradient descent; ``batch_size = 1`` is "pure" SGD.
    If the parameters stop being finite the remaining epochs are recorded as NaN.
    """
    gen = torch.Generator().manual_seed(seed)
    w = torch.zeros(data.X.shape[1], dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.SGD([w], lr=lr)
    loss = np.full(epochs + 1, np.nan)
    seconds = np.zeros(epochs + 1)
    iterations = np.zeros(epochs + 1, dtype=np.int64)
    with torch.no_grad():
        loss[0] = float(objective(w, data.X, data.y, lam))
    elapsed, steps = 0.0, 0
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        for batch in torch.randperm(data.n, generator=gen).split(batch_size):
            optimizer.zero_grad()
            objective(w, data.X[batch], data.y[batch], lam).backward()
            optimizer.step()
            steps += 1
        elapsed += time.perf_counter() - start
        seconds[epoch], iterations[epoch] = elapsed, steps
        with torch.no_grad():
            value = float(objective(w, data.X, data.y, lam))
        if not np.isfinite(value):
            break
        loss[epoch] = value
    return Run(loss=loss, seconds=seconds, iterations=iterations, w=w.detach().clone())


def per_example_gradients(
    w: torch.Tensor, data: BinaryData, lam: float = L2_PENALTY
) -> torch.Tensor:
    """The gradient of every example's term ``l_i(w) + lam/2 |w|^2``, shape ``(n, d + 1)``.

    Computed by autograd for all rows at once (``torch.func.vmap`` over
    ``torch.func.grad``); their mean over the rows is the full gradient of
    :func:`objective`.
    """

    def example_objective(w_: torch.Tensor, x_i: torch.Tensor, y_i: torch.Tensor) -> torch.Tensor:
        return objective(w_, x_i[None], y_i[None], lam)

    grad_fn = torch.func.vmap(torch.func.grad(example_objective), in_dims=(None, 0, 0))
    return grad_fn(w.detach(), data.X, data.y)
