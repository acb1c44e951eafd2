"""adaboost_fit: my weight update is w *= exp(+alpha * y * h), which boosts the correct samples.

loses: adaboost_fit_matches_hand_computed_rounds, adaboost_fit_matches_reference_rounds, adaboost_fit_clips_error_and_renormalizes
message: weight update sign flipped
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
        alpha = 0.5 * np.log((1 - err) / err)
        w = w * np.exp(alpha * y * stump_predict(stump, X))
        w = w / w.sum()
        model.append((float(alpha), stump))
    return model
