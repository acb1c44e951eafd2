"""bias_variance_decomposition: expected_error is bias_sq + variance; I left the noise out.

loses: bias_variance_matches_hand_values, bias_variance_matches_statistics_oracle, bias_variance_returns_floats_and_handles_one_data_set
message: noise is missing from expected_error
"""


# %% cell: bias_variance_decomposition_implementation
def bias_variance_decomposition(preds, f_true, noise_var):
    """Bias-variance decomposition."""
    bias_sq = float(np.mean((preds.mean(axis=0) - f_true) ** 2))
    variance = float(np.mean(preds.var(axis=0)))
    return {
        "bias_sq": bias_sq,
        "variance": variance,
        "noise": float(noise_var),
        "expected_error": bias_sq + variance,
    }
