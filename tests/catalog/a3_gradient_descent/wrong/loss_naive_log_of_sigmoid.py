"""logistic_loss: I take the logs of the probabilities, -mean(y log p + (1 - y) log(1 - p)).

loses: logistic_loss_is_finite_for_logits_of_1e4, logistic_loss_matches_torch_bce_with_logits
message: log(0)
"""
# %% cell: logistic_loss_implementation
def logistic_loss(w, X, y):
    """Mean binary cross-entropy of the logits X @ w against the labels y."""
    p = sigmoid(X @ w)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
