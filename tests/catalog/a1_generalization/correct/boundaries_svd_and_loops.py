"""Fold boundaries from sizes and np.setdiff1d, column-by-column features, ridge through the SVD, an explicit tie rule, variance from centered predictions."""


# %% cell: kfold_indices_implementation
def kfold_indices(n, k, shuffle=False, rng=None):
    """k folds from a list of boundaries."""
    if k < 2 or k > n:
        raise ValueError("k must satisfy 2 <= k <= n")
    order = (
        (np.random.default_rng() if rng is None else rng).permutation(n)
        if shuffle
        else np.arange(n)
    )
    q, r = divmod(n, k)
    bounds = [0]
    for i in range(k):
        bounds.append(bounds[-1] + q + (1 if i < r else 0))
    folds = []
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        val = np.sort(order[lo:hi])
        folds.append((np.setdiff1d(np.arange(n), val), val))
    return folds


# %% cell: polynomial_features_implementation
def polynomial_features(x, degree):
    """One column per power, built by repeated multiplication."""
    x = np.asarray(x, dtype=np.float64)
    Phi = np.ones((x.shape[0], degree + 1))
    for j in range(1, degree + 1):
        Phi[:, j] = Phi[:, j - 1] * x
    return Phi


# %% cell: fit_ridge_implementation
def fit_ridge(Phi, y, lam=0.0):
    """w = V diag(s / (s^2 + lam)) U^T y; at lam = 0 tiny singular values are dropped (pinv)."""
    U, s, Vt = np.linalg.svd(Phi, full_matrices=False)
    if lam == 0:
        keep = s > s.max(initial=0.0) * max(Phi.shape) * np.finfo(float).eps
        factors = np.zeros_like(s)
        factors[keep] = 1.0 / s[keep]
    else:
        factors = s / (s**2 + lam)
    return Vt.T @ (factors * (U.T @ y))


# %% cell: mse_implementation
def mse(y_true, y_pred):
    """Mean squared error."""
    return float(np.square(y_true - y_pred).mean())


# %% cell: cross_val_mse_implementation
def cross_val_mse(x, y, degree, k, lam=0.0):
    """Mean of the fold validation errors."""
    total = 0.0
    for train, val in kfold_indices(x.shape[0], k):
        w = fit_ridge(polynomial_features(x[train], degree), y[train], lam)
        total += mse(y[val], polynomial_features(x[val], degree) @ w)
    return total / k


# %% cell: select_degree_implementation
def select_degree(x, y, degrees, k):
    """Scan all degrees; a tie goes to the smaller degree."""
    best = None
    for degree in degrees:
        error = cross_val_mse(x, y, degree, k)
        if best is None or error < best[0] or (error == best[0] and degree < best[1]):
            best = (error, degree)
    return best[1]


# %% cell: bias_variance_decomposition_implementation
def bias_variance_decomposition(preds, f_true, noise_var):
    """Decomposition from centered predictions."""
    mean_pred = preds.mean(axis=0)
    centered = preds - mean_pred
    out = {
        "bias_sq": float(((mean_pred - f_true) ** 2).mean()),
        "variance": float((centered**2).mean()),
        "noise": float(noise_var),
    }
    out["expected_error"] = out["bias_sq"] + out["variance"] + out["noise"]
    return out
