"""fit_stump: I replace the best stump when err <= best, so the last of the tied candidates wins.

loses: fit_stump_matches_hand_example, fit_stump_matches_exhaustive_search, fit_stump_breaks_ties_by_feature_threshold_polarity
message: tie broken toward the last feature
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
                err = np.sum(w * (pred != y)) / np.sum(w)
                if best is None or err <= best[3] + 1e-12:
                    best = (j, float(t), p, float(err))
    return dict(zip(("feature", "threshold", "polarity", "error"), best))
