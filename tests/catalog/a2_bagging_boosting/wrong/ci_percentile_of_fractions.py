"""bootstrap_confidence_interval: I pass alpha / 2 and 1 - alpha / 2 to np.percentile (fractions, not percents).

loses: bootstrap_ci_of_constant_data_and_hand_percentiles, bootstrap_ci_matches_percentile_reference, bootstrap_ci_calls_statistic_n_boot_times_on_bootstrap_samples
message: expects percents
"""


# %% cell: bootstrap_ci_implementation
def bootstrap_confidence_interval(data, statistic, n_boot, alpha, rng):
    """Percentile bootstrap confidence interval."""
    stats = [statistic(data[bootstrap_indices(len(data), rng)]) for _ in range(n_boot)]
    lower, upper = np.percentile(stats, [alpha / 2, 1 - alpha / 2])
    return float(lower), float(upper)
