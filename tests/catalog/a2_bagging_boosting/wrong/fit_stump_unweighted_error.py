"""fit_stump: I count the mistakes and ignore the sample weights.

loses: fit_stump_matches_hand_example, fit_stump_matches_exhaustive_search, fit_stump_breaks_ties_by_feature_threshold_polarity, fit_stump_returns_python_types_and_ignores_weight_scale, adaboost_fit_matches_hand_computed_rounds
message: the error ignores the sample weights
"""


# %% cell: fit_stump_implementation
def fit_stump(X, y, sample_weight):
    """The decision stump with the lowest weighted error."""
    w = np.asarray(sample_weight, dtype=float)
    best = None
    for j in range(X.shape[1]):
        values = np.unique(X[:, j])
        for t in np.concatenate([[values[0] - 1], (values[:-1] + values[1:]) / 2]):
            for p in (1, -1):
                pred = np.where(X[:, j] > t, p, -p)
                err = np.mean(pred != y)
                if best is None or err < best[3] - 1e-12:
                    best = (j, float(t), p, float(err))
    return dict(zip(("feature", "threshold", "polarity", "error"), best))
