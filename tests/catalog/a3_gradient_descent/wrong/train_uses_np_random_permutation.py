"""train: I shuffle each epoch with np.random.permutation(n).

loses: train_matches_reference_for_sgd_minibatch_and_batch_gd, train_draws_one_permutation_per_epoch_from_rng
message: instead of the rng passed in
"""
# %% cell: train_logistic_regression_implementation
def train_logistic_regression(X, y, lr, epochs, batch_size, rng, w0=None):
    """Fit logistic regression by (mini-batch) gradient descent."""
    n, d = X.shape
    w = np.zeros(d) if w0 is None else np.array(w0, dtype=np.float64)
    history = []
    for _ in range(epochs):
        perm = np.random.permutation(n)
        for start in range(0, n, batch_size):
            batch = perm[start : start + batch_size]
            w = w - lr * logistic_grad(w, X[batch], y[batch])
        history.append(logistic_loss(w, X, y))
    return w, history
