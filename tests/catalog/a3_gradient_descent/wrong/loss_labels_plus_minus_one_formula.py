"""logistic_loss: I used the textbook formula log(1 + exp(-y z)), which is for labels in {-1, +1}.

loses: logistic_loss_matches_hand_values, logistic_loss_is_finite_for_logits_of_1e4, logistic_loss_matches_torch_bce_with_logits
message: labels in {-1, +1}
"""
# %% cell: logistic_loss_implementation
def logistic_loss(w, X, y):
    """Mean binary cross-entropy of the logits X @ w against the labels y."""
    return float(np.mean(np.logaddexp(0.0, -y * (X @ w))))
