"""bias_variance_decomposition: my bias_sq is the mean absolute bias, I forgot to square.

loses: bias_variance_matches_hand_values, bias_variance_matches_statistics_oracle, bias_variance_returns_floats_and_handles_one_data_set
message: bias not squared
"""


# %% cell: bias_variance_decomposition_implementation
def bias_variance_decomposition(preds, f_true, noise_var):
    """Bias-variance decomposition."""
    bias_sq = float(np.mean(np.abs(preds.mean(axis=0) - f_true)))
    variance = float(np.mean(preds.var(axis=0)))
    noise = float(noise_var)
    return {
        "bias_sq": bias_sq,
        "variance": variance,
        "noise": noise,
        "expected_error": bias_sq + variance + noise,
    }
