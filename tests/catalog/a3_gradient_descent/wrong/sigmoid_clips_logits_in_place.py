"""sigmoid: I clip very negative logits in place (z[z < -500] = -500) to avoid the overflow.

loses: sigmoid_leaves_input_unmodified_and_keeps_shape
message: modified the z you passed in
"""
# %% cell: sigmoid_implementation
def sigmoid(z):
    """The logistic function 1 / (1 + exp(-z)), elementwise."""
    z[z < -500] = -500.0  # exp(500) does not overflow
    return 1.0 / (1.0 + np.exp(-z))
