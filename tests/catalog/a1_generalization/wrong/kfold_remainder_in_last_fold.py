"""kfold_indices: every fold gets n // k samples and the last fold also takes the remainder.

loses: kfold_indices_matches_hand_folds, kfold_indices_matches_sklearn_kfold, kfold_indices_shuffle_draws_one_permutation, cross_val_mse_matches_hand_example
message: folds of unequal size
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
    size = n // k
    folds = []
    for i in range(k):
        stop = n if i == k - 1 else (i + 1) * size
        val_idx = np.sort(order[i * size : stop])
        train_idx = np.sort(np.concatenate([order[: i * size], order[stop:]]))
        folds.append((train_idx, val_idx))
    return folds
