"""kfold_indices: each fold validates n // k samples; the last n % k samples are never validated.

loses: kfold_indices_matches_hand_folds, kfold_indices_matches_sklearn_kfold, kfold_indices_shuffle_draws_one_permutation, cross_val_mse_matches_hand_example
message: never in a validation fold
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
        val_idx = np.sort(order[i * size : (i + 1) * size])
        train_idx = np.sort(np.setdiff1d(order, val_idx))
        folds.append((train_idx, val_idx))
    return folds
