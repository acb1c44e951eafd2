"""sigmoid: I wrote the formula literally, 1 / (1 + np.exp(-z)).

loses: sigmoid_is_stable_for_logits_of_1e4, logistic_grad_is_finite_for_logits_of_1e4
message: overflow encountered in exp
"""
# %% cell: sigmoid_implementation
def sigmoid(z):
    """The logistic function 1 / (1 + exp(-z)), elementwise."""
    return 1.0 / (1.0 + np.exp(-z))
