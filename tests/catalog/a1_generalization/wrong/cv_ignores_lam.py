"""cross_val_mse: I forget to pass lam on to fit_ridge.

loses: cross_val_mse_matches_sklearn_pipeline
message: lam is ignored
"""


# %% cell: cross_val_mse_implementation
def cross_val_mse(x, y, degree, k, lam=0.0):
    """Cross-validation error."""
    errors = []
    for train_idx, val_idx in kfold_indices(len(x), k):
        w = fit_ridge(polynomial_features(x[train_idx], degree), y[train_idx])
        errors.append(mse(y[val_idx], polynomial_features(x[val_idx], degree) @ w))
    return float(np.mean(errors))
