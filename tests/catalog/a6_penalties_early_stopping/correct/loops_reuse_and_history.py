"""Explicit loops, np.linalg.norm, elastic net reusing l1/l2, max_norm slice by slice, and
EarlyStopping that derives wait from the history of losses.
"""


# %% cell: l2_penalty_implementation
def l2_penalty(weights, lam):
    """Explicit loop with np.square."""
    total = 0.0
    for W in weights:
        total = total + np.square(W).sum()
    return float(lam * total)


# %% cell: l2_penalty_grad_implementation
def l2_penalty_grad(weights, lam):
    """Copy, then scale the copy in place."""
    grads = []
    for W in weights:
        g = np.array(W, dtype=np.float64, copy=True)
        g *= 2 * lam
        grads.append(g)
    return grads


# %% cell: l1_penalty_implementation
def l1_penalty(weights, lam):
    """np.linalg.norm with ord=1 on each flattened array."""
    return float(lam * sum(np.linalg.norm(np.ravel(W), ord=1) for W in weights))


# %% cell: l1_penalty_grad_implementation
def l1_penalty_grad(weights, lam):
    """+lam where W > 0, -lam where W < 0, 0 elsewhere."""
    return [lam * ((W > 0).astype(np.float64) - (W < 0).astype(np.float64)) for W in weights]


# %% cell: elastic_net_penalty_implementation
def elastic_net_penalty(weights, lam, l1_ratio):
    """Reuse the two penalties above with lam = 1."""
    return lam * (l1_ratio * l1_penalty(weights, 1.0) + (1 - l1_ratio) * l2_penalty(weights, 1.0))


# %% cell: max_norm_implementation
def max_norm(W, max_value, axis=0):
    """Move the axis last and rescale each slice in a Python loop."""
    moved = np.moveaxis(np.array(W, dtype=np.float64, copy=True), axis, -1)
    rows = moved.reshape(-1, moved.shape[-1])  # a view of the copy
    for row in rows:
        norm = math.sqrt(float(np.dot(row, row)))
        if norm > max_value:
            row *= max_value / norm
    return np.moveaxis(rows.reshape(moved.shape), -1, axis)


# %% cell: early_stopping_implementation
class EarlyStopping:
    """Early stopping that keeps the whole history of losses."""

    def __init__(self, patience, min_delta=0.0):
        if patience < 1:
            raise ValueError(f"patience must be >= 1, got {patience}")
        if min_delta < 0:
            raise ValueError(f"min_delta must be >= 0, got {min_delta}")
        self.patience = patience
        self.min_delta = min_delta
        self.history = []
        self.best_loss = math.inf
        self.best_epoch = -1

    @property
    def wait(self):
        """Calls since the best one (all of them before any improvement)."""
        return len(self.history) - 1 - self.best_epoch

    def step(self, val_loss):
        """Append the loss; an improvement beats best_loss - min_delta strictly."""
        self.history.append(val_loss)
        if val_loss < self.best_loss - self.min_delta:
            self.best_loss = val_loss
            self.best_epoch = len(self.history) - 1
        return self.wait >= self.patience
