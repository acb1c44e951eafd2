"""fit_stump: I try polarity -1 before +1, so ties go to polarity -1.

loses: fit_stump_breaks_ties_by_feature_threshold_polarity
message: tie broken toward polarity -1
"""


# %% cell: fit_stump_implementation
def fit_stump(X, y, sample_weight):
    """The decision stump with the lowest weighted error."""
    w = np.asarray(sample_weight, dtype=float)
    best = None
    for j in range(X.shape[1]):
        values = np.unique(X[:, j])
        for t in np.concatenate([[values[0] - 1], (values[:-1] + values[1:]) / 2]):
            for p in (-1, 1):
                pred = np.where(X[:, j] > t, p, -p)
                err = np.sum(w * (pred != y)) / np.sum(w)
                if best is None or err < best[3] - 1e-12:
                    best = (j, float(t), p, float(err))
    return dict(zip(("feature", "threshold", "polarity", "error"), best))
