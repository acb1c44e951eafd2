"""L2 penalty with the textbook factor 1/2: lam / 2 * sum W**2.

loses: l2_penalty_by_hand, l2_penalty_matches_torch_on_random_weight_lists
message: factor 1/2
"""


# %% cell: l2_penalty_implementation
def l2_penalty(weights, lam):
    """lam / 2 * ||W||^2, as in many textbooks."""
    return 0.5 * lam * sum(float(np.sum(W**2)) for W in weights)
