"""bootstrap_indices: I use np.random.randint and ignore the rng argument.

loses: bootstrap_indices_matches_rng_integers, bootstrap_indices_draws_exactly_rng_integers, bootstrap_ci_of_constant_data_and_hand_percentiles
message: was not used
"""


# %% cell: bootstrap_indices_implementation
def bootstrap_indices(n, rng):
    """Indices of one bootstrap sample."""
    return np.random.randint(0, n, size=n)
