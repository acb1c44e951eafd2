"""Mixup: I shuffle the batch first and draw lam afterwards.

loses: mixup_batch_small_example, mixup_batch_matches_draw_order_and_mixes_labels
message: draws the permutation before lam
"""
# %% cell: mixup_batch_implementation
def mixup_batch(x, y_onehot, alpha, rng):
    """Mixup with the draws in the wrong order."""
    perm = rng.permutation(len(x))
    lam = float(rng.beta(alpha, alpha))
    return lam * x + (1 - lam) * x[perm], lam * y_onehot + (1 - lam) * y_onehot[perm], lam, perm
