"""logistic_loss: I clip p to [1e-15, 1 - 1e-15] before the logs, so they stay finite.

loses: logistic_loss_is_finite_for_logits_of_1e4, logistic_loss_matches_torch_bce_with_logits
message: clips the probabilities
"""
# %% cell: logistic_loss_implementation
def logistic_loss(w, X, y):
    """Mean binary cross-entropy of the logits X @ w against the labels y."""
    eps = 1e-15
    p = np.clip(sigmoid(X @ w), eps, 1 - eps)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
