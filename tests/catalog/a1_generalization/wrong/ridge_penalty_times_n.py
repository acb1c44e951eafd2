"""fit_ridge: I minimize the mean squared error plus lam ||w||^2, so lam gets multiplied by n.

loses: fit_ridge_matches_hand_solution, fit_ridge_matches_sklearn_ridge
message: lam * n
"""


# %% cell: fit_ridge_implementation
def fit_ridge(Phi, y, lam=0.0):
    """Ridge regression on the mean squared error."""
    n, d = Phi.shape
    if lam == 0:
        return np.linalg.lstsq(Phi, y, rcond=None)[0]
    return np.linalg.solve(Phi.T @ Phi / n + lam * np.eye(d), Phi.T @ y / n)
