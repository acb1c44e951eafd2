"""train: I call minibatch_indices once to count the batches and once to loop over them.

loses: train_matches_reference_for_sgd_minibatch_and_batch_gd, train_draws_one_permutation_per_epoch_from_rng
message: more than once per epoch
"""
# %% cell: train_logistic_regression_implementation
def train_logistic_regression(X, y, lr, epochs, batch_size, rng, w0=None):
    """Fit logistic regression by (mini-batch) gradient descent."""
    n, d = X.shape
    w = np.zeros(d) if w0 is None else np.array(w0, dtype=np.float64)
    history = []
    for _ in range(epochs):
        n_batches = len(minibatch_indices(n, batch_size, rng))
        batches = minibatch_indices(n, batch_size, rng)
        for k in range(n_batches):
            w = w - lr * logistic_grad(w, X[batches[k]], y[batches[k]])
        history.append(logistic_loss(w, X, y))
    return w, history
