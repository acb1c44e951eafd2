"""cross_val_mse: I fit once on all the data and then score each validation fold.

loses: cross_val_mse_matches_hand_example, cross_val_mse_matches_sklearn_pipeline, select_degree_picks_the_true_degree
message: training folds only
"""


# %% cell: cross_val_mse_implementation
def cross_val_mse(x, y, degree, k, lam=0.0):
    """Cross-validation error."""
    w = fit_ridge(polynomial_features(x, degree), y, lam)
    errors = []
    for _, val_idx in kfold_indices(len(x), k):
        errors.append(mse(y[val_idx], polynomial_features(x[val_idx], degree) @ w))
    return float(np.mean(errors))
