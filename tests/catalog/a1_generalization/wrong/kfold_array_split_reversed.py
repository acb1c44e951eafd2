"""kfold_indices: I reverse np.array_split's folds, so the larger folds come last.

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
    sizes = [len(part) for part in np.array_split(np.arange(n), k)][::-1]
    bounds = np.cumsum([0] + sizes)
    folds = []
    for i in range(k):
        val_idx = np.sort(order[bounds[i] : bounds[i + 1]])
        train_idx = np.sort(np.concatenate([order[: bounds[i]], order[bounds[i + 1] :]]))
        folds.append((train_idx, val_idx))
    return folds
