"""SGD: I add weight_decay * w to the momentum direction instead of to the gradient.

loses: sgd_nesterov_weight_decay_and_zero_gradients_match_torch
message: weight decay applied after momentum
"""
# %% cell: sgd_implementation
class SGD:
    """Stochastic gradient descent for one parameter array, like ``torch.optim.SGD``.

    Parameters
    ----------
    lr : float
        Learning rate.
    momentum : float, default 0.0
        Momentum factor; 0 means no momentum buffer.
    nesterov : bool, default False
        Use Nesterov momentum (only meaningful with momentum > 0).
    weight_decay : float, default 0.0
        L2 penalty: ``weight_decay * w`` is added to the gradient before momentum.
    """

    def __init__(self, lr, momentum=0.0, nesterov=False, weight_decay=0.0):
        self.lr = lr
        self.momentum = momentum
        self.nesterov = nesterov
        self.weight_decay = weight_decay
        self.buffer = None  # the momentum buffer, created at the first step

    def step(self, w, grad):
        """Return the parameters after one SGD step (``w`` and ``grad`` stay unchanged).

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
        g = grad
        if self.momentum != 0:
            if self.buffer is None:
                self.buffer = np.array(g, dtype=np.float64)  # a copy, never the caller's array
            else:
                self.buffer = self.momentum * self.buffer + g
            g = g + self.momentum * self.buffer if self.nesterov else self.buffer
        if self.weight_decay != 0:
            g = g + self.weight_decay * w
        return w - self.lr * g
