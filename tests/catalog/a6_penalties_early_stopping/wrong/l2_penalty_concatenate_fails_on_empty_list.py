"""L2 penalty via np.concatenate, which fails on an empty list.

loses: l2_penalty_by_hand, l2_penalty_matches_torch_on_random_weight_lists
message: empty list of weights is 0.0
"""


# %% cell: l2_penalty_implementation
def l2_penalty(weights, lam):
    """Flatten everything into one vector first."""
    flat = np.concatenate([np.ravel(W) for W in weights])
    return lam * float(np.sum(flat**2))
