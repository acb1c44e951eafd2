"""DropConnect: I drop entries of x (like dropout) instead of weights.

loses: dropconnect_linear_small_example, dropconnect_linear_training_matches_formula_and_draws
message: DropConnect mask applied to x instead of W
"""
# %% cell: dropconnect_linear_implementation
def dropconnect_linear(x, W, b, p, training, rng):
    """Linear layer with a dropout mask on its input."""
    if not training or p == 0:
        return x @ W + b
    if p == 1:
        return np.zeros((x @ W).shape) + b
    mask = (rng.random(x.shape) >= p) / (1 - p)
    return (x * mask) @ W + b
