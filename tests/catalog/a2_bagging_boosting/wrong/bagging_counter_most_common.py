"""bagging_predict: I use Counter(col).most_common(1), which breaks ties by first appearance.

loses: bagging_predict_matches_hand_values, bagging_predict_votes_like_scipy_mode
message: comes first in the column
"""

# %% cell: bagging_predict_implementation
from collections import Counter


def bagging_predict(all_preds, task):
    """Combine the predictions of an ensemble."""
    if task == "regression":
        return all_preds.mean(axis=0)
    if task == "classification":
        winners = [Counter(col.tolist()).most_common(1)[0][0] for col in all_preds.T]
        return np.array(winners, dtype=all_preds.dtype)
    raise ValueError(task)
