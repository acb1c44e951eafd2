"""L2 gradient lam * W (the gradient of the 1/2 convention).

loses: l2_penalty_grad_by_hand, l2_penalty_grad_matches_autograd_and_finite_differences
message: factor 2 missing
"""


# %% cell: l2_penalty_grad_implementation
def l2_penalty_grad(weights, lam):
    """lam * W for each array."""
    return [lam * W for W in weights]
