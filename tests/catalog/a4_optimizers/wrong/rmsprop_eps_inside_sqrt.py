"""RMSprop: I divide by sqrt(v + eps).

loses: rmsprop_matches_torch_after_200_steps, rmsprop_zero_and_tiny_gradients_match_torch
message: epsilon inside the square root
"""
# %% cell: rmsprop_implementation
class RMSprop:
    """RMSprop for one parameter array, like ``torch.optim.RMSprop`` (not centered, no momentum).

    Parameters
    ----------
    lr : float, default 0.01
        Learning rate.
    alpha : float, default 0.99
        Decay of the moving average of squared gradients.
    eps : float, default 1e-8
        Added to the square root of the average, for numerical stability.
    """

    def __init__(self, lr=0.01, alpha=0.99, eps=1e-8):
        self.lr = lr
        self.alpha = alpha
        self.eps = eps
        self.square_avg = None  # moving average of squared gradients

    def step(self, w, grad):
        """Return the parameters after one RMSprop step (``w`` and ``grad`` stay unchanged).

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
        if self.square_avg is None:
            self.square_avg = np.zeros_like(w, dtype=np.float64)
        self.square_avg = self.alpha * self.square_avg + (1 - self.alpha) * grad * grad
        return w - self.lr * grad / (np.sqrt(self.square_avg + self.eps))
