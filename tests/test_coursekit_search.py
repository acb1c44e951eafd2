"""Tests for coursekit.search, the plumbing of chapters 9 and 10: the digits trainer, the
scores of models and ensembles, the checkpointing trial worker and the projection plot."""

from __future__ import annotations

import json
import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from sklearn.metrics import log_loss
from torch import nn

from coursekit.digits import digits_tensors
from coursekit.search import (
    DIVERGED_LOSS,
    TrialLog,
    digits_validation_loss,
    draw_with_projections,
    fit_classifier,
    make_mlp,
    mean_probabilities,
    nll_and_accuracy,
    probability_scores,
    run_logged_trials,
)

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def digits():
    return digits_tensors(test_size=0.25, val_size=0.15, seed=0)


# --- make_mlp and fit_classifier ------------------------------------------------------


def test_make_mlp_initializes_like_nn_linear_after_manual_seed():
    net = make_mlp(64, 16, 10, seed=3, depth=2)
    torch.manual_seed(3)
    expected = [nn.Linear(64, 16), nn.Linear(16, 16), nn.Linear(16, 10)]
    linears = [m for m in net if isinstance(m, nn.Linear)]
    assert len(linears) == 3, "depth=2 must give two hidden layers and an output layer"
    for got, want in zip(linears, expected, strict=True):
        torch.testing.assert_close(got.weight, want.weight)
        torch.testing.assert_close(got.bias, want.bias)
    assert sum(isinstance(m, nn.ReLU) for m in net) == 2


def test_fit_classifier_lowers_the_loss_and_is_reproducible(digits):
    X, y = digits.X_train[:300], digits.y_train[:300]
    runs = []
    for _ in range(2):
        net = make_mlp(64, 32, 10, seed=0)
        losses = fit_classifier(net, X, y, lr=0.3, epochs=5, seed=1)
        runs.append((losses, [p.detach().clone() for p in net.parameters()]))
    losses, params = runs[0]
    assert len(losses) == 5
    assert losses[-1] < 0.5 * losses[0], f"training did not learn: epoch losses {losses}"
    assert losses == runs[1][0], "same seeds must give the same epoch losses"
    for a, b in zip(params, runs[1][1], strict=True):
        assert torch.equal(a, b)
    assert not net.training, "fit_classifier must leave the model in evaluation mode"


def test_fit_classifier_trains_only_parameters_that_require_gradients(digits):
    body = make_mlp(64, 32, 32, seed=0)
    body.requires_grad_(False)
    net = nn.Sequential(body, nn.ReLU(), nn.Linear(32, 10))
    frozen_before = [p.clone() for p in body.parameters()]
    head_before = net[2].weight.clone()
    fit_classifier(
        net, digits.X_train[:200], digits.y_train[:200], lr=0.1, epochs=2, optimizer="adam"
    )
    for before, after in zip(frozen_before, body.parameters(), strict=True):
        assert torch.equal(before, after), "a frozen parameter changed"
    assert not torch.equal(head_before, net[2].weight), "the trainable head did not change"


def test_fit_classifier_callbacks_and_learning_rate_schedule(digits):
    X, y = digits.X_train[:130], digits.y_train[:130]
    net = make_mlp(64, 8, 10, seed=0)
    steps, epochs, rates = [], [], []
    schedule = [0.1, 0.05, 0.025, 0.0125, 0.00625, 0.003]

    def after_step(model):
        steps.append(1)

    def lr_at(t):
        rates.append(t)
        return schedule[t]

    fit_classifier(
        net,
        X,
        y,
        lr=1.0,
        epochs=2,
        batch_size=50,
        lr_at=lr_at,
        after_step=after_step,
        after_epoch=lambda m, e: epochs.append(e),
    )
    assert len(steps) == 6, f"130 rows in batches of 50 for 2 epochs is 6 steps, got {len(steps)}"
    assert epochs == [1, 2]
    assert rates == list(range(6)), "lr_at must be asked once per iteration, counting from 0"


def test_fit_classifier_stops_when_the_loss_is_not_finite(digits):
    X = digits.X_train[:256].clone()
    X[5, 0] = float("nan")  # one corrupt pixel makes every later loss NaN
    losses = fit_classifier(
        make_mlp(64, 32, 10, seed=0), X, digits.y_train[:256], lr=0.1, epochs=10
    )
    assert losses == [math.inf], f"training must stop after the first non-finite epoch: {losses}"


def test_fit_classifier_rejects_an_unknown_optimizer(digits):
    with pytest.raises(ValueError, match="optimizer"):
        fit_classifier(
            make_mlp(64, 4, 10, seed=0),
            digits.X_train[:10],
            digits.y_train[:10],
            lr=0.1,
            epochs=1,
            optimizer="lbfgs",
        )


# --- scores ---------------------------------------------------------------------------


def test_nll_and_accuracy_match_scikit_learn(digits):
    net = make_mlp(64, 16, 10, seed=0)
    fit_classifier(net, digits.X_train, digits.y_train, lr=0.1, epochs=2)
    nll, acc = nll_and_accuracy(net, digits.X_val, digits.y_val)
    with torch.no_grad():
        probs = torch.softmax(net(digits.X_val).double(), 1).numpy()
    assert nll == pytest.approx(log_loss(digits.y_val.numpy(), probs, labels=range(10)), rel=1e-4)
    assert acc == pytest.approx(np.mean(probs.argmax(1) == digits.y_val.numpy()))


def test_mean_probabilities_averages_softmax_outputs_not_logits(digits):
    nets = [make_mlp(64, 8, 10, seed=s) for s in range(3)]
    X = digits.X_val[:20]
    got = mean_probabilities(nets, X)
    with torch.no_grad():
        expected = sum(torch.softmax(n(X), 1) for n in nets) / 3
        from_logits = torch.softmax(sum(n(X) for n in nets) / 3, 1)
    torch.testing.assert_close(got, expected)
    assert not torch.allclose(got, from_logits), "averaging logits is a different ensemble"
    torch.testing.assert_close(got.sum(1), torch.ones(20))


def test_probability_scores_match_scikit_learn():
    rng = np.random.default_rng(0)
    probs = rng.dirichlet(np.ones(4), size=50)
    y = rng.integers(0, 4, size=50)
    nll, acc = probability_scores(torch.from_numpy(probs), torch.from_numpy(y))
    assert nll == pytest.approx(log_loss(y, probs, labels=range(4)), rel=1e-10)
    assert acc == pytest.approx(np.mean(probs.argmax(1) == y))


# --- the search objective -------------------------------------------------------------


def test_digits_validation_loss_is_reproducible_and_learns(digits):
    good = digits_validation_loss({"lr": 0.1}, digits, epochs=3)
    assert good == digits_validation_loss({"lr": 0.1}, digits, epochs=3)
    frozen = digits_validation_loss({"lr": 1e-5}, digits, epochs=1)
    assert frozen == pytest.approx(math.log(10), abs=0.05), "a tiny rate should learn nothing"
    assert good < 0.6, f"lr=0.1 for 3 epochs should learn the digits, validation loss {good}"


def test_digits_validation_loss_scores_divergence_and_rejects_unknown_keys(digits):
    assert digits_validation_loss({"lr": 1e6}, digits, epochs=2) == DIVERGED_LOSS
    with pytest.raises(KeyError, match="dropout"):
        digits_validation_loss({"lr": 0.1, "dropout": 0.5}, digits)


# --- TrialLog and run_logged_trials ---------------------------------------------------


def counting_objective(calls):
    def objective(params):
        calls.append(dict(params))
        return (np.log10(params["lr"]) + 1) ** 2 + params["width"] / 100

    return objective


CANDIDATES = [{"lr": np.float64(10.0**-k), "width": np.int64(k)} for k in range(6)]


def test_logged_trials_stop_and_resume_without_rerunning(tmp_path):
    path = tmp_path / "trials.jsonl"
    calls = []
    first = run_logged_trials(counting_objective(calls), CANDIDATES, path, max_new=2)
    assert [r["trial"] for r in first] == [0, 1] and len(calls) == 2
    calls.clear()
    records = run_logged_trials(counting_objective(calls), CANDIDATES, path)
    assert [c["width"] for c in calls] == [2, 3, 4, 5], "finished trials must not run again"
    assert [r["trial"] for r in records] == list(range(6))
    assert records[1]["score"] == pytest.approx(0.01), "trial 1 is lr=0.1, width=1"
    lines = path.read_text().splitlines()
    assert len(lines) == 6 and json.loads(lines[0])["params"] == {"lr": 1.0, "width": 0}
    calls.clear()
    run_logged_trials(counting_objective(calls), CANDIDATES, path)
    assert calls == [], "a finished search must not run anything"


def test_a_line_cut_off_by_a_crash_is_ignored_and_rerun(tmp_path):
    path = tmp_path / "trials.jsonl"
    run_logged_trials(counting_objective([]), CANDIDATES, path, max_new=3)
    with path.open("a") as f:
        f.write('{"trial": 3, "par')
    assert len(TrialLog(path).records()) == 3
    calls = []
    records = run_logged_trials(counting_objective(calls), CANDIDATES, path)
    assert [c["width"] for c in calls] == [3, 4, 5]
    assert [r["trial"] for r in TrialLog(path).records()] == list(range(6)), (
        "the record after a broken line must start on a fresh line"
    )
    assert len(records) == 6


def test_a_changed_search_space_is_refused(tmp_path):
    path = tmp_path / "trials.jsonl"
    run_logged_trials(counting_objective([]), CANDIDATES, path, max_new=2)
    changed = [{"lr": 0.5, "width": 1}] + CANDIDATES[1:]
    with pytest.raises(ValueError, match="search space changed"):
        run_logged_trials(counting_objective([]), changed, path)


# --- draw_with_projections -------------------------------------------------------------


def test_draw_with_projections_makes_three_panels_and_counts_distinct_values():
    fig = plt.figure()
    points = np.array([[0.2, 0.1], [0.2, 0.9], [0.7, 0.5]])
    draw_with_projections(
        fig, fig.add_gridspec(1, 1)[0], points, lambda x: x**2, lambda y: 0.1 * y, "grid"
    )
    assert len(fig.axes) == 3
    titles = [ax.get_title() for ax in fig.axes]
    assert "grid: 2 distinct values" in titles
    plt.close(fig)
