"""sigmoid: stable with exp(-|z|), but I swapped the two branches.

loses: sigmoid_matches_hand_values, sigmoid_is_stable_for_logits_of_1e4, sigmoid_matches_scipy_expit, logistic_grad_matches_hand_values, logistic_grad_is_finite_for_logits_of_1e4, logistic_grad_matches_autograd, train_batch_gd_matches_hand_computed_steps
message: the sign is flipped
"""
# %% cell: sigmoid_implementation
def sigmoid(z):
    """The logistic function 1 / (1 + exp(-z)), elementwise."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, e / (1.0 + e), 1.0 / (1.0 + e))
