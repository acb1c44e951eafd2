"""sigmoid: I clip the logits to [-30, 30] first; exp(30) is small enough.

loses: sigmoid_is_stable_for_logits_of_1e4, sigmoid_matches_scipy_expit
message: clipped to [-30, 30]
"""
# %% cell: sigmoid_implementation
def sigmoid(z):
    """The logistic function 1 / (1 + exp(-z)), elementwise."""
    z = np.clip(z, -30.0, 30.0)
    return 1.0 / (1.0 + np.exp(-z))
