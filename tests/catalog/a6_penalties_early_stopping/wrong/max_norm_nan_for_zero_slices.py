"""max_norm as Keras' formula without the epsilon: 0 / 0 for zero slices.

loses: max_norm_keeps_slices_within_the_limit_bitwise_and_zero_slices
message: returned NaN
"""


# %% cell: max_norm_implementation
def max_norm(W, max_value, axis=0):
    """Rescale the slices along ``axis`` whose L2 norm exceeds ``max_value``."""
    norms = np.sqrt(np.sum(W**2, axis=axis, keepdims=True))
    return W * (np.clip(norms, 0, max_value) / norms)
