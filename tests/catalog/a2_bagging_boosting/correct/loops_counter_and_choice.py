"""Plain loops: rng.choice for the indices, np.quantile, a sorted Counter vote, an exhaustive stump loop.

rng.choice(n, size=n) with replacement makes exactly the draw of rng.integers(0, n, size=n).
"""


# %% cell: bootstrap_indices_implementation
def bootstrap_indices(n, rng):
    """Indices of one bootstrap sample (with replacement)."""
    return rng.choice(n, size=n, replace=True)


# %% cell: bootstrap_ci_implementation
def bootstrap_confidence_interval(data, statistic, n_boot, alpha, rng):
    """Percentile bootstrap confidence interval."""
    stats = []
    for _ in range(n_boot):
        sample = data[bootstrap_indices(len(data), rng)]
        stats.append(statistic(sample))
    lower, upper = np.quantile(np.array(stats, dtype=float), [alpha / 2, 1 - alpha / 2])
    return (float(lower), float(upper))


# %% cell: bagging_predict_implementation
from collections import Counter


def bagging_predict(all_preds, task):
    """Mean (regression) or majority vote with ties to the smallest label (classification)."""
    if task == "regression":
        return np.mean(all_preds, axis=0)
    if task != "classification":
        raise ValueError("unknown task: " + repr(task))
    winners = []
    for column in np.asarray(all_preds).T:
        counts = Counter(column.tolist())
        # max() returns the first maximum: iterate the labels in increasing order
        winners.append(max(sorted(counts), key=lambda label: counts[label]))
    return np.array(winners, dtype=np.asarray(all_preds).dtype)


# %% cell: stump_predict_implementation
def stump_predict(stump, X):
    """Predictions of a decision stump, -1 or +1."""
    above = X[:, stump["feature"]] > stump["threshold"]
    return np.where(above, 1, -1) * stump["polarity"]


# %% cell: fit_stump_implementation
def fit_stump(X, y, sample_weight):
    """The decision stump with the lowest weighted error."""
    w = np.asarray(sample_weight, dtype=float)
    found = []
    for j in range(X.shape[1]):
        values = sorted(set(X[:, j].tolist()))
        thresholds = [values[0] - 1.0] + [(a + b) / 2 for a, b in zip(values, values[1:])]
        for t in thresholds:
            for p in (1, -1):
                pred = np.where(X[:, j] > t, p, -p)
                found.append((float(np.sum(w[pred != y]) / np.sum(w)), j, t, p))
    lowest = min(e for e, *_ in found)
    error, j, t, p = next(c for c in found if c[0] <= lowest + 1e-12)
    return {"feature": j, "threshold": float(t), "polarity": p, "error": error}


# %% cell: adaboost_fit_implementation
import math


def adaboost_fit(X, y, n_rounds):
    """Discrete AdaBoost with decision stumps."""
    w = np.ones(len(y)) / len(y)
    model = []
    for _ in range(n_rounds):
        stump = fit_stump(X, y, w)
        err = float(np.clip(stump["error"], 1e-10, 1 - 1e-10))
        alpha = math.log((1 - err) / err) / 2
        w *= np.exp(-alpha * y * stump_predict(stump, X))
        w /= w.sum()
        model.append((alpha, stump))
    return model


# %% cell: adaboost_predict_implementation
def adaboost_predict(model, X):
    """Sign of the alpha-weighted vote, 0 mapped to +1."""
    votes = [alpha * stump_predict(stump, X) for alpha, stump in model]
    score = np.sum(votes, axis=0) if votes else np.zeros(len(X))
    return np.where(np.sign(score) >= 0, 1, -1)
