"""Dropout: at test time I multiply by the keep probability, as in the original dropout paper.

loses: dropout_forward_small_example_matches_formula, dropout_forward_eval_p0_p1_without_drawing
message: scaling at eval time
"""
# %% cell: dropout_forward_implementation
def dropout_forward(x, p, training, rng):
    """Dropout that scales at test time (and also while training)."""
    if not training:
        return x * (1 - p), None
    if p == 0:
        return x, None
    if p == 1:
        return np.zeros_like(x), np.zeros_like(x)
    mask = (rng.random(x.shape) >= p) / (1 - p)
    return x * mask, mask
