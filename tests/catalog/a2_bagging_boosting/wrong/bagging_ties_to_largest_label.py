"""bagging_predict: on ties my vote picks the largest label (I search the counts from the end).

loses: bagging_predict_matches_hand_values, bagging_predict_votes_like_scipy_mode
message: LARGEST label
"""


# %% cell: bagging_predict_implementation
def bagging_predict(all_preds, task):
    """Combine the predictions of an ensemble."""
    if task == "regression":
        return all_preds.mean(axis=0)
    if task == "classification":
        out = []
        for col in all_preds.T:
            labels, counts = np.unique(col, return_counts=True)
            out.append(labels[len(labels) - 1 - np.argmax(counts[::-1])])
        return np.array(out, dtype=all_preds.dtype)
    raise ValueError(task)
