"""logistic_loss: I return the mean log-likelihood (I forgot the minus sign).

loses: logistic_loss_matches_hand_values, logistic_loss_is_finite_for_logits_of_1e4, logistic_loss_matches_torch_bce_with_logits
message: wrong sign
"""
# %% cell: logistic_loss_implementation
def logistic_loss(w, X, y):
    """Mean binary cross-entropy of the logits X @ w against the labels y."""
    z = X @ w
    return float(np.mean(y * z - np.logaddexp(0.0, z)))
