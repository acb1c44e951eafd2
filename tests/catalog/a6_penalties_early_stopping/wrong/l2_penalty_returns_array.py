"""L2 penalty accumulated in np.zeros(1): returns an array of shape (1,).

loses: l2_penalty_by_hand, l2_penalty_matches_torch_on_random_weight_lists
message: one float
"""


# %% cell: l2_penalty_implementation
def l2_penalty(weights, lam):
    """Accumulate the sum of squares in a small array."""
    total = np.zeros(1)
    for W in weights:
        total += np.sum(W**2)
    return lam * total
