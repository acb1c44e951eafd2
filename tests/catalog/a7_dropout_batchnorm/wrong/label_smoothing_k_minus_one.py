"""Label smoothing: I give 1 - s to the true class and spread s over the K - 1 other classes.

loses: cross_entropy_label_smoothing_small_example, cross_entropy_label_smoothing_matches_torch, cross_entropy_label_smoothing_huge_logits_and_s0_s1
message: spread over the K - 1 other classes
"""
# %% cell: cross_entropy_label_smoothing_implementation
def cross_entropy_label_smoothing(logits, targets, smoothing):
    """Cross-entropy with smoothing over the wrong classes only."""
    n, k = logits.shape
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    q = np.full((n, k), smoothing / (k - 1))
    q[np.arange(n), targets] = 1 - smoothing
    return float(-(q * log_probs).sum(axis=1).mean())
