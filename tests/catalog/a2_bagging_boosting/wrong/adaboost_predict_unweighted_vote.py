"""adaboost_predict: every stump votes with weight 1; I ignore the alphas.

loses: adaboost_predict_matches_hand_values, adaboost_predict_matches_reference_and_maps_zero_to_plus_one
message: ALPHA-WEIGHTED
"""


# %% cell: adaboost_predict_implementation
def adaboost_predict(model, X):
    """Sign of the vote of the stumps."""
    score = np.zeros(len(X))
    for _alpha, stump in model:
        score = score + stump_predict(stump, X)
    return np.where(score >= 0, 1, -1)
