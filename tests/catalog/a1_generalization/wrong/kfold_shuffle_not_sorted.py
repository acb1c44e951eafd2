"""kfold_indices: with shuffle I return the blocks of the permutation as they are, unsorted.

loses: kfold_indices_shuffle_draws_one_permutation
message: not sorted after shuffle
"""


# %% cell: kfold_indices_implementation
def kfold_indices(n, k, shuffle=False, rng=None):
    """Split range(n) into k folds."""
    if k < 2 or k > n:
        raise ValueError("need 2 <= k <= n")
    if shuffle:
        order = (rng if rng is not None else np.random.default_rng()).permutation(n)
    else:
        order = np.arange(n)
    sizes = np.full(k, n // k)
    sizes[: n % k] += 1
    folds, start = [], 0
    for size in sizes:
        val_idx = order[start : start + size]
        train_idx = np.sort(np.concatenate([order[:start], order[start + size :]]))
        folds.append((train_idx, val_idx))
        start += size
    return folds
