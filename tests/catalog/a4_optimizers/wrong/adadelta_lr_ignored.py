"""Adadelta: it has no learning rate, so I apply the delta directly.

loses: adadelta_first_step_matches_formula, adadelta_lr_scales_step_and_zero_gradient_keeps_w, adadelta_matches_torch_after_200_steps, adadelta_zero_and_tiny_gradients_match_torch
message: Adadelta learning rate ignored
"""
# %% cell: adadelta_implementation
class Adadelta:
    """Adadelta for one parameter array, like ``torch.optim.Adadelta``.

    Parameters
    ----------
    lr : float, default 1.0
        Multiplies the delta before it is applied.
    rho : float, default 0.9
        Decay of both moving averages.
    eps : float, default 1e-6
        Added inside both square roots.
    """

    def __init__(self, lr=1.0, rho=0.9, eps=1e-6):
        self.lr = lr
        self.rho = rho
        self.eps = eps
        self.square_avg = None  # v: moving average of squared gradients
        self.acc_delta = None  # u: moving average of squared deltas

    def step(self, w, grad):
        """Return the parameters after one Adadelta step (``w`` and ``grad`` stay unchanged).

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
            self.acc_delta = np.zeros_like(w, dtype=np.float64)
        rho, eps = self.rho, self.eps
        self.square_avg = rho * self.square_avg + (1 - rho) * grad * grad
        delta = np.sqrt(self.acc_delta + eps) / np.sqrt(self.square_avg + eps) * grad
        self.acc_delta = rho * self.acc_delta + (1 - rho) * delta * delta
        return w - delta
