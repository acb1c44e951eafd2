"""Dropout: I draw the uniform numbers before handling p == 1.

loses: dropout_forward_eval_p0_p1_without_drawing
message: with p == 1 everything is dropped
"""
# %% cell: dropout_forward_implementation
def dropout_forward(x, p, training, rng):
    """Inverted dropout, p == 1 handled after the draw."""
    if not training or p == 0:
        return x, None
    u = rng.random(x.shape)
    if p == 1:
        return np.zeros_like(x), np.zeros_like(x)
    mask = (u >= p) / (1 - p)
    return x * mask, mask
