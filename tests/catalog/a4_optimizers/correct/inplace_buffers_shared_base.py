"""A shared base class creates the state; buffers are updated in place with out= and augmented ops.

Only the optimizer's own buffers are changed in place (never w, grad or a returned array);
newton_step forms the inverse Hessian explicitly, which is discouraged but within tolerance.
"""
# %% cell: sgd_implementation
import math


class _BufferedOptimizer:
    """Creates named zero buffers shaped like w at the first step and counts steps."""

    buffer_names = ()

    def _prepare(self, w):
        if not hasattr(self, "_buffers"):
            self._buffers = {name: np.zeros(np.shape(w), dtype=np.float64) for name in self.buffer_names}
            self.steps = 0
        self.steps += 1
        return self._buffers


class SGD(_BufferedOptimizer):
    """SGD with momentum, Nesterov and L2 weight decay (torch.optim.SGD, dampening 0)."""

    buffer_names = ("momentum_buffer",)

    def __init__(self, lr, momentum=0.0, nesterov=False, weight_decay=0.0):
        self.lr, self.momentum, self.nesterov, self.weight_decay = lr, momentum, nesterov, weight_decay

    def step(self, w, grad):
        """Return the parameters after one step."""
        buf = self._prepare(w)["momentum_buffer"]
        d = np.add(grad, self.weight_decay * w)  # a new array: grad is never touched
        if self.momentum:
            if self.steps == 1:
                np.copyto(buf, d)
            else:
                np.multiply(buf, self.momentum, out=buf)
                np.add(buf, d, out=buf)
            if self.nesterov:
                d += self.momentum * buf
            else:
                d = buf
        return w - self.lr * d
# %% cell: adagrad_implementation
class Adagrad(_BufferedOptimizer):
    """Adagrad (torch.optim.Adagrad)."""

    buffer_names = ("sum",)

    def __init__(self, lr=0.01, eps=1e-10):
        self.lr, self.eps = lr, eps

    def step(self, w, grad):
        """Return the parameters after one step."""
        s = self._prepare(w)["sum"]
        s += np.square(grad)
        denom = np.sqrt(s)
        denom += self.eps
        return w - self.lr * (grad / denom)
# %% cell: rmsprop_implementation
class RMSprop(_BufferedOptimizer):
    """RMSprop (torch.optim.RMSprop, not centered, no momentum)."""

    buffer_names = ("square_avg",)

    def __init__(self, lr=0.01, alpha=0.99, eps=1e-8):
        self.lr, self.alpha, self.eps = lr, alpha, eps

    def step(self, w, grad):
        """Return the parameters after one step."""
        v = self._prepare(w)["square_avg"]
        v *= self.alpha
        v += (1 - self.alpha) * np.square(grad)
        denom = np.sqrt(v)
        denom += self.eps
        return w - self.lr * grad / denom
# %% cell: adadelta_implementation
class Adadelta(_BufferedOptimizer):
    """Adadelta (torch.optim.Adadelta)."""

    buffer_names = ("square_avg", "acc_delta")

    def __init__(self, lr=1.0, rho=0.9, eps=1e-6):
        self.lr, self.rho, self.eps = lr, rho, eps

    def step(self, w, grad):
        """Return the parameters after one step."""
        state = self._prepare(w)
        v, u = state["square_avg"], state["acc_delta"]
        v *= self.rho
        v += (1 - self.rho) * grad * grad
        delta = np.sqrt(u + self.eps)
        delta /= np.sqrt(v + self.eps)
        delta *= grad
        u *= self.rho
        u += (1 - self.rho) * delta * delta
        return w - self.lr * delta
# %% cell: adam_implementation
class Adam(_BufferedOptimizer):
    """Adam with L2 weight decay (torch.optim.Adam)."""

    buffer_names = ("exp_avg", "exp_avg_sq")

    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        self.lr, self.betas, self.eps, self.weight_decay = lr, betas, eps, weight_decay

    def step(self, w, grad):
        """Return the parameters after one step."""
        state = self._prepare(w)
        m, v = state["exp_avg"], state["exp_avg_sq"]
        b1, b2 = self.betas
        g = grad + self.weight_decay * w
        m *= b1
        m += (1 - b1) * g
        v *= b2
        v += (1 - b2) * g * g
        t = self.steps
        denom = np.sqrt(v)
        denom /= math.sqrt(1 - b2**t)
        denom += self.eps
        return w - (self.lr / (1 - b1**t)) * m / denom
# %% cell: adamw_implementation
class AdamW(_BufferedOptimizer):
    """AdamW with decoupled weight decay (torch.optim.AdamW)."""

    buffer_names = ("exp_avg", "exp_avg_sq")

    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
        self.lr, self.betas, self.eps, self.weight_decay = lr, betas, eps, weight_decay

    def step(self, w, grad):
        """Return the parameters after one step."""
        state = self._prepare(w)
        m, v = state["exp_avg"], state["exp_avg_sq"]
        b1, b2 = self.betas
        out = w * (1 - self.lr * self.weight_decay)  # a new array, so in-place below is safe
        m *= b1
        m += (1 - b1) * grad
        v *= b2
        v += (1 - b2) * grad * grad
        t = self.steps
        denom = np.sqrt(v)
        denom /= math.sqrt(1 - b2**t)
        denom += self.eps
        out -= (self.lr / (1 - b1**t)) * m / denom
        return out
# %% cell: newton_step_implementation
def newton_step(w, grad, hessian):
    """One Newton step through the explicit inverse (np.linalg.solve would be better)."""
    return w - np.linalg.inv(hessian) @ grad
