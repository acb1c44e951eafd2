"""bias_variance_decomposition: I center preds in place (preds -= mean) to get the variance.

loses: bias_variance_matches_statistics_oracle, bias_variance_returns_floats_and_handles_one_data_set
message: modified the preds
"""


# %% cell: bias_variance_decomposition_implementation
def bias_variance_decomposition(preds, f_true, noise_var):
    """Bias-variance decomposition."""
    mean_pred = preds.mean(axis=0)
    bias_sq = float(np.mean((mean_pred - f_true) ** 2))
    preds -= mean_pred
    variance = float(np.mean(preds**2))
    noise = float(noise_var)
    return {
        "bias_sq": bias_sq,
        "variance": variance,
        "noise": noise,
        "expected_error": bias_sq + variance + noise,
    }
