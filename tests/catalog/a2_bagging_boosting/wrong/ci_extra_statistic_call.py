"""bootstrap_confidence_interval: I also compute the statistic on the full data (unused), one call too many.

loses: bootstrap_ci_calls_statistic_n_boot_times_on_bootstrap_samples
message: exactly n_boot = 25 times
"""


# %% cell: bootstrap_ci_implementation
def bootstrap_confidence_interval(data, statistic, n_boot, alpha, rng):
    """Percentile bootstrap confidence interval."""
    point_estimate = statistic(data)  # noqa: F841 - kept "for reference"
    stats = [statistic(data[bootstrap_indices(len(data), rng)]) for _ in range(n_boot)]
    lower, upper = np.percentile(stats, [100 * alpha / 2, 100 * (1 - alpha / 2)])
    return float(lower), float(upper)
