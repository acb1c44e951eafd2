"""Helpers for chapter 3: what a fitted scikit-learn ensemble did, and 2-D pictures of it."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from matplotlib.axes import Axes
from scipy.special import logsumexp


def adaboost_sample_weights(model, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The sample weights that each round of a fitted ``AdaBoostClassifier`` trained on.

    scikit-learn does not store them, but they follow from the fitted stumps: round 1
    uses uniform weights, and after round ``m`` scikit-learn multiplies the weight of
    every point that stump ``m`` misclassified by ``exp(estimator_weights_[m])`` and
    renormalizes.  The arithmetic is done on log-weights, as scikit-learn does.

    Args:
        model: A fitted ``sklearn.ensemble.AdaBoostClassifier``.
        X: The training inputs the model was fitted on, shape ``(n, d)``.
        y: The training labels it was fitted on, shape ``(n,)``.

    Returns:
        Array of shape ``(n_rounds, n)``; row ``m`` sums to 1 and holds the weights the
        stump of round ``m + 1`` was fitted with.
    """
    n = len(y)
    log_weights = np.full(n, -np.log(n))
    history = []
    for stump, stump_weight in zip(model.estimators_, model.estimator_weights_, strict=False):
        history.append(np.exp(log_weights - logsumexp(log_weights)))
        missed = stump.predict(X) != y
        log_weights = log_weights + stump_weight * missed
    return np.array(history)


def plot_decision_regions(
    ax: Axes,
    predict: Callable[[np.ndarray], np.ndarray],
    X: np.ndarray,
    y: np.ndarray,
    title: str | None = None,
    resolution: int = 200,
    padding: float = 0.4,
    sizes: np.ndarray | float = 14.0,
    positive_label: int = 1,
) -> None:
    """Colour the plane by a binary classifier's prediction and scatter the data on top.

    Args:
        ax: Axes to draw on.
        predict: Maps an ``(m, 2)`` array of points to class labels.
        X: Points to scatter, shape ``(n, 2)``.
        y: Their labels.
        title: Axes title.
        resolution: Grid points per axis.
        padding: Margin around the data.
        sizes: Marker areas (one per point, e.g. proportional to a sample weight).
        positive_label: The label shown in orange; every other label is shown in blue.
    """
    (x_lo, y_lo), (x_hi, y_hi) = X.min(0) - padding, X.max(0) + padding
    gx, gy = np.meshgrid(np.linspace(x_lo, x_hi, resolution), np.linspace(y_lo, y_hi, resolution))
    labels = np.asarray(predict(np.column_stack([gx.ravel(), gy.ravel()])))
    positive = labels == positive_label
    ax.contourf(
        gx,
        gy,
        positive.reshape(gx.shape),
        levels=[-0.5, 0.5, 1.5],
        colors=["#c6dbef", "#fdd0a2"],
        alpha=0.8,
    )
    classes = np.unique(y)
    for value, color in zip(classes, ["tab:blue", "tab:orange"], strict=False):
        mask = y == value
        size = sizes[mask] if np.ndim(sizes) else sizes
        ax.scatter(
            X[mask, 0],
            X[mask, 1],
            s=size,
            color=color,
            edgecolor="k",
            linewidth=0.4,
            label=f"class {value}",
        )
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(y_lo, y_hi)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.grid(False)
    if title is not None:
        ax.set_title(title)
