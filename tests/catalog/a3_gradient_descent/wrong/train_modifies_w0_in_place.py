"""train: I start from w0 itself and update it with w -= ...

loses: train_batch_gd_matches_hand_computed_steps, train_leaves_inputs_unmodified_and_handles_zero_epochs
message: modified the w0 you passed in
"""
# %% cell: train_logistic_regression_implementation
def train_logistic_regression(X, y, lr, epochs, batch_size, rng, w0=None):
    """Fit logistic regression by (mini-batch) gradient descent."""
    n, d = X.shape
    w = np.zeros(d) if w0 is None else w0
    history = []
    for _ in range(epochs):
        for batch in minibatch_indices(n, batch_size, rng):
            w -= lr * logistic_grad(w, X[batch], y[batch])
        history.append(logistic_loss(w, X, y))
    return w, history
