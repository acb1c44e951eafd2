"""Tests for the coursekit modules of chapters 4 and 6: logistic, digits, sharpness,
schedules_plot."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from torch import nn
from torch.optim import lr_scheduler

from coursekit.digits import digits_tensors
from coursekit.logistic import (
    L2_PENALTY,
    breast_cancer_tensors,
    minimize,
    objective,
    per_example_gradients,
    train_sgd,
)
from coursekit.schedules_plot import (
    max_abs_diff,
    plot_schedule,
    schedule_grid,
    trace_scheduler,
)
from coursekit.sharpness import MLPStack, perturbation_sharpness, train_to_loss


@pytest.fixture(scope="module")
def cancer():
    return breast_cancer_tensors()


@pytest.fixture(scope="module")
def digits():
    return digits_tensors(test_size=0.25, seed=0)


# --- logistic ---------------------------------------------------------------------------


def test_breast_cancer_is_standardized_with_a_bias_column(cancer):
    assert cancer.X.shape == (569, 31) and cancer.X.dtype == torch.float64
    assert cancer.n == 569
    assert torch.all(cancer.X[:, -1] == 1.0)
    features = cancer.X[:, :-1]
    torch.testing.assert_close(
        features.mean(0), torch.zeros(30, dtype=torch.float64), atol=1e-12, rtol=0
    )
    torch.testing.assert_close(features.std(0, unbiased=False), torch.ones(30, dtype=torch.float64))
    assert set(cancer.y.unique().tolist()) == {0.0, 1.0}
    assert cancer.feature_names[-1] == "bias" and len(cancer.feature_names) == 31


def test_objective_matches_sklearn_log_loss_plus_penalty(cancer):
    w = torch.linspace(-0.3, 0.3, 31, dtype=torch.float64)
    p = torch.sigmoid(cancer.X @ w).numpy()
    expected = log_loss(cancer.y.numpy(), p) + 0.5 * 0.05 * float(w @ w)
    assert objective(w, cancer.X, cancer.y, lam=0.05).item() == pytest.approx(expected, rel=1e-10)


def test_objective_at_zero_is_log_two(cancer):
    w = torch.zeros(31, dtype=torch.float64)
    assert objective(w, cancer.X, cancer.y).item() == pytest.approx(np.log(2), rel=1e-14)


def test_autograd_gradient_matches_finite_differences(cancer):
    gen = torch.Generator().manual_seed(0)
    w = 0.2 * torch.randn(31, generator=gen, dtype=torch.float64)
    wg = w.clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(objective(wg, cancer.X, cancer.y), wg)
    h = 1e-6
    fd = torch.stack(
        [
            (objective(w + h * e, cancer.X, cancer.y) - objective(w - h * e, cancer.X, cancer.y))
            / (2 * h)
            for e in torch.eye(31, dtype=torch.float64)
        ]
    )
    torch.testing.assert_close(grad, fd, atol=1e-8, rtol=1e-6)


def test_minimize_agrees_with_sklearn(cancer):
    w_star, f_star = minimize(cancer)
    # sklearn minimizes 1/2 |w|^2 + C * sum(loss_i); with C = 1 / (lam * n) that is n*C times f.
    C = 1.0 / (L2_PENALTY * cancer.n)
    clf = LogisticRegression(C=C, fit_intercept=False, tol=1e-12, max_iter=10_000)
    clf.fit(cancer.X.numpy(), cancer.y.numpy())
    np.testing.assert_allclose(w_star.numpy(), clf.coef_[0], atol=1e-5)
    assert f_star == pytest.approx(objective(w_star, cancer.X, cancer.y).item(), rel=1e-15)
    wg = w_star.clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(objective(wg, cancer.X, cancer.y), wg)
    assert grad.norm().item() < 1e-7


def test_train_sgd_counts_iterations_and_is_seeded(cancer):
    a = train_sgd(cancer, batch_size=32, lr=0.3, epochs=3, seed=7)
    b = train_sgd(cancer, batch_size=32, lr=0.3, epochs=3, seed=7)
    c = train_sgd(cancer, batch_size=32, lr=0.3, epochs=3, seed=8)
    np.testing.assert_array_equal(a.iterations, [0, 18, 36, 54])
    np.testing.assert_array_equal(a.loss, b.loss)
    torch.testing.assert_close(a.w, b.w, rtol=0, atol=0)
    assert not np.allclose(a.loss[1:], c.loss[1:])
    assert a.loss[0] == pytest.approx(np.log(2))
    assert np.all(np.diff(a.seconds) >= 0)


def test_train_sgd_full_batch_step_is_minus_lr_times_gradient(cancer):
    run = train_sgd(cancer, batch_size=cancer.n, lr=0.5, epochs=1)
    w0 = torch.zeros(31, dtype=torch.float64, requires_grad=True)
    (grad,) = torch.autograd.grad(objective(w0, cancer.X, cancer.y), w0)
    torch.testing.assert_close(run.w, -0.5 * grad)


def test_train_sgd_marks_divergence_with_nan(cancer):
    run = train_sgd(cancer, batch_size=cancer.n, lr=1e4, epochs=200)
    assert np.isfinite(run.loss[0]) and np.isnan(run.loss[-1])


def test_per_example_gradients_match_one_at_a_time_autograd(cancer):
    gen = torch.Generator().manual_seed(1)
    w = 0.1 * torch.randn(31, generator=gen, dtype=torch.float64)
    G = per_example_gradients(w, cancer)
    assert G.shape == (569, 31)
    for i in [0, 17, 568]:
        wg = w.clone().requires_grad_(True)
        (g_i,) = torch.autograd.grad(objective(wg, cancer.X[i : i + 1], cancer.y[i : i + 1]), wg)
        torch.testing.assert_close(G[i], g_i)
    wg = w.clone().requires_grad_(True)
    (full,) = torch.autograd.grad(objective(wg, cancer.X, cancer.y), wg)
    torch.testing.assert_close(G.mean(0), full)


# --- digits -----------------------------------------------------------------------------


def test_digits_split_sizes_ranges_and_stratification():
    d = digits_tensors(test_size=0.2, val_size=0.2, seed=0)
    sizes = (len(d.X_train), len(d.X_val), len(d.X_test))
    assert sum(sizes) == 1797 and sizes == (1077, 360, 360)
    assert d.X_train.dtype == torch.float32 and d.y_train.dtype == torch.int64
    assert float(d.X_train.min()) >= 0.0 and float(d.X_train.max()) <= 1.0
    assert d.n_features == 64 and d.n_classes == 10
    for y in (d.y_train, d.y_val, d.y_test):
        share = torch.bincount(y, minlength=10).float() / len(y)
        assert float(share.min()) > 0.08 and float(share.max()) < 0.12


def test_digits_without_validation_and_determinism(digits):
    assert len(digits.X_val) == 0 and len(digits.y_val) == 0
    again = digits_tensors(test_size=0.25, seed=0)
    torch.testing.assert_close(digits.X_test, again.X_test, rtol=0, atol=0)
    other = digits_tensors(test_size=0.25, seed=1)
    assert not torch.equal(digits.y_test, other.y_test)


# --- sharpness --------------------------------------------------------------------------


def test_stack_members_are_standard_sequential_models(digits):
    stack = MLPStack.init([3, 5], d=64, h=16, c=10)
    for k, seed in enumerate([3, 5]):
        torch.manual_seed(seed)
        reference = nn.Sequential(nn.Linear(64, 16), nn.ReLU(), nn.Linear(16, 10))
        member = stack.member(k)
        for p, q in zip(member.parameters(), reference.parameters(), strict=True):
            torch.testing.assert_close(p, q, rtol=0, atol=0)
        torch.testing.assert_close(stack.logits(digits.X_test)[k], reference(digits.X_test))
    assert stack.losses(digits.X_test, digits.y_test).shape == (2,)


def test_train_to_loss_member_matches_a_plain_training_loop(digits):
    X, y = digits.X_train, digits.y_train
    res = train_to_loss(
        [0, 4], X, y, batch_size=16, lr=0.2, target_loss=0.0, hidden=16, max_steps=60
    )
    np.testing.assert_array_equal(res.steps, [60, 60])
    assert not res.reached.any()
    # the same training, for seed 4, as an ordinary nn.Sequential with torch.optim.SGD
    torch.manual_seed(4)
    model = nn.Sequential(nn.Linear(64, 16), nn.ReLU(), nn.Linear(16, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.2)
    gen = torch.Generator().manual_seed(4)
    for batch in torch.randperm(len(X), generator=gen).split(16)[:60]:
        opt.zero_grad()
        F.cross_entropy(model(X[batch]), y[batch]).backward()
        opt.step()
    for p, q in zip(res.stack.member(1).parameters(), model.parameters(), strict=True):
        torch.testing.assert_close(p, q, atol=1e-5, rtol=1e-4)


def test_train_to_loss_is_deterministic_and_stops_at_target(digits):
    kwargs = dict(batch_size=64, lr=0.5, target_loss=0.5, hidden=16)
    a = train_to_loss([1, 2], digits.X_train, digits.y_train, **kwargs)
    b = train_to_loss([1, 2], digits.X_train, digits.y_train, **kwargs)
    np.testing.assert_array_equal(a.steps, b.steps)
    for p, q in zip(a.stack.parameters(), b.stack.parameters(), strict=True):
        torch.testing.assert_close(p, q, rtol=0, atol=0)
    assert a.reached.all()
    assert np.all(a.steps % 25 == 0)
    assert torch.all(a.stack.losses(digits.X_train, digits.y_train) < 0.5)


def test_rescaling_keeps_the_function_and_relative_sharpness_only(digits):
    res = train_to_loss(
        [0], digits.X_train, digits.y_train, batch_size=64, lr=0.5, target_loss=0.3, hidden=16
    )
    X, y = digits.X_train, digits.y_train
    scaled = res.stack.rescaled(4.0)
    torch.testing.assert_close(scaled.logits(X), res.stack.logits(X), atol=1e-4, rtol=1e-4)
    rel = perturbation_sharpness(res.stack, X, y, [0.1, 0.3], n_draws=5)
    rel_scaled = perturbation_sharpness(scaled, X, y, [0.1, 0.3], n_draws=5)
    np.testing.assert_allclose(rel, rel_scaled, rtol=1e-3, atol=1e-6)
    ab = perturbation_sharpness(res.stack, X, y, [1.0], n_draws=5, relative=False)
    ab_scaled = perturbation_sharpness(scaled, X, y, [1.0], n_draws=5, relative=False)
    assert ab_scaled[0, 0] > 3 * ab[0, 0]
    assert rel.shape == (1, 2)
    np.testing.assert_allclose(perturbation_sharpness(res.stack, X, y, [0.0]), 0.0, atol=1e-7)
    with pytest.raises(ValueError):
        res.stack.rescaled(0.0)


# --- schedules_plot ---------------------------------------------------------------------


def test_trace_scheduler_records_the_rate_each_step_uses():
    tr = trace_scheduler(lambda opt: lr_scheduler.StepLR(opt, step_size=3, gamma=0.5), 7, lr0=1.0)
    np.testing.assert_array_equal(tr.lr, [1, 1, 1, 0.5, 0.5, 0.5, 0.25])


def test_trace_scheduler_with_metrics_and_attributes():
    tr = trace_scheduler(
        lambda opt: lr_scheduler.ReduceLROnPlateau(opt, factor=0.1, patience=1),
        6,
        lr0=1.0,
        metrics=[1.0] * 6,
        attributes=("num_bad_epochs",),
    )
    np.testing.assert_allclose(tr.lr, [1, 1, 1, 0.1, 0.1, 0.01])
    np.testing.assert_array_equal(tr.attributes["num_bad_epochs"], [0, 0, 1, 0, 1, 0])
    sgdr = trace_scheduler(
        lambda opt: lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=3, T_mult=2),
        10,
        attributes=("T_cur", "T_i"),
    )
    np.testing.assert_array_equal(sgdr.attributes["T_cur"], [0, 1, 2, 0, 1, 2, 3, 4, 5, 0])
    np.testing.assert_array_equal(sgdr.attributes["T_i"], [3, 3, 3, 6, 6, 6, 6, 6, 6, 12])
    assert sgdr.lr[0] == pytest.approx(0.1) and sgdr.lr[3] == pytest.approx(0.1)


def test_max_abs_diff():
    assert max_abs_diff(np.array([1.0, 2.0]), np.array([1.5, 1.0])) == 1.0
    with pytest.raises(ValueError):
        max_abs_diff(np.zeros(2), np.zeros(3))


def test_schedule_plots():
    traces = {f"s{k}": np.linspace(1, 0.1, 20) ** k for k in range(1, 6)}
    fig, axes = schedule_grid(traces, ncols=3)
    assert len(axes) == 6 and not axes[5].get_visible()
    assert [ax.get_title() for ax in axes[:5]] == list(traces)
    plt.close(fig)
    fig, ax = plt.subplots()
    plot_schedule(ax, np.array([1.0, 0.1, 0.01]), "log", log=True)
    assert ax.get_yscale() == "log" and ax.get_xlim() == (0.0, 3.0)
    plt.close(fig)
