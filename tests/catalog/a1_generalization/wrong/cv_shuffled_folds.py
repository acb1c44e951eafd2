"""cross_val_mse: I shuffle the folds with a fixed seed, kfold_indices(n, k, shuffle=True, rng=np.random.default_rng(0)).

loses: cross_val_mse_matches_hand_example, cross_val_mse_matches_sklearn_pipeline
message: shuffled
"""


# %% cell: cross_val_mse_implementation
def cross_val_mse(x, y, degree, k, lam=0.0):
    """Cross-validation error on shuffled folds."""
    errors = []
    folds = kfold_indices(len(x), k, shuffle=True, rng=np.random.default_rng(0))
    for train_idx, val_idx in folds:
        w = fit_ridge(polynomial_features(x[train_idx], degree), y[train_idx], lam)
        errors.append(mse(y[val_idx], polynomial_features(x[val_idx], degree) @ w))
    return float(np.mean(errors))
