"""Masked ufuncs (exp with where=/out=), the loss per label, array_split at the cut points.

sigmoid evaluates exp only where it cannot overflow (ufunc where= and out=); the loss takes
log(1 + e^-z) for y = 1 and log(1 + e^z) for y = 0; the gradient is (p - y) @ X / n;
batches come from np.array_split at batch_size, 2 batch_size, ...; training uses a while loop.
"""
# %% cell: sigmoid_implementation
def sigmoid(z):
    """Logistic function with masked exponentials: exp only ever sees numbers <= 0."""
    z = np.asarray(z, dtype=np.float64)
    out = np.empty_like(z)
    pos = z >= 0
    e_neg = np.exp(-z, where=pos, out=np.zeros_like(z))  # exp(-z) for z >= 0
    np.divide(1.0, 1.0 + e_neg, out=out, where=pos)
    e_pos = np.exp(z, where=~pos, out=np.zeros_like(z))  # exp(z) for z < 0
    np.divide(e_pos, 1.0 + e_pos, out=out, where=~pos)
    return out
# %% cell: logistic_loss_implementation
def logistic_loss(w, X, y):
    """Mean cross-entropy, one stable formula per label."""
    z = X @ w
    per_sample = np.where(y == 1, np.logaddexp(0.0, -z), np.logaddexp(0.0, z))
    return per_sample.mean()
# %% cell: logistic_grad_implementation
def logistic_grad(w, X, y):
    """(p - y) @ X / n."""
    residual = sigmoid(X @ w) - y
    return residual @ X / len(y)
# %% cell: minibatch_indices_implementation
def minibatch_indices(n, batch_size, rng):
    """Cut one permutation at batch_size, 2 batch_size, ..."""
    order = rng.permutation(n)
    return np.array_split(order, np.arange(batch_size, n, batch_size))
# %% cell: train_logistic_regression_implementation
def train_logistic_regression(X, y, lr, epochs, batch_size, rng, w0=None):
    """Mini-batch gradient descent with a while loop."""
    if w0 is None:
        w = np.zeros(X.shape[1])
    else:
        w = w0.astype(np.float64, copy=True)
    losses = []
    epoch = 0
    while epoch < epochs:
        for idx in minibatch_indices(len(y), batch_size, rng):
            w = w - lr * logistic_grad(w, X[idx, :], y[idx])
        losses.append(logistic_loss(w, X, y))
        epoch += 1
    return w, losses
