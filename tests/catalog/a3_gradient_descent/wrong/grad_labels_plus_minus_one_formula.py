"""logistic_grad: I used the gradient for labels in {-1, +1}, -X^T (y sigmoid(-y z)) / n.

loses: logistic_grad_matches_hand_values, logistic_grad_is_finite_for_logits_of_1e4, logistic_grad_matches_autograd, train_batch_gd_matches_hand_computed_steps
message: labels in {-1, +1}
"""
# %% cell: logistic_grad_implementation
def logistic_grad(w, X, y):
    """Gradient of logistic_loss with respect to w."""
    z = X @ w
    return -X.T @ (y * sigmoid(-y * z)) / X.shape[0]
