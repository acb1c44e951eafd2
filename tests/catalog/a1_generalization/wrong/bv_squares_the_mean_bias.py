"""bias_variance_decomposition: I average the bias over the points first and then square it.

loses: bias_variance_matches_hand_values, bias_variance_matches_statistics_oracle, bias_variance_returns_floats_and_handles_one_data_set
message: square first, then average
"""


# %% cell: bias_variance_decomposition_implementation
def bias_variance_decomposition(preds, f_true, noise_var):
    """Bias-variance decomposition."""
    bias_sq = float(np.mean(preds.mean(axis=0) - f_true) ** 2)
    variance = float(np.mean(preds.var(axis=0)))
    noise = float(noise_var)
    return {
        "bias_sq": bias_sq,
        "variance": variance,
        "noise": noise,
        "expected_error": bias_sq + variance + noise,
    }
