"""Closed forms in NumPy (results are np.float64): np.power, np.clip, np.minimum; restarts
by solving the geometric sum with a logarithm and then correcting the period index with exact
comparisons against the period starts; plateau with plain counters and a precomputed factor.
"""
# %% cell: step_decay_implementation
def step_decay(step, lr0, step_size, gamma=0.1):
    """torch StepLR in closed form."""
    return lr0 * math.pow(gamma, step // step_size)
# %% cell: exponential_decay_implementation
def exponential_decay(step, lr0, decay_rate, decay_steps, staircase=False):
    """Keras ExponentialDecay with NumPy (returns np.float64)."""
    p = np.floor_divide(step, decay_steps) if staircase else np.true_divide(step, decay_steps)
    return lr0 * np.power(decay_rate, np.float64(p))
# %% cell: inverse_time_decay_implementation
def inverse_time_decay(step, lr0, decay_rate, decay_steps=1, staircase=False):
    """Keras InverseTimeDecay (decay_rate * step / decay_steps, Keras' order of operations)."""
    if staircase:
        return np.float64(lr0 / (1 + decay_rate * np.floor(step / decay_steps)))
    return np.float64(lr0 / (1 + decay_rate * step / decay_steps))
# %% cell: cosine_decay_implementation
def cosine_decay(step, lr0, decay_steps, alpha=0.0):
    """Keras CosineDecay: clip, then interpolate between alpha * lr0 and lr0."""
    t = np.clip(step, 0, decay_steps) / decay_steps
    return lr0 * (alpha + (1 - alpha) * 0.5 * (1 + np.cos(np.pi * t)))
# %% cell: cosine_decay_restarts_implementation
def _period_start(i, first_decay_steps, t_mul):
    """First step of period i: T0 (1 + t_mul + ... + t_mul**(i-1))."""
    if t_mul == 1:
        return first_decay_steps * i
    return first_decay_steps * (t_mul**i - 1) / (t_mul - 1)


def cosine_decay_restarts(step, lr0, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0):
    """Keras CosineDecayRestarts with exact period boundaries."""
    if t_mul == 1:
        i = step // first_decay_steps
    else:
        # Solve the geometric sum for i; the logarithm may be off by one at a boundary...
        i = int(math.log(1 + step * (t_mul - 1) / first_decay_steps) / math.log(t_mul))
    # ...so correct it with exact comparisons against the period starts.
    while _period_start(i + 1, first_decay_steps, t_mul) <= step:
        i += 1
    while i > 0 and _period_start(i, first_decay_steps, t_mul) > step:
        i -= 1
    length = first_decay_steps * t_mul**i
    f = (step - _period_start(i, first_decay_steps, t_mul)) / length
    return lr0 * (alpha + (1 - alpha) * m_mul**i * (1 + math.cos(math.pi * f)) / 2)
# %% cell: linear_warmup_implementation
def linear_warmup(step, lr0, warmup_steps):
    """Linear warm-up with np.minimum (a np.float64 for scalar inputs)."""
    return lr0 * np.minimum(1.0, (step + 1) / warmup_steps)
# %% cell: reduce_on_plateau_implementation
class ReduceLROnPlateau:
    """torch's ReduceLROnPlateau (min, rel, cooldown 0) with counters."""

    def __init__(self, lr, factor=0.1, patience=10, threshold=1e-4, min_lr=0.0):
        self.lr = lr
        self.factor = factor
        self.patience = patience
        self.min_lr = min_lr
        self.rel = 1.0 - threshold  # better: metric < best * rel
        self.best = math.inf
        self.wait = 0

    def step(self, metric):
        """Feed one metric, return the current learning rate."""
        improved = metric < self.best * self.rel
        self.wait = 0 if improved else self.wait + 1
        if improved:
            self.best = metric
        if self.wait > self.patience:
            self.wait = 0
            reduced = max(self.lr * self.factor, self.min_lr)
            if reduced < self.lr - 1e-8:
                self.lr = reduced
        return self.lr * 1.0
