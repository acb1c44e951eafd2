"""tanh identity, log1p form of the loss, einsum gradient, rng.shuffle of arange, math.ceil.

sigmoid(z) = (1 + tanh(z / 2)) / 2 never overflows; the loss is max(z, 0) - y z +
log1p(exp(-|z|)); the gradient uses np.einsum; the batches come from rng.shuffle on
np.arange(n) (the same draws as rng.permutation(n)) cut by index arithmetic.
"""
# %% cell: sigmoid_implementation
def sigmoid(z):
    """sigmoid via the tanh identity."""
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=np.float64)))
# %% cell: logistic_loss_implementation
def logistic_loss(w, X, y):
    """log(1 + e^z) - y z written as max(z, 0) + log1p(e^-|z|) - y z."""
    z = X @ w
    terms = np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z))) - y * z
    return float(np.sum(terms) / len(terms))
# %% cell: logistic_grad_implementation
def logistic_grad(w, X, y):
    """einsum over the samples."""
    return np.einsum("ij,i->j", X, sigmoid(X @ w) - y) / X.shape[0]
# %% cell: minibatch_indices_implementation
import math


def minibatch_indices(n, batch_size, rng):
    """Shuffle arange(n) in place with the generator and slice it."""
    idx = np.arange(n)
    rng.shuffle(idx)
    n_batches = math.ceil(n / batch_size)
    return [idx[k * batch_size : (k + 1) * batch_size] for k in range(n_batches)]
# %% cell: train_logistic_regression_implementation
def train_logistic_regression(X, y, lr, epochs, batch_size, rng, w0=None):
    """Mini-batch gradient descent."""
    n_samples, n_features = X.shape
    w = np.zeros(n_features) if w0 is None else np.array(w0, dtype=float, copy=True)
    history = []
    for epoch in range(epochs):
        batches = minibatch_indices(n_samples, batch_size, rng)
        for rows in batches:
            step = logistic_grad(w, X[rows], y[rows])
            w = w - lr * step
        history += [float(logistic_loss(w, X, y))]
    return w, history
