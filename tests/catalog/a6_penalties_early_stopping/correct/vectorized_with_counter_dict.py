"""Vectorized penalties (vdot, fsum, concatenate), clipped scale factors for max_norm, and
EarlyStopping with its counters in a dict behind properties.
"""


# %% cell: l2_penalty_implementation
def l2_penalty(weights, lam):
    """lam * sum of squares, with one dot product per flattened array."""
    return lam * sum(float(np.vdot(W, W)) for W in weights)


# %% cell: l2_penalty_grad_implementation
def l2_penalty_grad(weights, lam):
    """2 * lam * W, as new float64 arrays."""
    return [np.multiply(W, 2.0 * lam, dtype=np.float64) for W in weights]


# %% cell: l1_penalty_implementation
def l1_penalty(weights, lam):
    """lam * sum |W| with an exact floating-point sum."""
    return lam * math.fsum(float(np.abs(W).sum()) for W in weights)


# %% cell: l1_penalty_grad_implementation
def l1_penalty_grad(weights, lam):
    """lam * sign(W): np.sign is 0 at 0."""
    return [np.sign(W) * lam for W in weights]


# %% cell: elastic_net_penalty_implementation
def elastic_net_penalty(weights, lam, l1_ratio):
    """Mix the two sums over one concatenated vector (empty lists give an empty vector)."""
    flat = np.concatenate([np.ravel(W) for W in weights]) if weights else np.zeros(0)
    return float(lam * (l1_ratio * np.abs(flat).sum() + (1 - l1_ratio) * (flat @ flat)))


# %% cell: max_norm_implementation
def max_norm(W, max_value, axis=0):
    """Scale factors max_value / norm, clipped to at most 1 (inf for zero slices, clipped too)."""
    norms = np.sqrt((W * W).sum(axis=axis, keepdims=True))
    with np.errstate(divide="ignore"):
        factors = np.where(norms > 0, max_value / np.where(norms > 0, norms, 1.0), np.inf)
    return W * np.clip(factors, None, 1.0)


# %% cell: early_stopping_implementation
class EarlyStopping:
    """Early stopping with its state in a dict, exposed as read-only properties."""

    def __init__(self, patience, min_delta=0.0):
        if not patience >= 1 or not min_delta >= 0:
            raise ValueError("need patience >= 1 and min_delta >= 0")
        self.patience = patience
        self.min_delta = min_delta
        self.counter = {"calls": 0, "best_loss": float("inf"), "best_epoch": -1, "wait": 0}

    @property
    def best_loss(self):
        return self.counter["best_loss"]

    @property
    def best_epoch(self):
        return self.counter["best_epoch"]

    @property
    def wait(self):
        return self.counter["wait"]

    def step(self, val_loss):
        """Update the counters; True once patience calls in a row brought no improvement."""
        c = self.counter
        threshold = c["best_loss"] - self.min_delta
        improved = val_loss < threshold
        c.update(
            best_loss=val_loss if improved else c["best_loss"],
            best_epoch=c["calls"] if improved else c["best_epoch"],
            wait=0 if improved else c["wait"] + 1,
            calls=c["calls"] + 1,
        )
        return bool(c["wait"] >= self.patience)
