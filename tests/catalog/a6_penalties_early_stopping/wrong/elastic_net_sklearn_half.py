"""Elastic net with scikit-learn's 1/2 on the squared term.

loses: elastic_net_penalty_by_hand, elastic_net_matches_torch_and_reduces_to_l1_and_l2
message: scikit-learn
"""


# %% cell: elastic_net_penalty_implementation
def elastic_net_penalty(weights, lam, l1_ratio):
    """scikit-learn's ElasticNet penalty."""
    sum_abs = sum(float(np.sum(np.abs(W))) for W in weights)
    sum_sq = sum(float(np.sum(W**2)) for W in weights)
    return lam * (l1_ratio * sum_abs + 0.5 * (1 - l1_ratio) * sum_sq)
