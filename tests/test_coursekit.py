"""Tests for coursekit, the helper package the book's pages import."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from coursekit.data import diabetes_tensors, toy_linear_regression
from coursekit.plotting import color_for, distinct_colors, plot_loss_curves, plot_paths
from coursekit.surfaces import QUADRATIC, ROSENBROCK, SADDLE, SURFACES, Surface, bumpy
from coursekit.tables import markdown_table
from coursekit.trajectories import (
    best_learning_rate,
    count_steps,
    losses,
    newton_path,
    run_optimizer,
    steps_to_reach,
)

SURFACE_IDS = [s.name.split(" ")[0] for s in SURFACES]


def finite_difference_gradient(surface: Surface, point: np.ndarray, h: float = 1e-6) -> np.ndarray:
    grad = np.zeros(2)
    for i in range(2):
        e = np.zeros(2)
        e[i] = h
        grad[i] = (surface.value(point + e) - surface.value(point - e)) / (2 * h)
    return grad


# --- surfaces ---------------------------------------------------------------------------


@pytest.mark.parametrize("surface", SURFACES, ids=SURFACE_IDS)
def test_gradient_matches_finite_differences(surface):
    rng = np.random.default_rng(0)
    for _ in range(5):
        point = np.array([rng.uniform(*surface.xlim), rng.uniform(*surface.ylim)], dtype=np.float64)
        expected = finite_difference_gradient(surface, point)
        np.testing.assert_allclose(surface.gradient(point), expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("surface", SURFACES, ids=SURFACE_IDS)
def test_hessian_matches_finite_differences_of_gradient(surface):
    point = np.array([0.3, -0.7])
    h = 1e-5
    fd = np.column_stack(
        [
            (surface.gradient(point + h * e) - surface.gradient(point - h * e)) / (2 * h)
            for e in np.eye(2)
        ]
    )
    np.testing.assert_allclose(surface.hessian(point), fd, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("surface", SURFACES, ids=SURFACE_IDS)
def test_known_minima_are_minima(surface):
    for point in surface.minima:
        assert np.linalg.norm(surface.gradient(point)) < 1e-12
        eig = np.linalg.eigvalsh(surface.hessian(point))
        assert np.all(eig > 0), (point, eig)
        # and no nearby point is lower
        rng = np.random.default_rng(1)
        nearby = np.asarray(point) + 1e-3 * rng.standard_normal((50, 2))
        assert all(surface.value(p) >= surface.value(point) for p in nearby)


@pytest.mark.parametrize("surface", SURFACES, ids=SURFACE_IDS)
def test_f_min_is_the_value_at_the_global_minimum(surface):
    values = [surface.value(p) for p in surface.minima]
    assert min(values) == pytest.approx(surface.f_min, abs=1e-15)
    _, _, z = surface.grid(201)
    assert z.min() >= surface.f_min - 1e-12


def test_saddle_is_a_saddle():
    (point,) = SADDLE.saddles
    assert np.linalg.norm(SADDLE.gradient(point)) < 1e-12
    eig = np.linalg.eigvalsh(SADDLE.hessian(point))
    assert eig.min() < 0 < eig.max()
    np.testing.assert_allclose(sorted(eig), [-1.0, 1.0])


def test_quadratic_is_ill_conditioned_as_documented():
    eig = np.linalg.eigvalsh(QUADRATIC.hessian((1.0, -2.0)))
    np.testing.assert_allclose(eig, [1.0, 20.0])


def test_surfaces_work_on_numpy_and_torch_alike():
    pts = np.array([[0.5, -1.0], [1.5, 2.0], [-1.0, 0.25]])
    for surface in SURFACES:
        from_numpy = surface.func(pts[:, 0], pts[:, 1])
        from_torch = surface(torch.tensor(pts)).numpy()
        np.testing.assert_allclose(from_numpy, from_torch)


def test_grid_shapes_and_window():
    x, y, z = ROSENBROCK.grid(50)
    assert x.shape == y.shape == z.shape == (50, 50)
    assert (x.min(), x.max()) == ROSENBROCK.xlim
    x, _, _ = ROSENBROCK.grid(10, xlim=(-3.0, 3.0))
    assert (x.min(), x.max()) == (-3.0, 3.0)


def test_bumpy_has_several_local_minima_and_dispatches_on_type():
    xs = np.linspace(-5, 5, 10001)
    f = bumpy(xs)
    local_minima = np.sum((f[1:-1] < f[:-2]) & (f[1:-1] < f[2:]))
    assert local_minima >= 4
    t = torch.tensor([0.7], dtype=torch.float64)
    assert bumpy(t).item() == pytest.approx(float(bumpy(0.7)))
    # a small amplitude leaves a convex bowl with one minimum
    g = bumpy(xs, amplitude=0.01)
    assert np.sum((g[1:-1] < g[:-2]) & (g[1:-1] < g[2:])) == 1


# --- trajectories -----------------------------------------------------------------------


@pytest.mark.parametrize("surface", SURFACES, ids=SURFACE_IDS)
def test_trajectory_shape_and_start(surface):
    path = run_optimizer(surface, torch.optim.Adam, 25, lr=0.01)
    assert path.shape == (26, 2)
    np.testing.assert_array_equal(path[0], surface.start)
    assert np.all(np.isfinite(path))
    assert not np.allclose(path[1], path[0])


def test_trajectory_from_custom_start_and_plain_function():
    path = run_optimizer(QUADRATIC, torch.optim.SGD, 3, start=(1.0, 1.0), lr=0.01)
    np.testing.assert_array_equal(path[0], [1.0, 1.0])
    # plain gradient descent on 0.5 (x^2 + 20 y^2): x *= 0.99, y *= 0.8 per step
    np.testing.assert_allclose(path[3], [0.99**3, 0.8**3], rtol=1e-12)
    with pytest.raises(ValueError):
        run_optimizer(lambda xy: (xy**2).sum(), torch.optim.SGD, 3, lr=0.1)
    path = run_optimizer(lambda xy: (xy**2).sum(), torch.optim.SGD, 3, start=(1.0, 2.0), lr=0.25)
    np.testing.assert_allclose(path[-1], [0.125, 0.25])


def test_sgd_with_tiny_learning_rate_decreases_the_loss_monotonically():
    path = run_optimizer(QUADRATIC, torch.optim.SGD, 200, lr=1e-3)
    f = losses(QUADRATIC, path)
    assert np.all(np.diff(f) < 0)


def test_trajectory_matches_a_hand_driven_torch_loop():
    start = ROSENBROCK.start
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([p], lr=1e-3, momentum=0.9)
    expected = [np.array(start)]
    for _ in range(10):
        opt.zero_grad()
        ROSENBROCK(p).backward()
        opt.step()
        expected.append(p.detach().numpy().copy())
    path = run_optimizer(ROSENBROCK, torch.optim.SGD, 10, lr=1e-3, momentum=0.9)
    np.testing.assert_allclose(path, np.array(expected), rtol=0, atol=0)


def test_diverging_run_is_nan_after_divergence():
    path = run_optimizer(QUADRATIC, torch.optim.SGD, 200, lr=0.5)
    assert path.shape == (201, 2)
    assert np.isnan(path[-1]).all()
    first_nan = np.flatnonzero(np.isnan(path[:, 0]))[0]
    assert np.isnan(path[first_nan:]).all()
    assert np.isfinite(path[:first_nan]).all()
    assert steps_to_reach(QUADRATIC, path) is None


def test_lbfgs_runs_one_iteration_per_step():
    path = run_optimizer(
        ROSENBROCK,
        torch.optim.LBFGS,
        50,
        lr=1,
        max_iter=1,
        max_eval=25,
        line_search_fn="strong_wolfe",
    )
    assert path.shape == (51, 2)
    assert not np.allclose(path[1], path[0])
    assert steps_to_reach(ROSENBROCK, path, 1e-6) is not None


def test_newton_solves_a_quadratic_in_one_step_and_finds_the_saddle():
    path = newton_path(QUADRATIC, 3)
    assert path.shape == (4, 2)
    np.testing.assert_array_equal(path[0], QUADRATIC.start)
    np.testing.assert_allclose(path[1], [0.0, 0.0], atol=1e-12)
    # pure Newton is attracted to the saddle point of the saddle surface
    np.testing.assert_allclose(newton_path(SADDLE, 5)[-1], SADDLE.saddles[0], atol=1e-8)
    # and converges to Rosenbrock's minimum from the classic start
    np.testing.assert_allclose(newton_path(ROSENBROCK, 8)[-1], [1.0, 1.0], atol=1e-10)


def test_steps_to_reach_and_count_steps_agree():
    path = run_optimizer(QUADRATIC, torch.optim.SGD, 300, lr=0.09)
    n = steps_to_reach(QUADRATIC, path, 1e-6)
    assert n is not None
    assert losses(QUADRATIC, path)[n] < 1e-6 <= losses(QUADRATIC, path)[n - 1]
    assert count_steps(QUADRATIC, torch.optim.SGD, tol=1e-6, max_steps=300, lr=0.09) == n
    assert count_steps(QUADRATIC, torch.optim.SGD, tol=1e-6, max_steps=5, lr=0.09) is None
    assert count_steps(QUADRATIC, torch.optim.SGD, tol=1e-6, max_steps=500, lr=0.5) is None


def test_best_learning_rate_skips_diverging_rates():
    lr, path = best_learning_rate(QUADRATIC, torch.optim.SGD, [1e-3, 0.09, 0.5], 100)
    assert lr == 0.09
    assert path.shape == (101, 2)
    with pytest.raises(ValueError):
        best_learning_rate(QUADRATIC, torch.optim.SGD, [], 10)


# --- data -------------------------------------------------------------------------------


def test_diabetes_tensors_are_deterministic_and_standardized():
    a = diabetes_tensors(seed=0, dtype=torch.float64)
    b = diabetes_tensors(seed=0, dtype=torch.float64)
    for name in ("X_train", "y_train", "X_test", "y_test"):
        assert torch.equal(getattr(a, name), getattr(b, name)), name
    assert a.X_train.shape == (354, 10) and a.X_test.shape == (88, 10)
    assert a.y_train.shape == (354, 1) and a.y_test.shape == (88, 1)
    torch.testing.assert_close(a.X_train.mean(0), torch.zeros(10, dtype=torch.float64))
    torch.testing.assert_close(
        a.X_train.std(0, unbiased=False), torch.ones(10, dtype=torch.float64)
    )
    assert abs(a.y_train.mean().item()) < 1e-12
    assert a.y_train.std(unbiased=False).item() == pytest.approx(1.0)
    # the test set is transformed with the training statistics, so it is not exactly standard
    assert abs(a.X_test.mean().item()) > 1e-6
    assert len(a.feature_names) == 10


def test_diabetes_split_depends_on_seed():
    a = diabetes_tensors(seed=0, dtype=torch.float64)
    c = diabetes_tensors(seed=1, dtype=torch.float64)
    assert not torch.equal(a.y_test, c.y_test)
    assert len(a.y_train) + len(a.y_test) == len(c.y_train) + len(c.y_test) == 442
    assert diabetes_tensors(dtype=torch.float32).X_train.dtype == torch.float32
    assert diabetes_tensors(test_fraction=0.5).X_test.shape == (221, 10)


def test_toy_linear_regression_is_seeded():
    X1, y1, w1 = toy_linear_regression(n=50, d=3, seed=7)
    X2, y2, w2 = toy_linear_regression(n=50, d=3, seed=7)
    assert X1.shape == (50, 3) and y1.shape == (50,) and w1.shape == (3,)
    assert torch.equal(X1, X2) and torch.equal(y1, y2) and torch.equal(w1, w2)
    X3, _, _ = toy_linear_regression(n=50, d=3, seed=8)
    assert not torch.equal(X1, X3)
    # with no noise, y is exactly X w
    X, y, w = toy_linear_regression(n=20, d=2, noise=0.0, seed=0)
    torch.testing.assert_close(y, X @ w)


# --- tables and plotting ----------------------------------------------------------------


def test_markdown_table_formats_floats_and_none():
    md = markdown_table(["a", "b", "c"], [[1, 0.123456, None], ["x", np.float32(2.5), 3.0]]).data
    lines = md.splitlines()
    assert lines[0] == "| a | b | c |"
    assert lines[1] == "|---|---|---|"
    assert lines[2] == "| 1 | 0.1235 | — |"
    assert lines[3] == "| x | 2.5 | 3 |"


def test_colors_are_consistent_and_distinct():
    assert color_for("Adam") == color_for("Adam, γ = 0.1") == color_for("Adam (β₁ = 0)")
    colors = distinct_colors(["SGD, γ = 0.1", "SGD, γ = 0.01", "Adam", "something else"])
    assert len(set(colors)) == 4
    assert colors[0] == color_for("SGD")


def test_plots_draw_every_path():
    paths = {
        "SGD": run_optimizer(SADDLE, torch.optim.SGD, 20, lr=0.1),
        "Adam": run_optimizer(SADDLE, torch.optim.Adam, 20, lr=0.1),
    }
    fig, (ax1, ax2) = plt.subplots(1, 2)
    plot_paths(ax1, SADDLE, paths, title="t")
    plot_loss_curves(ax2, SADDLE, paths)
    labels1 = [line.get_label() for line in ax1.get_lines()]
    labels2 = [line.get_label() for line in ax2.get_lines()]
    assert {"SGD", "Adam", "start", "minimum", "saddle point"} <= set(labels1)
    assert labels2 == ["SGD", "Adam"]
    assert ax1.get_title() == "t" and ax1.get_xlim() == SADDLE.xlim
    plt.close(fig)
