"""bootstrap_confidence_interval: I return the array from np.percentile instead of a tuple of floats.

loses: bootstrap_ci_of_constant_data_and_hand_percentiles, bootstrap_ci_matches_percentile_reference, bootstrap_ci_calls_statistic_n_boot_times_on_bootstrap_samples
message: return a tuple of two floats
"""


# %% cell: bootstrap_ci_implementation
def bootstrap_confidence_interval(data, statistic, n_boot, alpha, rng):
    """Percentile bootstrap confidence interval."""
    stats = [statistic(data[bootstrap_indices(len(data), rng)]) for _ in range(n_boot)]
    return np.percentile(stats, [100 * alpha / 2, 100 * (1 - alpha / 2)])
