"""L1 penalty that sums W instead of |W|.

loses: l1_penalty_by_hand, l1_penalty_matches_torch_on_random_weight_lists
message: absolute value missing
"""


# %% cell: l1_penalty_implementation
def l1_penalty(weights, lam):
    """lam * sum of the weights."""
    return lam * sum(float(np.sum(W)) for W in weights)
