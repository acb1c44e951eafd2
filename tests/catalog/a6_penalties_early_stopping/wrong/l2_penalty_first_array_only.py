"""L2 penalty of weights[0] only (I thought weights was one array).

loses: l2_penalty_by_hand, l2_penalty_matches_torch_on_random_weight_lists
message: only the first array
"""


# %% cell: l2_penalty_implementation
def l2_penalty(weights, lam):
    """Penalty of the first array."""
    if not weights:
        return 0.0
    return lam * float(np.sum(weights[0] ** 2))
