"""Tests for the coursekit modules of chapters 1-3: generalization and ensembles."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from sklearn.datasets import make_moons
from sklearn.ensemble import AdaBoostClassifier
from sklearn.model_selection import KFold
from sklearn.tree import DecisionTreeClassifier

from coursekit.ensembles import adaboost_sample_weights, plot_decision_regions
from coursekit.generalization import (
    NOISE_SD,
    plot_folds,
    polyfit_predictor,
    predictions_over_training_sets,
    sample_sine_data,
    true_function,
)

# --- generalization -----------------------------------------------------------------------


def test_true_function_is_the_sine_wave():
    x = np.array([-1.0, -0.5, 0.0, 0.5, 1.0])
    np.testing.assert_allclose(true_function(x), [0.0, -1.0, 0.0, 1.0, 0.0], atol=1e-12)


def test_sample_sine_data_is_seeded_and_has_the_stated_noise():
    x, y = sample_sine_data(20_000, seed=5)
    x_again, y_again = sample_sine_data(20_000, seed=5)
    assert x.shape == y.shape == (20_000,) and x.dtype == np.float64
    np.testing.assert_array_equal(x, x_again)
    np.testing.assert_array_equal(y, y_again)
    assert x.min() >= -1.0 and x.max() <= 1.0
    assert abs(x.mean()) < 0.02, "inputs should be uniform on [-1, 1]"
    residual = y - true_function(x)
    assert abs(residual.std() - NOISE_SD) < 0.01, (
        f"noise standard deviation should be {NOISE_SD}, got {residual.std():.4f}"
    )
    assert abs(residual.mean()) < 0.01


def test_sample_sine_data_advances_a_passed_generator():
    rng = np.random.default_rng(0)
    first, _ = sample_sine_data(5, seed=rng)
    second, _ = sample_sine_data(5, seed=rng)
    assert not np.array_equal(first, second), "a shared generator must give fresh draws"


def test_polyfit_predictor_recovers_a_noiseless_polynomial():
    x = np.linspace(-1, 1, 30)
    y = 1.0 - 2.0 * x + 0.5 * x**3
    x_new = np.array([-0.7, 0.1, 0.9])
    np.testing.assert_allclose(
        polyfit_predictor(3)(x, y, x_new), 1.0 - 2.0 * x_new + 0.5 * x_new**3, atol=1e-10
    )


def test_predictions_over_training_sets_uses_independent_reproducible_sets():
    x_eval = np.linspace(-1, 1, 7)
    preds = predictions_over_training_sets(polyfit_predictor(2), x_eval, 4, 15, seed=3)
    assert preds.shape == (4, 7)
    for i in range(4):
        x_tr, y_tr = sample_sine_data(15, seed=np.random.default_rng([3, i]))
        np.testing.assert_allclose(preds[i], np.polyval(np.polyfit(x_tr, y_tr, 2), x_eval))
    assert not np.allclose(preds[0], preds[1]), "training sets must differ"
    again = predictions_over_training_sets(polyfit_predictor(2), x_eval, 4, 15, seed=3)
    np.testing.assert_array_equal(preds, again)


def test_predictions_over_training_sets_keeps_extra_output_dimensions():
    def two_rows(x_tr, y_tr, x_new):
        return np.stack([np.full(len(x_new), y_tr.mean()), np.full(len(x_new), y_tr.max())])

    preds = predictions_over_training_sets(two_rows, np.zeros(5), 3, 10, seed=0)
    assert preds.shape == (3, 2, 5)


def test_plot_folds_draws_kfold_blocks():
    fig, ax = plt.subplots()
    plot_folds(ax, KFold(n_splits=5).split(np.zeros(23)), 23, title="folds")
    grid = np.asarray(ax.images[0].get_array())
    plt.close(fig)
    assert grid.shape == (5, 23)
    # validation blocks of 5, 5, 5, 4, 4 (code 2), everything else training (code 1)
    sizes = (grid == 2).sum(axis=1).tolist()
    assert sizes == [5, 5, 5, 4, 4], f"validation fold sizes drawn: {sizes}"
    assert np.all((grid == 2).sum(axis=0) == 1), "every sample is validated exactly once"
    assert np.all(grid[0, :5] == 2) and np.all(grid[0, 5:] == 1)
    assert ax.get_title() == "folds"


# --- ensembles ----------------------------------------------------------------------------


@pytest.fixture(scope="module", params=[(0, 1), (-1, 1)], ids=["labels 0/1", "labels -1/+1"])
def boosted(request):
    X, y01 = make_moons(n_samples=120, noise=0.3, random_state=0)
    low, high = request.param
    y = np.where(y01 == 1, high, low)
    model = AdaBoostClassifier(
        estimator=DecisionTreeClassifier(max_depth=1), n_estimators=25, random_state=0
    ).fit(X, y)
    return model, X, y


def test_adaboost_weights_are_normalized_and_start_uniform(boosted):
    model, X, y = boosted
    weights = adaboost_sample_weights(model, X, y)
    assert weights.shape == (len(model.estimators_), len(y))
    np.testing.assert_allclose(weights.sum(axis=1), 1.0)
    np.testing.assert_allclose(weights[0], 1 / len(y))
    assert np.all(weights > 0)


def test_adaboost_weights_reproduce_the_recorded_stump_errors(boosted):
    model, X, y = boosted
    weights = adaboost_sample_weights(model, X, y)
    missed = np.array([stump.predict(X) != y for stump in model.estimators_])
    replayed = (weights * missed).sum(axis=1)
    np.testing.assert_allclose(
        replayed,
        model.estimator_errors_[: len(replayed)],
        atol=1e-12,
        err_msg="the weighted error of stump m under the replayed weights differs from "
        "scikit-learn's recorded error: the reweighting rule is wrong",
    )
    # after reweighting, the previous stump is no better than a coin flip
    np.testing.assert_allclose((weights[1:] * missed[:-1]).sum(axis=1), 0.5, atol=1e-12)


def test_adaboost_weights_refit_the_same_stumps(boosted):
    model, X, y = boosted
    weights = adaboost_sample_weights(model, X, y)
    for m in [1, 5, 12]:
        refit = DecisionTreeClassifier(max_depth=1, random_state=model.estimators_[m].random_state)
        refit.fit(X, y, sample_weight=weights[m])
        np.testing.assert_array_equal(
            refit.predict(X),
            model.estimators_[m].predict(X),
            err_msg=f"a stump refitted with the round-{m + 1} weights differs from scikit-learn's",
        )


def test_plot_decision_regions_colours_the_plane_and_scatters_both_classes():
    X, y = make_moons(n_samples=60, noise=0.2, random_state=1)
    fig, ax = plt.subplots()
    plot_decision_regions(
        ax,
        lambda P: (P[:, 0] > 0.5).astype(int),
        X,
        y,
        resolution=30,
        sizes=np.linspace(5, 50, len(y)),
        title="regions",
    )
    assert len(ax.collections) >= 3, "expected filled regions and one scatter per class"
    offsets = [c.get_offsets() for c in ax.collections if len(c.get_offsets()) > 0]
    assert sum(len(o) for o in offsets[-2:]) == len(y), "every point must be drawn once"
    assert ax.get_title() == "regions"
    plt.close(fig)
