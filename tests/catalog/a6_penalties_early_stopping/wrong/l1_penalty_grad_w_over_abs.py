"""L1 gradient lam * W / |W|: NaN where W is exactly 0.

loses: l1_penalty_grad_is_lam_sign_and_zero_at_zero, l1_penalty_grad_matches_autograd_and_finite_differences
message: divides 0 by 0
"""


# %% cell: l1_penalty_grad_implementation
def l1_penalty_grad(weights, lam):
    """The sign as W / |W|."""
    return [lam * W / np.abs(W) for W in weights]
