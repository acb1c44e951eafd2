"""cross_val_mse: I collect all validation residuals and take one mean over all n samples.

loses: cross_val_mse_matches_hand_example, cross_val_mse_matches_sklearn_pipeline
message: mean over the k folds
"""


# %% cell: cross_val_mse_implementation
def cross_val_mse(x, y, degree, k, lam=0.0):
    """Cross-validation error."""
    squared = []
    for train_idx, val_idx in kfold_indices(len(x), k):
        w = fit_ridge(polynomial_features(x[train_idx], degree), y[train_idx], lam)
        squared.append((y[val_idx] - polynomial_features(x[val_idx], degree) @ w) ** 2)
    return float(np.mean(np.concatenate(squared)))
