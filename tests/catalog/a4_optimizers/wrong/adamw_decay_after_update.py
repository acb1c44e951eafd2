"""AdamW: I take the Adam step first and then shrink the result.

loses: adamw_first_step_matches_formula, adamw_matches_torch_after_200_steps, adamw_zero_and_tiny_gradients_match_torch
message: decay applied to the updated w
"""
# %% cell: adamw_implementation
class AdamW:
    """AdamW for one parameter array, like ``torch.optim.AdamW`` (decoupled weight decay).

    Parameters
    ----------
    lr : float, default 0.001
        Learning rate.
    betas : tuple of two floats, default (0.9, 0.999)
        Decays of the moving averages of the gradient and of its square.
    eps : float, default 1e-8
        Added to the square root of the bias-corrected second moment.
    weight_decay : float, default 0.01
        Decoupled decay: ``w`` is multiplied by ``1 - lr * weight_decay`` at every step.
    """

    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
        self.lr = lr
        self.beta1, self.beta2 = betas
        self.eps = eps
        self.weight_decay = weight_decay
        self.t = 0
        self.m = None
        self.v = None

    def step(self, w, grad):
        """Return the parameters after one AdamW step (``w`` and ``grad`` stay unchanged).

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
        if self.m is None:
            self.m = np.zeros_like(w, dtype=np.float64)
            self.v = np.zeros_like(w, dtype=np.float64)
        self.t += 1
        self.m = self.beta1 * self.m + (1 - self.beta1) * grad
        self.v = self.beta2 * self.v + (1 - self.beta2) * grad * grad
        m_hat = self.m / (1 - self.beta1**self.t)
        v_hat = self.v / (1 - self.beta2**self.t)
        new_w = w - self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
        return new_w * (1 - self.lr * self.weight_decay)
