"""Mixup: I mix the inputs but keep the original labels.

loses: mixup_batch_small_example, mixup_batch_matches_draw_order_and_mixes_labels
message: labels not mixed
"""
# %% cell: mixup_batch_implementation
def mixup_batch(x, y_onehot, alpha, rng):
    """Mixup of the inputs only."""
    lam = float(rng.beta(alpha, alpha))
    perm = rng.permutation(len(x))
    return lam * x + (1 - lam) * x[perm], y_onehot.copy(), lam, perm
