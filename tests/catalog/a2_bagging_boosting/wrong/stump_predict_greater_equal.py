"""stump_predict: I predict the polarity where X >= threshold instead of X > threshold.

loses: stump_predict_matches_hand_values, stump_predict_handles_thresholds_and_polarities
message: strictly greater
"""


# %% cell: stump_predict_implementation
def stump_predict(stump, X):
    """Predictions of a decision stump."""
    p = stump["polarity"]
    return np.where(X[:, stump["feature"]] >= stump["threshold"], p, -p)
