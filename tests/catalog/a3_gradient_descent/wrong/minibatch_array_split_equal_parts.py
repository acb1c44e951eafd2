"""minibatch_indices: I split the permutation with np.array_split into ceil(n / batch_size) parts.

loses: minibatch_indices_cuts_consecutive_chunks_of_a_permutation, minibatch_indices_draws_one_permutation_per_call
message: array_split
"""
# %% cell: minibatch_indices_implementation
def minibatch_indices(n, batch_size, rng):
    """Shuffle 0, ..., n-1 once and cut the order into consecutive mini-batches."""
    perm = rng.permutation(n)
    return np.array_split(perm, int(np.ceil(n / batch_size)))
