"""adaboost_fit: I compute alpha = ln((1 - err) / err), without the factor 0.5.

loses: adaboost_fit_matches_hand_computed_rounds, adaboost_fit_matches_reference_rounds, adaboost_fit_clips_error_and_renormalizes
message: missing the 0.5 in alpha
"""


# %% cell: adaboost_fit_implementation
def adaboost_fit(X, y, n_rounds):
    """Discrete AdaBoost with decision stumps."""
    n = len(y)
    w = np.full(n, 1.0 / n)
    model = []
    for _ in range(n_rounds):
        stump = fit_stump(X, y, w)
        err = min(max(stump["error"], 1e-10), 1 - 1e-10)
        alpha = float(np.log((1 - err) / err))
        w = w * np.exp(-alpha * y * stump_predict(stump, X))
        w = w / w.sum()
        model.append((alpha, stump))
    return model
