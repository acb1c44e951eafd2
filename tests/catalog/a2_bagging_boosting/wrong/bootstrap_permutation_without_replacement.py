"""bootstrap_indices: I shuffle the indices with rng.permutation(n), i.e. sample without replacement.

loses: bootstrap_indices_matches_rng_integers, bootstrap_indices_draws_exactly_rng_integers
message: WITHOUT replacement
"""


# %% cell: bootstrap_indices_implementation
def bootstrap_indices(n, rng):
    """Indices of one bootstrap sample."""
    return rng.permutation(n)
