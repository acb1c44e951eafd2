"""bagging_predict: my vote always returns an integer array, also for float labels.

loses: bagging_predict_matches_hand_values, bagging_predict_votes_like_scipy_mode
message: integer array
"""


# %% cell: bagging_predict_implementation
def bagging_predict(all_preds, task):
    """Combine the predictions of an ensemble."""
    if task == "regression":
        return all_preds.mean(axis=0)
    if task == "classification":
        labels = np.unique(all_preds)
        votes = (all_preds[:, None, :] == labels[None, :, None]).sum(axis=0)
        return labels[np.argmax(votes, axis=0)].astype(int)
    raise ValueError(task)
