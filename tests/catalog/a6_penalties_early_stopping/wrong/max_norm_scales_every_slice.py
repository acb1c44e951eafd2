"""max_norm that rescales every slice to norm max_value.

loses: max_norm_by_hand, max_norm_matches_torch_renorm_for_2d_and_3d_weights, max_norm_keeps_slices_within_the_limit_bitwise_and_zero_slices
message: every slice was scaled
"""


# %% cell: max_norm_implementation
def max_norm(W, max_value, axis=0):
    """Rescale the slices along ``axis`` whose L2 norm exceeds ``max_value``."""
    norms = np.sqrt(np.sum(W**2, axis=axis, keepdims=True))
    return W * (max_value / norms)
