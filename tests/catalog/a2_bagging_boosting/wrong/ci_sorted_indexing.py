"""bootstrap_confidence_interval: I sort the statistics and pick entries by index instead of np.percentile.

loses: bootstrap_ci_of_constant_data_and_hand_percentiles, bootstrap_ci_matches_percentile_reference
message: sorted statistics by index
"""


# %% cell: bootstrap_ci_implementation
def bootstrap_confidence_interval(data, statistic, n_boot, alpha, rng):
    """Percentile bootstrap confidence interval."""
    stats = np.sort([statistic(data[bootstrap_indices(len(data), rng)]) for _ in range(n_boot)])
    lo = int(np.floor(n_boot * alpha / 2))
    hi = min(int(np.floor(n_boot * (1 - alpha / 2))), n_boot - 1)
    return float(stats[lo]), float(stats[hi])
