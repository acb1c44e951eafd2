"""Dropout: I draw the mask first and only then look at the training flag.

loses: dropout_forward_small_example_matches_formula, dropout_forward_eval_p0_p1_without_drawing
message: random numbers drawn when not training
"""
# %% cell: dropout_forward_implementation
def dropout_forward(x, p, training, rng):
    """Inverted dropout that always draws its mask."""
    if p == 0:
        return x, None
    if p == 1:
        return np.zeros_like(x), np.zeros_like(x)
    mask = (rng.random(x.shape) >= p) / (1 - p)
    if not training:
        return x, None
    return x * mask, mask
