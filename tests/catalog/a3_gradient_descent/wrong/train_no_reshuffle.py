"""train: I draw the mini-batches once, before the epoch loop.

loses: train_matches_reference_for_sgd_minibatch_and_batch_gd, train_draws_one_permutation_per_epoch_from_rng, train_leaves_inputs_unmodified_and_handles_zero_epochs
message: same order every epoch
"""
# %% cell: train_logistic_regression_implementation
def train_logistic_regression(X, y, lr, epochs, batch_size, rng, w0=None):
    """Fit logistic regression by (mini-batch) gradient descent."""
    n, d = X.shape
    w = np.zeros(d) if w0 is None else np.array(w0, dtype=np.float64)
    history = []
    batches = minibatch_indices(n, batch_size, rng)
    for _ in range(epochs):
        for batch in batches:
            w = w - lr * logistic_grad(w, X[batch], y[batch])
        history.append(logistic_loss(w, X, y))
    return w, history
