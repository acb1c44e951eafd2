"""stump_predict: I return 0/1 predictions (True/False cast to int) instead of -1/+1.

loses: stump_predict_matches_hand_values, stump_predict_handles_thresholds_and_polarities, adaboost_fit_matches_hand_computed_rounds, adaboost_predict_matches_hand_values
message: a stump predicts -1 or +1
"""


# %% cell: stump_predict_implementation
def stump_predict(stump, X):
    """Predictions of a decision stump."""
    above = X[:, stump["feature"]] > stump["threshold"]
    return (above == (stump["polarity"] == 1)).astype(int)
