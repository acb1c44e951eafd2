"""Mixup: I draw lam with size=1, so it is an array of shape (1,), not a float.

loses: mixup_batch_small_example, mixup_batch_matches_draw_order_and_mixes_labels
message: lam must be a float
"""
# %% cell: mixup_batch_implementation
def mixup_batch(x, y_onehot, alpha, rng):
    """Mixup with lam as a one-element array."""
    lam = rng.beta(alpha, alpha, size=1)
    perm = rng.permutation(len(x))
    return lam * x + (1 - lam) * x[perm], lam * y_onehot + (1 - lam) * y_onehot[perm], lam, perm
