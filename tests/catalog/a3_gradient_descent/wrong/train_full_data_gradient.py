"""train: every step uses the gradient on all of X, y.

loses: train_matches_reference_for_sgd_minibatch_and_batch_gd
message: full-data gradient
"""
# %% cell: train_logistic_regression_implementation
def train_logistic_regression(X, y, lr, epochs, batch_size, rng, w0=None):
    """Fit logistic regression by (mini-batch) gradient descent."""
    n, d = X.shape
    w = np.zeros(d) if w0 is None else np.array(w0, dtype=np.float64)
    history = []
    for _ in range(epochs):
        for batch in minibatch_indices(n, batch_size, rng):
            w = w - lr * logistic_grad(w, X, y)
        history.append(logistic_loss(w, X, y))
    return w, history
