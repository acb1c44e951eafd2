"""bagging_predict: I vote with np.bincount, which fails for negative or float labels.

loses: bagging_predict_matches_hand_values, bagging_predict_votes_like_scipy_mode, bagging_predict_averages_and_rejects_other_tasks
message: raised
"""


# %% cell: bagging_predict_implementation
def bagging_predict(all_preds, task):
    """Combine the predictions of an ensemble."""
    if task == "regression":
        return all_preds.mean(axis=0)
    if task == "classification":
        return np.array([np.bincount(col).argmax() for col in all_preds.T])
    raise ValueError(task)
