"""max_norm with torch.renorm's meaning of dim: one norm per index of axis.

loses: max_norm_by_hand, max_norm_matches_torch_renorm_for_2d_and_3d_weights, max_norm_keeps_slices_within_the_limit_bitwise_and_zero_slices
message: wrong axes
"""


# %% cell: max_norm_implementation
def max_norm(W, max_value, axis=0):
    """Rescale the slices along ``axis`` whose L2 norm exceeds ``max_value``."""
    others = tuple(a for a in range(W.ndim) if a != axis % W.ndim)
    norms = np.sqrt(np.sum(W**2, axis=others, keepdims=True))
    scale = np.where(norms > max_value, max_value / np.where(norms > 0, norms, 1.0), 1.0)
    return W * scale
