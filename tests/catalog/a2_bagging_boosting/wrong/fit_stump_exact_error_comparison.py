"""fit_stump: I keep the stump with the exactly smallest error (argmin), without the 1e-12 tolerance.

loses: fit_stump_breaks_ties_by_feature_threshold_polarity
message: within 1e-12
"""


# %% cell: fit_stump_implementation
def fit_stump(X, y, sample_weight):
    """The decision stump with the lowest weighted error."""
    w = np.asarray(sample_weight, dtype=float)
    candidates, errors = [], []
    for j in range(X.shape[1]):
        values = np.unique(X[:, j])
        for t in np.concatenate([[values[0] - 1], (values[:-1] + values[1:]) / 2]):
            for p in (1, -1):
                pred = np.where(X[:, j] > t, p, -p)
                candidates.append((j, float(t), p))
                errors.append(float(np.sum(w * (pred != y)) / np.sum(w)))
    i = int(np.argmin(errors))
    j, t, p = candidates[i]
    return {"feature": j, "threshold": t, "polarity": p, "error": errors[i]}
