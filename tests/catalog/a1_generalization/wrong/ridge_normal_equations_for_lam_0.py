"""fit_ridge: I always solve the normal equations (Phi^T Phi + lam I) w = Phi^T y, also for lam = 0.

loses: fit_ridge_gives_minimum_norm_solution_when_lam_is_0
message: minimum-norm
"""


# %% cell: fit_ridge_implementation
def fit_ridge(Phi, y, lam=0.0):
    """Solve the ridge normal equations."""
    d = Phi.shape[1]
    return np.linalg.solve(Phi.T @ Phi + lam * np.eye(d), Phi.T @ y)
