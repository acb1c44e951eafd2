"""Dropout: I treat p as the keep probability (CS231n's convention), keeping draws < p.

loses: dropout_forward_small_example_matches_formula, dropout_forward_training_matches_mask_formula_and_draws
message: keep probability used as the drop probability
"""
# %% cell: dropout_forward_implementation
def dropout_forward(x, p, training, rng):
    """Inverted dropout."""
    if not training or p == 0:
        return x, None
    if p == 1:
        return np.zeros_like(x), np.zeros_like(x)
    mask = (rng.random(x.shape) < p) / p
    return x * mask, mask
