"""kfold_indices: when rng is None I create np.random.default_rng(0), so runs are reproducible.

loses: kfold_indices_shuffle_draws_one_permutation
message: unseeded
"""


# %% cell: kfold_indices_implementation
def kfold_indices(n, k, shuffle=False, rng=None):
    """Split range(n) into k folds."""
    if k < 2 or k > n:
        raise ValueError("need 2 <= k <= n")
    if rng is None:
        rng = np.random.default_rng(0)
    order = rng.permutation(n) if shuffle else np.arange(n)
    sizes = np.full(k, n // k)
    sizes[: n % k] += 1
    folds, start = [], 0
    for size in sizes:
        val_idx = np.sort(order[start : start + size])
        train_idx = np.sort(np.concatenate([order[:start], order[start + size :]]))
        folds.append((train_idx, val_idx))
        start += size
    return folds
