"""np.array_split folds with rng.shuffle, np.vander(increasing=True), ridge as an augmented least-squares problem, min over (error, degree)."""


# %% cell: kfold_indices_implementation
def kfold_indices(n, k, shuffle=False, rng=None):
    """Split range(n) into k folds (np.array_split puts the larger folds first, like KFold)."""
    if not 2 <= k <= n:
        raise ValueError(f"k must be between 2 and n = {n}, got {k}")
    order = np.arange(n)
    if shuffle:
        if rng is None:
            rng = np.random.default_rng()
        rng.shuffle(order)  # on np.arange(n) this is the same draw as rng.permutation(n)
    folds = []
    for block in np.array_split(order, k):
        in_val = np.zeros(n, dtype=bool)
        in_val[block] = True
        folds.append((np.flatnonzero(~in_val), np.flatnonzero(in_val)))
    return folds


# %% cell: polynomial_features_implementation
def polynomial_features(x, degree):
    """Vandermonde matrix with increasing powers."""
    return np.vander(np.asarray(x, dtype=float), degree + 1, increasing=True)


# %% cell: fit_ridge_implementation
def fit_ridge(Phi, y, lam=0.0):
    """Ridge as least squares on [Phi; sqrt(lam) I] and [y; 0]; lstsq gives minimum norm at lam 0."""
    d = Phi.shape[1]
    A = np.vstack([Phi, np.sqrt(lam) * np.eye(d)])
    b = np.concatenate([y, np.zeros(d)])
    return np.linalg.lstsq(A, b, rcond=None)[0]


# %% cell: mse_implementation
def mse(y_true, y_pred):
    """Mean squared error."""
    residual = np.subtract(y_true, y_pred)
    return float(residual @ residual / residual.size)


# %% cell: cross_val_mse_implementation
def cross_val_mse(x, y, degree, k, lam=0.0):
    """Mean of the fold validation errors."""
    Phi = polynomial_features(x, degree)
    errors = [
        mse(y[val], Phi[val] @ fit_ridge(Phi[train], y[train], lam))
        for train, val in kfold_indices(len(x), k)
    ]
    return sum(errors) / len(errors)


# %% cell: select_degree_implementation
def select_degree(x, y, degrees, k):
    """Smallest (error, degree) pair."""
    return min((cross_val_mse(x, y, d, k), d) for d in degrees)[1]


# %% cell: bias_variance_decomposition_implementation
def bias_variance_decomposition(preds, f_true, noise_var):
    """Decomposition via np.var."""
    bias_sq = np.mean((np.mean(preds, axis=0) - f_true) ** 2).item()
    variance = np.var(preds, axis=0).mean().item()
    return {
        "bias_sq": bias_sq,
        "variance": variance,
        "noise": float(noise_var),
        "expected_error": bias_sq + variance + float(noise_var),
    }
