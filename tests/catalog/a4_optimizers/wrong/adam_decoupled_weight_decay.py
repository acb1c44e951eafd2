"""Adam: I shrink w by (1 - lr * weight_decay) instead of adding the decay to the gradient.

loses: adam_weight_decay_and_tiny_gradients_match_torch
message: that is AdamW
"""
# %% cell: adam_implementation
class Adam:
    """Adam for one parameter array, like ``torch.optim.Adam`` (L2 weight decay, no amsgrad).

    Parameters
    ----------
    lr : float, default 0.001
        Learning rate.
    betas : tuple of two floats, default (0.9, 0.999)
        Decays of the moving averages of the gradient and of its square.
    eps : float, default 1e-8
        Added to the square root of the bias-corrected second moment.
    weight_decay : float, default 0.0
        L2 penalty: ``weight_decay * w`` is added to the gradient.
    """

    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        self.lr = lr
        self.beta1, self.beta2 = betas
        self.eps = eps
        self.weight_decay = weight_decay
        self.t = 0  # number of steps taken; the first step uses t = 1
        self.m = None  # first moment (moving average of g)
        self.v = None  # second moment (moving average of g * g)

    def step(self, w, grad):
        """Return the parameters after one Adam step (``w`` and ``grad`` stay unchanged).

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
        g = grad
        w = w * (1 - self.lr * self.weight_decay)
        self.m = self.beta1 * self.m + (1 - self.beta1) * g
        self.v = self.beta2 * self.v + (1 - self.beta2) * g * g
        m_hat = self.m / (1 - self.beta1**self.t)
        v_hat = self.v / (1 - self.beta2**self.t)
        return w - self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
