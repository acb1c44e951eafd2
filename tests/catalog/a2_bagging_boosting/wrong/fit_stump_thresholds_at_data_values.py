"""fit_stump: I use the data values themselves as thresholds instead of min - 1 and the midpoints.

loses: fit_stump_matches_hand_example, fit_stump_matches_exhaustive_search, fit_stump_breaks_ties_by_feature_threshold_polarity, fit_stump_returns_python_types_and_ignores_weight_scale
message: your thresholds are data values
"""


# %% cell: fit_stump_implementation
def fit_stump(X, y, sample_weight):
    """The decision stump with the lowest weighted error."""
    w = np.asarray(sample_weight, dtype=float)
    best = None
    for j in range(X.shape[1]):
        for t in np.unique(X[:, j]):
            for p in (1, -1):
                pred = np.where(X[:, j] > t, p, -p)
                err = np.sum(w * (pred != y)) / np.sum(w)
                if best is None or err < best[3] - 1e-12:
                    best = (j, float(t), p, float(err))
    return dict(zip(("feature", "threshold", "polarity", "error"), best))
