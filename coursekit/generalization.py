"""Synthetic regression data and simulation plumbing for chapters 1-3.

The running example of chapters 1 and 2 is a noisy sine wave on ``[-1, 1]``:
``y = sin(pi x) + noise``.  Because the true function and the noise level are known, a
page can draw as many training sets and as much test data as it likes, which is what
measuring test error, bias and variance by simulation needs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.patches import Patch

#: Standard deviation of the noise in the running example.
NOISE_SD = 0.3

FitPredict = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]


def true_function(x: np.ndarray) -> np.ndarray:
    """The regression function of the running example, ``f(x) = sin(pi x)``."""
    return np.sin(np.pi * np.asarray(x, dtype=np.float64))


def sample_sine_data(
    n: int, noise_sd: float = NOISE_SD, seed: int | np.random.Generator | None = 0
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points with ``x`` uniform on ``[-1, 1]`` and ``y = sin(pi x) + N(0, noise_sd²)``.

    Args:
        n: Number of points.
        noise_sd: Standard deviation of the Gaussian noise.
        seed: An integer seed or a ``numpy.random.Generator`` (draws ``x`` first, then noise).

    Returns:
        ``(x, y)``, two float64 arrays of shape ``(n,)``.
    """
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, size=n)
    y = true_function(x) + noise_sd * rng.standard_normal(n)
    return x, y


def polyfit_predictor(degree: int) -> FitPredict:
    """A ``fit_predict(x_train, y_train, x_eval)`` function: least-squares polynomial of
    ``degree`` fitted with ``np.polyfit`` and evaluated with ``np.polyval``."""

    def fit_predict(x_train: np.ndarray, y_train: np.ndarray, x_eval: np.ndarray) -> np.ndarray:
        return np.polyval(np.polyfit(x_train, y_train, degree), x_eval)

    return fit_predict


def predictions_over_training_sets(
    fit_predict: FitPredict,
    x_eval: np.ndarray,
    n_datasets: int,
    n_train: int,
    noise_sd: float = NOISE_SD,
    seed: int = 0,
) -> np.ndarray:
    """Train one model per independent training set and predict at the same points.

    Training set ``i`` is ``sample_sine_data(n_train, noise_sd, seed=[seed, i])``, so the
    same ``seed`` gives the same training sets to every model that is compared.

    Args:
        fit_predict: ``fit_predict(x_train, y_train, x_eval)`` returns predictions at
            ``x_eval`` of a model fitted to ``(x_train, y_train)``.
        x_eval: Points where every model predicts, shape ``(m,)``.
        n_datasets: Number of training sets.
        n_train: Size of each training set.
        noise_sd: Noise level of the training targets.
        seed: Base seed of the training sets.

    Returns:
        Array of shape ``(n_datasets, m)``: row ``i`` holds the predictions of the model
        trained on training set ``i``.  (If ``fit_predict`` returns an array of another
        shape, e.g. one row per member of an ensemble, the result has shape
        ``(n_datasets, *that shape)``.)
    """
    x_eval = np.asarray(x_eval, dtype=np.float64)
    rows = []
    for i in range(n_datasets):
        x_train, y_train = sample_sine_data(
            n_train, noise_sd, seed=np.random.default_rng([seed, i])
        )
        rows.append(np.asarray(fit_predict(x_train, y_train, x_eval), dtype=np.float64))
    return np.stack(rows)


def plot_folds(
    ax: Axes,
    splits: Iterable[tuple[np.ndarray, np.ndarray]],
    n_samples: int,
    title: str | None = None,
) -> None:
    """Draw cross-validation splits as a grid: one row per split, one column per sample.

    Training samples are light, validation samples dark; samples in neither set (as in a
    split that leaves some out) stay white.

    Args:
        ax: Axes to draw on.
        splits: ``(train_idx, val_idx)`` pairs, e.g. ``KFold(5).split(X)``.
        n_samples: Number of samples (columns).
        title: Axes title.
    """
    splits = list(splits)
    grid = np.zeros((len(splits), n_samples))
    for row, (train_idx, val_idx) in enumerate(splits):
        grid[row, train_idx] = 1
        grid[row, val_idx] = 2
    cmap = ListedColormap(["white", "#aec7e8", "#d62728"])
    ax.imshow(grid, aspect="auto", cmap=cmap, vmin=0, vmax=2, interpolation="nearest")
    ax.set_yticks(range(len(splits)), [f"fold {i + 1}" for i in range(len(splits))])
    ax.set_xlabel("sample index")
    ax.grid(False)
    ax.legend(
        handles=[
            Patch(color="#aec7e8", label="training"),
            Patch(color="#d62728", label="validation"),
        ],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.18),
        ncols=2,
    )
    if title is not None:
        ax.set_title(title)
