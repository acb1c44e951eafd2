"""minibatch_indices: I shuffle with np.random.permutation(n).

loses: minibatch_indices_cuts_consecutive_chunks_of_a_permutation, minibatch_indices_handles_batch_size_1_n_and_larger_than_n, minibatch_indices_draws_one_permutation_per_call
message: instead of the rng passed in
"""
# %% cell: minibatch_indices_implementation
def minibatch_indices(n, batch_size, rng):
    """Shuffle 0, ..., n-1 once and cut the order into consecutive mini-batches."""
    perm = np.random.permutation(n)
    return [perm[i : i + batch_size] for i in range(0, n, batch_size)]
