"""bootstrap_indices: I draw rng.integers(0, n - 1, size=n), thinking the upper end is included.

loses: bootstrap_indices_matches_rng_integers, bootstrap_indices_draws_exactly_rng_integers
message: never reach n - 1
"""


# %% cell: bootstrap_indices_implementation
def bootstrap_indices(n, rng):
    """Indices of one bootstrap sample."""
    return rng.integers(0, n - 1, size=n)
