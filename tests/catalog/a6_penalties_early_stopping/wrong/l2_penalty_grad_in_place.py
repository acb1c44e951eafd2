"""L2 gradient computed in place with *=, which changes the weights.

loses: l2_penalty_grad_matches_autograd_and_finite_differences
message: modified its input
"""


# %% cell: l2_penalty_grad_implementation
def l2_penalty_grad(weights, lam):
    """Scale each array by 2 * lam (in place, to save memory)."""
    grads = []
    for W in weights:
        g = W
        g *= 2 * lam
        grads.append(g)
    return grads
