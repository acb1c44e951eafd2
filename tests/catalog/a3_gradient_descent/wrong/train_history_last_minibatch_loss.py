"""train: after each epoch I record the loss of the last mini-batch.

loses: train_history_is_full_data_loss_after_each_epoch
message: loss of the last mini-batch
"""
# %% cell: train_logistic_regression_implementation
def train_logistic_regression(X, y, lr, epochs, batch_size, rng, w0=None):
    """Fit logistic regression by (mini-batch) gradient descent."""
    n, d = X.shape
    w = np.zeros(d) if w0 is None else np.array(w0, dtype=np.float64)
    history = []
    for _ in range(epochs):
        for batch in minibatch_indices(n, batch_size, rng):
            w = w - lr * logistic_grad(w, X[batch], y[batch])
        history.append(logistic_loss(w, X[batch], y[batch]))
    return w, history
