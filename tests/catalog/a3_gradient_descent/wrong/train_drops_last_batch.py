"""train: my own batching loop skips the last, incomplete batch.

loses: train_matches_reference_for_sgd_minibatch_and_batch_gd
message: last, smaller batch of each epoch is skipped
"""
# %% cell: train_logistic_regression_implementation
def train_logistic_regression(X, y, lr, epochs, batch_size, rng, w0=None):
    """Fit logistic regression by (mini-batch) gradient descent."""
    n, d = X.shape
    w = np.zeros(d) if w0 is None else np.array(w0, dtype=np.float64)
    history = []
    for _ in range(epochs):
        perm = rng.permutation(n)
        for start in range(0, n - batch_size + 1, batch_size):
            batch = perm[start : start + batch_size]
            w = w - lr * logistic_grad(w, X[batch], y[batch])
        history.append(logistic_loss(w, X, y))
    return w, history
