"""Loops and explicit state: repeated multiplication, exp/log, an early return past the end,
restarts by subtracting period lengths from the step, and the plateau logic as a small state
machine over a dict (events "improved", "wait", "reduce").
"""
# %% cell: step_decay_implementation
def step_decay(step, lr0, step_size, gamma=0.1):
    """Step decay (torch StepLR): multiply by gamma once per completed block of step_size steps."""
    lr = lr0
    for _ in range(step // step_size):
        lr *= gamma
    return float(lr)
# %% cell: exponential_decay_implementation
def exponential_decay(step, lr0, decay_rate, decay_steps, staircase=False):
    """Keras ExponentialDecay, written with exp and log."""
    periods = step / decay_steps
    if staircase:
        periods = math.floor(periods)
    return lr0 * math.exp(periods * math.log(decay_rate))
# %% cell: inverse_time_decay_implementation
def inverse_time_decay(step, lr0, decay_rate, decay_steps=1, staircase=False):
    """Keras InverseTimeDecay."""
    if staircase:
        elapsed = math.floor(step / decay_steps)
    else:
        elapsed = step / decay_steps
    denominator = 1.0 + decay_rate * elapsed
    return lr0 / denominator
# %% cell: cosine_decay_implementation
def cosine_decay(step, lr0, decay_steps, alpha=0.0):
    """Keras CosineDecay without warm-up."""
    floor = alpha * lr0
    if step >= decay_steps:
        return float(floor)
    half_cosine = (1.0 + np.cos(np.pi * step / decay_steps)) / 2.0
    return float(floor + (lr0 - floor) * half_cosine)
# %% cell: cosine_decay_restarts_implementation
def cosine_decay_restarts(step, lr0, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0):
    """Keras CosineDecayRestarts: walk through the periods, subtracting their lengths."""
    remaining = step
    length = first_decay_steps
    height = 1.0
    while remaining >= length:
        remaining -= length
        length = length * t_mul
        height = height * m_mul
    position = remaining / length
    cosine = height * (1.0 + math.cos(math.pi * position)) / 2.0
    return lr0 * (alpha + (1.0 - alpha) * cosine)
# %% cell: linear_warmup_implementation
def linear_warmup(step, lr0, warmup_steps):
    """Linear warm-up: lr0 * (step + 1) / warmup_steps, capped at lr0."""
    if step + 1 >= warmup_steps:
        return float(lr0)
    return lr0 * (step + 1) / warmup_steps
# %% cell: reduce_on_plateau_implementation
class ReduceLROnPlateau:
    """torch's ReduceLROnPlateau (min, rel, cooldown 0) as a state machine over a dict."""

    def __init__(self, lr, factor=0.1, patience=10, threshold=1e-4, min_lr=0.0):
        self.config = {
            "factor": factor,
            "patience": patience,
            "threshold": threshold,
            "min_lr": min_lr,
        }
        self.state = {"lr": float(lr), "best": float("inf"), "bad": 0}

    def _event(self, metric):
        s, c = self.state, self.config
        if metric < s["best"] * (1 - c["threshold"]):
            return "improved"
        if s["bad"] + 1 > c["patience"]:
            return "reduce"
        return "wait"

    def step(self, metric):
        """Feed one metric, return the current learning rate."""
        s, c = self.state, self.config
        event = self._event(metric)
        if event == "improved":
            s["best"] = metric
            s["bad"] = 0
        elif event == "wait":
            s["bad"] += 1
        else:  # "reduce": one bad step too many
            candidate = max(s["lr"] * c["factor"], c["min_lr"])
            if s["lr"] - candidate > 1e-8:
                s["lr"] = candidate
            s["bad"] = 0
        return s["lr"]
