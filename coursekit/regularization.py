"""Plumbing for the regularization chapters (7 and 8): a deliberately small digits training
set, a small MLP factory, one training loop with hooks, and an image-grid plot.

The pages show each regularizer in the open (a penalty, a hook after the step, a batch
transform); this module only runs the loop and records the curves, so that every page trains
its networks the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure
from torch import nn

from coursekit.digits import ClassificationData, digits_tensors

#: A batch transform: (images, labels, generator) -> (inputs, targets), where the targets
#: are class indices or class probabilities (both are accepted by ``F.cross_entropy``).
BatchTransform = Callable[[torch.Tensor, torch.Tensor, torch.Generator], tuple]


def small_digits(n_train: int = 300, seed: int = 0) -> ClassificationData:
    """The 8 x 8 digits with a deliberately small training set, so that an MLP overfits.

    The data are split (stratified, seeded) into 50 % training, 25 % validation and 25 %
    test images; then only the first ``n_train`` training images of a seeded permutation
    are kept. Validation (449 images) and test (450 images) sets are those of the full
    split, so results for different ``n_train`` are comparable.
    """
    full = digits_tensors(test_size=0.25, val_size=0.25, seed=seed)
    if not 10 <= n_train <= len(full.X_train):
        raise ValueError(f"n_train must lie in [10, {len(full.X_train)}], got {n_train}")
    keep = torch.randperm(len(full.X_train), generator=torch.Generator().manual_seed(seed))
    keep = keep[:n_train]
    return ClassificationData(
        X_train=full.X_train[keep],
        y_train=full.y_train[keep],
        X_val=full.X_val,
        y_val=full.y_val,
        X_test=full.X_test,
        y_test=full.y_test,
    )


def make_mlp(
    hidden: Sequence[int] = (128,),
    n_in: int = 64,
    n_out: int = 10,
    dropout: float = 0.0,
    batch_norm: bool = False,
    activation: type[nn.Module] = nn.ReLU,
    seed: int = 0,
) -> nn.Sequential:
    """A fully connected classifier, float32, seeded.

    Every hidden layer is ``Linear -> [BatchNorm1d] -> activation -> [Dropout(dropout)]``;
    the output layer is a plain ``Linear`` that returns logits.
    """
    torch.manual_seed(seed)
    layers: list[nn.Module] = []
    width = n_in
    for units in hidden:
        layers.append(nn.Linear(width, units))
        if batch_norm:
            layers.append(nn.BatchNorm1d(units))
        layers.append(activation())
        if dropout > 0:
            layers.append(nn.Dropout(dropout))
        width = units
    layers.append(nn.Linear(width, n_out))
    return nn.Sequential(*layers)


def evaluate(model: nn.Module, X: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
    """(mean cross-entropy, accuracy) of ``model`` on ``(X, y)`` in eval mode.

    The model's train/eval mode is restored afterwards.
    """
    was_training = model.training
    model.eval()
    with torch.no_grad():
        logits = model(X)
        loss = F.cross_entropy(logits, y).item()
        accuracy = (logits.argmax(1) == y).float().mean().item()
    model.train(was_training)
    return loss, accuracy


@dataclass
class History:
    """Per-epoch curves of one training run, measured in eval mode after each epoch.

    ``extra`` holds the curves of the ``record`` functions given to :func:`train_classifier`.
    """

    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    train_acc: list[float] = field(default_factory=list)
    val_acc: list[float] = field(default_factory=list)
    extra: dict[str, list[float]] = field(default_factory=dict)

    @property
    def best_epoch(self) -> int:
        """1-based epoch of the lowest validation loss."""
        return int(np.argmin(self.val_loss)) + 1

    @property
    def gap(self) -> float:
        """Final generalization gap in accuracy: training minus validation accuracy."""
        return self.train_acc[-1] - self.val_acc[-1]


def train_classifier(
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    data: ClassificationData,
    epochs: int,
    batch_size: int = 32,
    seed: int = 0,
    label_smoothing: float = 0.0,
    penalty: Callable[[nn.Module], torch.Tensor] | None = None,
    transform: BatchTransform | None = None,
    after_step: Callable[[nn.Module], None] | None = None,
    record: Mapping[str, Callable[[nn.Module], float]] | None = None,
) -> History:
    """Train ``model`` with mini-batches of ``data.X_train`` and record curves per epoch.

    Each step computes ``F.cross_entropy(model(inputs), targets, label_smoothing=...)``,
    adds ``penalty(model)`` if given, and steps the optimizer; ``transform`` may replace a
    batch before the forward pass (noise, augmentation, mixup) and ``after_step`` runs
    after each ``optimizer.step()`` (e.g. a max-norm projection). The batch order and the
    transform's randomness come from a generator seeded with ``seed``. After each epoch the
    training and validation loss and accuracy (clean inputs, eval mode, no penalty) and each
    ``record`` function's value are appended to the history.
    """
    history = History(extra={name: [] for name in record or {}})
    gen = torch.Generator().manual_seed(seed)
    n = len(data.X_train)
    for _ in range(epochs):
        model.train()
        for batch in torch.randperm(n, generator=gen).split(batch_size):
            inputs, targets = data.X_train[batch], data.y_train[batch]
            if transform is not None:
                inputs, targets = transform(inputs, targets, gen)
            loss = F.cross_entropy(model(inputs), targets, label_smoothing=label_smoothing)
            if penalty is not None:
                loss = loss + penalty(model)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            if after_step is not None:
                with torch.no_grad():
                    after_step(model)
        train_loss, train_acc = evaluate(model, data.X_train, data.y_train)
        val_loss, val_acc = evaluate(model, data.X_val, data.y_val)
        history.train_loss.append(train_loss)
        history.train_acc.append(train_acc)
        history.val_loss.append(val_loss)
        history.val_acc.append(val_acc)
        for name, fn in (record or {}).items():
            history.extra[name].append(float(fn(model)))
    model.eval()
    return history


def linear_weights(model: nn.Module) -> list[torch.Tensor]:
    """The weight matrices of all ``nn.Linear`` layers (no biases), in order."""
    return [m.weight for m in model.modules() if isinstance(m, nn.Linear)]


def weight_norm(model: nn.Module) -> float:
    """Euclidean norm of all ``nn.Linear`` weights of ``model`` taken together."""
    with torch.no_grad():
        return float(torch.sqrt(sum((w**2).sum() for w in linear_weights(model))))


def plot_image_grid(
    images: np.ndarray | torch.Tensor,
    titles: Sequence[str] | None = None,
    ncols: int = 8,
    suptitle: str | None = None,
    cmap: str = "gray_r",
    vmin: float | None = 0.0,
    vmax: float | None = 1.0,
    size: float = 1.3,
) -> Figure:
    """Show images of shape (N, H, W) (grey) or (N, H, W, 3) (colour, values in [0, 1]).

    Grey images use ``cmap`` between ``vmin`` and ``vmax`` (digits: dark ink on white).
    """
    images = np.asarray(images.detach() if isinstance(images, torch.Tensor) else images)
    if images.ndim not in (3, 4):
        raise ValueError(f"images must have shape (N, H, W) or (N, H, W, 3), got {images.shape}")
    n = len(images)
    if titles is not None and len(titles) != n:
        raise ValueError(f"{len(titles)} titles for {n} images")
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    aspect = images.shape[1] / images.shape[2]
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(size * ncols, size * aspect * nrows + 0.5), squeeze=False
    )
    for index, ax in enumerate(axes.flat):
        ax.axis("off")
        if index >= n:
            continue
        if images.ndim == 4:
            ax.imshow(np.clip(images[index], 0.0, 1.0))
        else:
            ax.imshow(images[index], cmap=cmap, vmin=vmin, vmax=vmax)
        if titles is not None:
            ax.set_title(titles[index], fontsize=8)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig
