"""max_norm that rescales W in place with *= and returns it.

loses: max_norm_by_hand, max_norm_keeps_slices_within_the_limit_bitwise_and_zero_slices
message: modified W in place
"""


# %% cell: max_norm_implementation
def max_norm(W, max_value, axis=0):
    """Rescale the slices along ``axis`` whose L2 norm exceeds ``max_value``."""
    norms = np.sqrt(np.sum(W**2, axis=axis, keepdims=True))
    W *= np.where(norms > max_value, max_value / np.where(norms > 0, norms, 1.0), 1.0)
    return W
