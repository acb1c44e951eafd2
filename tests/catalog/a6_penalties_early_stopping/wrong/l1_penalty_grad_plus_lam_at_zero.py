"""L1 gradient np.where(W >= 0, lam, -lam): +lam at W = 0.

loses: l1_penalty_grad_is_lam_sign_and_zero_at_zero, l1_penalty_grad_matches_autograd_and_finite_differences
message: at W = 0 you return +lam
"""


# %% cell: l1_penalty_grad_implementation
def l1_penalty_grad(weights, lam):
    """+lam for non-negative weights, -lam for negative ones."""
    return [np.where(W >= 0, lam, -lam).astype(np.float64) for W in weights]
