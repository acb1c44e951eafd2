"""fit_stump: I return the feature index as a NumPy integer from np.argmin / divmod instead of a Python int.

loses: fit_stump_returns_python_types_and_ignores_weight_scale
message: it must be a Python int
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
                candidates.append((j, t, p))
                errors.append(np.sum(w * (pred != y)) / np.sum(w))
    errors = np.array(errors)
    i = np.flatnonzero(errors <= errors.min() + 1e-12)[0]
    features = np.array([c[0] for c in candidates])
    return {
        "feature": features[i],
        "threshold": float(candidates[i][1]),
        "polarity": candidates[i][2],
        "error": float(errors[i]),
    }
