"""Dropout: I zero the dropped entries but forget to scale the kept ones by 1 / (1 - p).

loses: dropout_forward_small_example_matches_formula, dropout_forward_training_matches_mask_formula_and_draws
message: not rescaled by 1 / (1 - p)
"""
# %% cell: dropout_forward_implementation
def dropout_forward(x, p, training, rng):
    """Dropout without rescaling."""
    if not training or p == 0:
        return x, None
    if p == 1:
        return np.zeros_like(x), np.zeros_like(x)
    mask = (rng.random(x.shape) >= p).astype(np.float64)
    return x * mask, mask
