"""Adagrad: I divide by sqrt(sum + eps) instead of sqrt(sum) + eps.

loses: adagrad_matches_torch_after_200_steps, adagrad_zero_and_tiny_gradients_match_torch
message: epsilon inside the square root
"""
# %% cell: adagrad_implementation
class Adagrad:
    """Adagrad for one parameter array, like ``torch.optim.Adagrad``.

    Parameters
    ----------
    lr : float, default 0.01
        Learning rate.
    eps : float, default 1e-10
        Added to the square root of the running sum, for numerical stability.
    """

    def __init__(self, lr=0.01, eps=1e-10):
        self.lr = lr
        self.eps = eps
        self.sum_sq = None  # running sum of squared gradients, created at the first step

    def step(self, w, grad):
        """Return the parameters after one Adagrad step (``w`` and ``grad`` stay unchanged).

        Parameters
        ----------
        w : ndarray of float64
            Current parameters.
        grad : ndarray of float64, same shape as ``w``
            Gradient of the loss at ``w``.

        Returns
        -------
        ndarray of float64, same shape as ``w``
        """
        if self.sum_sq is None:
            self.sum_sq = np.zeros_like(w, dtype=np.float64)
        self.sum_sq = self.sum_sq + grad * grad
        return w - self.lr * grad / (np.sqrt(self.sum_sq + self.eps))
