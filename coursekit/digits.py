"""scikit-learn's handwritten digits as PyTorch tensors (chapters 4 and 6).

1797 grey-scale images of 8 x 8 pixels with values 0..16, ten classes.  Nothing is
downloaded: the data ship inside scikit-learn.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split


@dataclass(frozen=True)
class ClassificationData:
    """Train / validation / test tensors of a classification problem.

    ``X_*`` are float32 of shape ``(n, 64)`` with pixel values scaled to [0, 1]; ``y_*``
    are int64 class labels 0..9.  ``X_val`` and ``y_val`` are empty when no validation
    set was asked for.
    """

    X_train: torch.Tensor
    y_train: torch.Tensor
    X_val: torch.Tensor
    y_val: torch.Tensor
    X_test: torch.Tensor
    y_test: torch.Tensor

    @property
    def n_features(self) -> int:
        return self.X_train.shape[1]

    @property
    def n_classes(self) -> int:
        return int(self.y_train.max()) + 1


def digits_tensors(
    test_size: float = 0.25, val_size: float = 0.0, seed: int = 0
) -> ClassificationData:
    """The digits, split into stratified train, validation and test sets.

    Args:
        test_size: Share of all images held out for testing.
        val_size: Share of all images held out for validation (0 for none).
        seed: ``random_state`` of scikit-learn's ``train_test_split``.

    Pixels are divided by 16, so every feature lies in [0, 1]; no statistic of the held-out
    images is used.
    """
    digits = load_digits()
    X = np.asarray(digits.data, dtype=np.float32) / 16.0
    y = np.asarray(digits.target, dtype=np.int64)
    X_rest, X_test, y_rest, y_test = train_test_split(
        X, y, test_size=test_size, random_state=seed, stratify=y
    )
    if val_size > 0:
        X_train, X_val, y_train, y_val = train_test_split(
            X_rest,
            y_rest,
            test_size=val_size / (1 - test_size),
            random_state=seed,
            stratify=y_rest,
        )
    else:
        X_train, y_train = X_rest, y_rest
        X_val, y_val = X[:0], y[:0]
    t = torch.from_numpy
    return ClassificationData(
        X_train=t(X_train),
        y_train=t(y_train),
        X_val=t(np.ascontiguousarray(X_val)),
        y_val=t(np.ascontiguousarray(y_val)),
        X_test=t(X_test),
        y_test=t(y_test),
    )
