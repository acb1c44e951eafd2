"""bagging_predict: every task other than regression is treated as classification (no ValueError).

loses: bagging_predict_matches_hand_values, bagging_predict_averages_and_rejects_other_tasks
message: must raise ValueError
"""


# %% cell: bagging_predict_implementation
def bagging_predict(all_preds, task):
    """Combine the predictions of an ensemble."""
    if task == "regression":
        return all_preds.mean(axis=0)
    labels = np.unique(all_preds)
    votes = (all_preds[:, None, :] == labels[None, :, None]).sum(axis=0)
    return labels[np.argmax(votes, axis=0)].astype(all_preds.dtype)
