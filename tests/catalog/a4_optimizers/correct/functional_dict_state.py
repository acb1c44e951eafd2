"""Pure update functions over a dict of state, with algebraically rearranged formulas.

SGD in velocity form (v = mu v - lr g), RMSprop's average as a lerp, Adadelta updating u with
the previous delta before computing the new one, Adam with lr sqrt(1 - b2^t) / (1 - b1^t) and
eps sqrt(1 - b2^t), AdamW as one combined step, Newton with least squares.
"""
# %% cell: sgd_implementation
def _sgd_update(state, w, grad, lr, momentum, nesterov, weight_decay):
    g = grad + weight_decay * w
    v = momentum * state.get("velocity", 0.0) - lr * g  # velocity = -lr * torch's buffer
    state["velocity"] = v
    return w - lr * g + momentum * v if nesterov else w + v


class SGD:
    """SGD with momentum, Nesterov and L2 weight decay (torch.optim.SGD, dampening 0)."""

    def __init__(self, lr, momentum=0.0, nesterov=False, weight_decay=0.0):
        self.hyper = dict(lr=lr, momentum=momentum, nesterov=nesterov, weight_decay=weight_decay)
        self.state = {}

    def step(self, w, grad):
        """Return the parameters after one step."""
        return _sgd_update(self.state, w, grad, **self.hyper)
# %% cell: adagrad_implementation
class Adagrad:
    """Adagrad (torch.optim.Adagrad)."""

    def __init__(self, lr=0.01, eps=1e-10):
        self.hyper = {"lr": lr, "eps": eps}
        self.state = {}

    def step(self, w, grad):
        """Return the parameters after one step."""
        s = self.state["sum"] = self.state.get("sum", 0.0) + grad**2
        return w - self.hyper["lr"] * grad / (s**0.5 + self.hyper["eps"])
# %% cell: rmsprop_implementation
class RMSprop:
    """RMSprop (torch.optim.RMSprop, not centered, no momentum)."""

    def __init__(self, lr=0.01, alpha=0.99, eps=1e-8):
        self.hyper = {"lr": lr, "alpha": alpha, "eps": eps}
        self.state = {}

    def step(self, w, grad):
        """Return the parameters after one step."""
        h = self.hyper
        v = self.state.get("v", np.zeros_like(grad))
        v = v + (1 - h["alpha"]) * (grad**2 - v)  # = alpha v + (1 - alpha) g^2
        self.state["v"] = v
        return w - h["lr"] * grad / (np.sqrt(v) + h["eps"])
# %% cell: adadelta_implementation
class Adadelta:
    """Adadelta (torch.optim.Adadelta)."""

    def __init__(self, lr=1.0, rho=0.9, eps=1e-6):
        self.hyper = {"lr": lr, "rho": rho, "eps": eps}
        self.state = {}

    def step(self, w, grad):
        """Return the parameters after one step."""
        lr, rho, eps = self.hyper["lr"], self.hyper["rho"], self.hyper["eps"]
        zero = np.zeros_like(grad)
        v = rho * self.state.get("v", zero) + (1 - rho) * grad**2
        # fold the previous delta into u now: the same u that torch updated last step
        u = rho * self.state.get("u", zero) + (1 - rho) * self.state.get("delta", zero) ** 2
        delta = np.sqrt((u + eps) / (v + eps)) * grad
        self.state.update(v=v, u=u, delta=delta)
        return w - lr * delta
# %% cell: adam_implementation
def _adam_direction(state, grad, betas, eps):
    b1, b2 = betas
    t = state["t"] = state.get("t", 0) + 1
    m = state["m"] = b1 * state.get("m", 0.0) + (1 - b1) * grad
    v = state["v"] = b2 * state.get("v", 0.0) + (1 - b2) * grad * grad
    root_c2 = (1 - b2**t) ** 0.5
    return root_c2 / (1 - b1**t) * m / (np.sqrt(v) + eps * root_c2)


class Adam:
    """Adam with L2 weight decay (torch.optim.Adam)."""

    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        self.lr, self.betas, self.eps, self.weight_decay = lr, tuple(betas), eps, weight_decay
        self.state = {}

    def step(self, w, grad):
        """Return the parameters after one step."""
        g = grad + self.weight_decay * w
        return w - self.lr * _adam_direction(self.state, g, self.betas, self.eps)
# %% cell: adamw_implementation
class AdamW:
    """AdamW with decoupled weight decay (torch.optim.AdamW)."""

    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
        self.lr, self.betas, self.eps, self.weight_decay = lr, tuple(betas), eps, weight_decay
        self.state = {}

    def step(self, w, grad):
        """Return the parameters after one step."""
        b1, b2 = self.betas
        t = self.state["t"] = self.state.get("t", 0) + 1
        m = self.state["m"] = b1 * self.state.get("m", 0.0) + (1 - b1) * grad
        v = self.state["v"] = b2 * self.state.get("v", 0.0) + (1 - b2) * grad**2
        adam = (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + self.eps)
        return w - self.lr * (self.weight_decay * w + adam)
# %% cell: newton_step_implementation
def newton_step(w, grad, hessian):
    """One Newton step, solving hessian @ d = grad by least squares."""
    d, *_ = np.linalg.lstsq(hessian, grad, rcond=None)
    return w - d
