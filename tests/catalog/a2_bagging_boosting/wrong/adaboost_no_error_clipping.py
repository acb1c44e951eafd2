"""adaboost_fit: I do not clip the error, so a perfect stump divides by zero.

loses: adaboost_fit_clips_error_and_renormalizes
message: no error clipping
"""


# %% cell: adaboost_fit_implementation
def adaboost_fit(X, y, n_rounds):
    """Discrete AdaBoost with decision stumps."""
    n = len(y)
    w = np.full(n, 1.0 / n)
    model = []
    for _ in range(n_rounds):
        stump = fit_stump(X, y, w)
        err = stump["error"]
        alpha = 0.5 * np.log((1 - err) / err)
        w = w * np.exp(-alpha * y * stump_predict(stump, X))
        w = w / w.sum()
        model.append((float(alpha), stump))
    return model
