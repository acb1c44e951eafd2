"""sigmoid: I pick the stable branch with np.where, but compute both branches on all of z.

loses: sigmoid_is_stable_for_logits_of_1e4, logistic_grad_is_finite_for_logits_of_1e4
message: np.where evaluates both branches
"""
# %% cell: sigmoid_implementation
def sigmoid(z):
    """The logistic function 1 / (1 + exp(-z)), elementwise."""
    return np.where(z >= 0, 1.0 / (1.0 + np.exp(-z)), np.exp(z) / (1.0 + np.exp(z)))
