"""Dropout backward: I let the gradient through where the mask is nonzero, without the scale.

loses: dropout_backward_small_example, dropout_backward_is_dout_times_mask_for_random_masks
message: not rescaled by 1 / (1 - p)
"""
# %% cell: dropout_backward_implementation
def dropout_backward(dout, mask):
    """Gradient through dropout (kept entries pass unchanged)."""
    if mask is None:
        return dout
    return dout * (mask != 0)
