"""max_norm whose norms lose the reduced axis (no keepdims).

loses: max_norm_by_hand, max_norm_matches_torch_renorm_for_2d_and_3d_weights, max_norm_keeps_slices_within_the_limit_bitwise_and_zero_slices
message: keepdims
"""


# %% cell: max_norm_implementation
def max_norm(W, max_value, axis=0):
    """Rescale the slices along ``axis`` whose L2 norm exceeds ``max_value``."""
    norms = np.sqrt(np.sum(W**2, axis=axis))
    return W * np.minimum(1.0, max_value / np.maximum(norms, 1e-300))
