"""logistic_grad: I forgot to divide by n.

loses: logistic_grad_matches_hand_values, logistic_grad_is_finite_for_logits_of_1e4, logistic_grad_matches_autograd, train_batch_gd_matches_hand_computed_steps
message: missing the 1/n
"""
# %% cell: logistic_grad_implementation
def logistic_grad(w, X, y):
    """Gradient of logistic_loss with respect to w."""
    return X.T @ (sigmoid(X @ w) - y)
