"""L2 penalty loop that overwrites the total instead of adding to it.

loses: l2_penalty_by_hand, l2_penalty_matches_torch_on_random_weight_lists
message: overwritten
"""


# %% cell: l2_penalty_implementation
def l2_penalty(weights, lam):
    """Loop over the arrays (total = instead of total +=)."""
    total = 0.0
    for W in weights:
        total = float(np.sum(W**2))
    return lam * total
