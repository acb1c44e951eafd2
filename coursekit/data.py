"""Small, deterministic data sets for the book: nothing is downloaded."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from sklearn.datasets import load_diabetes


@dataclass(frozen=True)
class RegressionData:
    """A train/test split of a regression problem, as tensors.

    ``X_*`` have shape ``(n, d)`` and ``y_*`` shape ``(n, 1)``.  Features and target are
    standardized with the *training* mean and standard deviation, so the test set is
    transformed exactly as new data would be.
    """

    X_train: torch.Tensor
    y_train: torch.Tensor
    X_test: torch.Tensor
    y_test: torch.Tensor
    feature_names: tuple[str, ...]


def diabetes_tensors(
    test_fraction: float = 0.2, seed: int = 0, dtype: torch.dtype = torch.float32
) -> RegressionData:
    """scikit-learn's diabetes data (442 patients, 10 features), split and standardized.

    The target (disease progression after one year) is standardized too, so a mean
    squared error of 1 is what predicting the training mean achieves.

    Args:
        test_fraction: Share of the rows held out as the test set.
        seed: Seed of the permutation that splits the rows.
        dtype: Tensor dtype.
    """
    data = load_diabetes()
    X = np.asarray(data.data, dtype=np.float64)
    y = np.asarray(data.target, dtype=np.float64).reshape(-1, 1)
    perm = np.random.default_rng(seed).permutation(len(X))
    n_test = round(test_fraction * len(X))
    test, train = perm[:n_test], perm[n_test:]
    x_mean, x_std = X[train].mean(axis=0), X[train].std(axis=0)
    y_mean, y_std = y[train].mean(), y[train].std()

    def as_tensor(a: np.ndarray) -> torch.Tensor:
        return torch.tensor(a, dtype=dtype)

    return RegressionData(
        X_train=as_tensor((X[train] - x_mean) / x_std),
        y_train=as_tensor((y[train] - y_mean) / y_std),
        X_test=as_tensor((X[test] - x_mean) / x_std),
        y_test=as_tensor((y[test] - y_mean) / y_std),
        feature_names=tuple(data.feature_names),
    )


def toy_linear_regression(
    n: int = 200, d: int = 2, noise: float = 0.5, seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Seeded synthetic data ``y = X w + noise`` with standard normal ``X`` (float64).

    Returns:
        ``(X, y, w_true)`` with shapes ``(n, d)``, ``(n,)`` and ``(d,)``.
    """
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    w = rng.standard_normal(d)
    y = X @ w + noise * rng.standard_normal(n)
    return torch.tensor(X), torch.tensor(y), torch.tensor(w)
