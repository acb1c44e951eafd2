"""Vectorized: all bootstrap indices in one 2-D draw, np.unique counts per column, and a stump
search with sorted cumulative weight sums (O(n log n) per feature).

One rng.integers(0, n, size=(n_boot, n)) makes the same draws as n_boot calls with size n.
"""


# %% cell: bootstrap_indices_implementation
def bootstrap_indices(n, rng):
    """Indices of one bootstrap sample (with replacement)."""
    return rng.integers(n, size=n)


# %% cell: bootstrap_ci_implementation
def bootstrap_confidence_interval(data, statistic, n_boot, alpha, rng):
    """Percentile bootstrap confidence interval."""
    n = len(data)
    all_idx = rng.integers(0, n, size=(n_boot, n))
    stats = np.array([statistic(data[idx]) for idx in all_idx], dtype=float)
    q = np.percentile(stats, [50 * alpha, 100 - 50 * alpha])
    return float(q[0]), float(q[1])


# %% cell: bagging_predict_implementation
def bagging_predict(all_preds, task):
    """Mean (regression) or majority vote with ties to the smallest label (classification)."""
    if task not in ("regression", "classification"):
        raise ValueError(f"unknown task {task}")
    if task == "regression":
        return all_preds.sum(axis=0) / all_preds.shape[0]
    out = np.empty(all_preds.shape[1], dtype=all_preds.dtype)
    for s in range(all_preds.shape[1]):
        labels, counts = np.unique(all_preds[:, s], return_counts=True)
        out[s] = labels[np.argmax(counts)]
    return out


# %% cell: stump_predict_implementation
def stump_predict(stump, X):
    """Predictions of a decision stump, -1 or +1."""
    sign = np.sign(X[:, stump["feature"]] - stump["threshold"])  # 0 at the threshold
    return np.where(sign > 0, stump["polarity"], -stump["polarity"])


# %% cell: fit_stump_implementation
def fit_stump(X, y, sample_weight):
    """The decision stump with the lowest weighted error."""
    w = np.asarray(sample_weight, dtype=float)
    total = w.sum()
    w_pos = np.where(y == 1, w, 0.0)
    w_neg = np.where(y == 1, 0.0, w)
    rows = []  # (feature, threshold, error of +1, error of -1)
    for j in range(X.shape[1]):
        order = np.argsort(X[:, j], kind="stable")
        x = X[order, j]
        # weight of each class at or below each unique value
        last = np.r_[np.flatnonzero(x[1:] != x[:-1]), len(x) - 1]
        pos_below = np.r_[0.0, np.cumsum(w_pos[order])[last][:-1]]
        neg_below = np.r_[0.0, np.cumsum(w_neg[order])[last][:-1]]
        values = x[last]
        thresholds = np.r_[values[0] - 1.0, (values[:-1] + values[1:]) / 2]
        # polarity +1 is wrong on the positives at or below and the negatives above
        err_plus = (pos_below + (w_neg.sum() - neg_below)) / total
        err_minus = (neg_below + (w_pos.sum() - pos_below)) / total
        for t, ep, em in zip(thresholds, err_plus, err_minus):
            rows.append((j, t, ep, em))
    errors = np.array([[r[2], r[3]] for r in rows]).ravel()  # +1 before -1 per threshold
    i = int(np.argmax(errors <= errors.min() + 1e-12))
    j, t = rows[i // 2][:2]
    return {
        "feature": int(j),
        "threshold": float(t),
        "polarity": 1 if i % 2 == 0 else -1,
        "error": float(errors[i]),
    }


# %% cell: adaboost_fit_implementation
def adaboost_fit(X, y, n_rounds):
    """Discrete AdaBoost with decision stumps."""
    w = np.full(len(y), 1 / len(y))
    rounds = []
    while len(rounds) < n_rounds:
        stump = fit_stump(X, y, w)
        e = np.clip(stump["error"], 1e-10, 1 - 1e-10)
        alpha = 0.5 * (np.log1p(-e) - np.log(e))
        margin = y * stump_predict(stump, X)
        w = w * np.exp(-alpha * margin)
        w = w / np.sum(w)
        rounds.append((float(alpha), stump))
    return rounds


# %% cell: adaboost_predict_implementation
def adaboost_predict(model, X):
    """Sign of the alpha-weighted vote, 0 mapped to +1."""
    alphas = np.array([alpha for alpha, _ in model])
    preds = np.array([stump_predict(stump, X) for _, stump in model]).reshape(len(model), len(X))
    score = alphas @ preds
    return (score >= 0).astype(int) * 2 - 1
