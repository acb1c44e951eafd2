"""newton_step: w - hessian @ grad.

loses: newton_step_minimizes_quadratic_and_matches_solve, newton_step_solves_2x2_system
message: multiplies by the Hessian instead of solving
"""
# %% cell: newton_step_implementation
def newton_step(w, grad, hessian):
    """Return the point after one Newton step, ``w - solve(hessian, grad)``.

    Parameters
    ----------
    w : ndarray of float64, shape (n,)
        Current parameters.
    grad : ndarray of float64, shape (n,)
        Gradient at ``w``.
    hessian : ndarray of float64, shape (n, n)
        Hessian at ``w`` (invertible).

    Returns
    -------
    ndarray of float64, shape (n,)
    """
    return w - hessian @ grad
