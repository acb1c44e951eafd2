"""adaboost_predict: I return np.sign of the weighted sum, which is 0 where the sum is 0.

loses: adaboost_predict_matches_hand_values, adaboost_predict_matches_reference_and_maps_zero_to_plus_one
message: np.sign(0) is 0
"""


# %% cell: adaboost_predict_implementation
def adaboost_predict(model, X):
    """Sign of the alpha-weighted vote of the stumps."""
    score = sum(alpha * stump_predict(stump, X) for alpha, stump in model)
    return np.sign(score).astype(int)
