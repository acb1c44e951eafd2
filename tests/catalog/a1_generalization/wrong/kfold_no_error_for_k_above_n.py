"""kfold_indices: I only reject k < 2; for k > n np.array_split quietly makes empty folds.

loses: kfold_indices_rejects_k_below_2_or_above_n
message: k > n
"""


# %% cell: kfold_indices_implementation
def kfold_indices(n, k, shuffle=False, rng=None):
    """Split range(n) into k folds."""
    if k < 2:
        raise ValueError("need at least two folds")
    if shuffle:
        order = (rng if rng is not None else np.random.default_rng()).permutation(n)
    else:
        order = np.arange(n)
    folds = []
    for val_block in np.array_split(order, k):
        val_idx = np.sort(val_block)
        train_idx = np.sort(np.setdiff1d(order, val_block))
        folds.append((train_idx, val_idx))
    return folds
