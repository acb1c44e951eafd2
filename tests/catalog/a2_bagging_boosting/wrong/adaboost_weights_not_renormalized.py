"""adaboost_fit: I never renormalize the weights (fit_stump divides by sum(w) anyway, I thought).

loses: adaboost_fit_clips_error_and_renormalizes
message: weights not renormalized
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
        w = w * np.exp(-alpha * y * stump_predict(stump, X))
        model.append((float(alpha), stump))
    return model
