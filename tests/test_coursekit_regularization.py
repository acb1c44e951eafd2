"""Tests for coursekit.regularization (chapters 7 and 8)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from torch import nn

from coursekit.regularization import (
    evaluate,
    linear_weights,
    make_mlp,
    plot_image_grid,
    small_digits,
    train_classifier,
    weight_norm,
)


@pytest.fixture(scope="module")
def data():
    return small_digits(n_train=100, seed=0)


def test_small_digits_keeps_the_requested_training_images(data):
    assert data.X_train.shape == (100, 64), f"training set shape {tuple(data.X_train.shape)}"
    assert data.X_train.dtype == torch.float32
    sizes = (len(data.X_val), len(data.X_test))
    assert sizes == (449, 450), f"validation/test sizes {sizes}: they must be the full split"
    # no training image may also be a validation or test image
    train_rows = {tuple(r) for r in data.X_train.numpy().round(4)}
    held_out = {tuple(r) for r in torch.cat([data.X_val, data.X_test]).numpy().round(4)}
    overlap = len(train_rows & held_out)
    assert overlap <= 2, f"{overlap} training images reappear in the held-out sets"
    with pytest.raises(ValueError):
        small_digits(n_train=5)


def test_make_mlp_layer_order_and_seed():
    model = make_mlp((16, 8), dropout=0.3, batch_norm=True, seed=3)
    kinds = [type(m).__name__ for m in model]
    assert kinds == ["Linear", "BatchNorm1d", "ReLU", "Dropout"] * 2 + ["Linear"], kinds
    again = make_mlp((16, 8), dropout=0.3, batch_norm=True, seed=3)
    for a, b in zip(model.parameters(), again.parameters(), strict=True):
        assert torch.equal(a, b), "the same seed must give the same initial weights"
    assert [w.shape for w in linear_weights(model)] == [(16, 64), (8, 16), (10, 8)]


def test_evaluate_restores_the_mode_and_matches_cross_entropy(data):
    model = make_mlp((8,), dropout=0.5)
    model.train()
    loss, acc = evaluate(model, data.X_val, data.y_val)
    assert model.training, "evaluate must restore train mode"
    model.eval()
    with torch.no_grad():
        logits = model(data.X_val)
    expected = nn.functional.cross_entropy(logits, data.y_val).item()
    assert loss == pytest.approx(expected, rel=1e-6)
    assert acc == pytest.approx((logits.argmax(1) == data.y_val).float().mean().item())


def test_train_classifier_learns_and_runs_its_hooks(data):
    model = make_mlp((32,), seed=0)
    calls = []

    def project(m):
        calls.append(1)
        for w in linear_weights(m):
            w.copy_(torch.renorm(w, p=2, dim=0, maxnorm=1.0))

    history = train_classifier(
        model,
        torch.optim.Adam(model.parameters(), lr=1e-2),
        data,
        epochs=15,
        batch_size=25,
        after_step=project,
        record={"norm": weight_norm},
    )
    assert len(history.val_loss) == len(history.extra["norm"]) == 15
    assert len(calls) == 15 * 4, f"after_step ran {len(calls)} times, expected 60"
    assert history.train_loss[-1] < 0.5 * history.train_loss[0], "training loss did not fall"
    assert history.val_acc[-1] > 0.7, f"validation accuracy only {history.val_acc[-1]:.2f}"
    for w in linear_weights(model):
        assert w.norm(dim=1).max() <= 1.0 + 1e-5, "max-norm projection not applied"
    assert 1 <= history.best_epoch <= 15
    assert history.gap == pytest.approx(history.train_acc[-1] - history.val_acc[-1])


def test_train_classifier_is_reproducible_and_accepts_soft_targets(data):
    def soft(inputs, labels, gen):
        return inputs, nn.functional.one_hot(labels, 10).float() * 0.9 + 0.01

    runs = []
    for _ in range(2):
        model = make_mlp((16,), seed=1)
        runs.append(
            train_classifier(
                model, torch.optim.SGD(model.parameters(), lr=0.1), data, epochs=3, transform=soft
            )
        )
    assert runs[0].val_loss == runs[1].val_loss, "same seed must give the same curves"


def test_weight_norm_counts_linear_weights_only():
    model = make_mlp((4,), batch_norm=True)
    expected = np.sqrt(sum(float((w.detach() ** 2).sum()) for w in linear_weights(model)))
    assert weight_norm(model) == pytest.approx(expected, rel=1e-6)


def test_plot_image_grid_grey_and_colour():
    fig = plot_image_grid(np.zeros((5, 8, 8)), titles=list("abcde"), ncols=3)
    assert len(fig.axes) == 6
    plt.close(fig)
    fig = plot_image_grid(torch.rand(2, 4, 6, 3))
    assert fig.axes[0].images[0].get_array().shape == (4, 6, 3)
    plt.close(fig)
    with pytest.raises(ValueError):
        plot_image_grid(np.zeros((2, 8)))
    with pytest.raises(ValueError):
        plot_image_grid(np.zeros((2, 8, 8)), titles=["one"])
