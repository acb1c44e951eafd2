"""Batch norm: my running average keeps momentum of the old value, as in an EMA with decay 0.1.

loses: batchnorm_forward_small_batch_training_and_eval, batchnorm_forward_training_matches_torch_batchnorm1d
message: momentum and 1 - momentum swapped
"""
# %% cell: batchnorm_forward_implementation
def batchnorm_forward(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    """Batch norm with the running-average weights swapped."""
    if not training:
        xhat = (x - running_mean) / np.sqrt(running_var + eps)
        return gamma * xhat + beta, None, running_mean.copy(), running_var.copy()
    n = x.shape[0]
    mu = x.mean(axis=0)
    var = x.var(axis=0)
    std = np.sqrt(var + eps)
    xhat = (x - mu) / std
    new_mean = momentum * running_mean + (1 - momentum) * mu
    new_var = momentum * running_var + (1 - momentum) * var * n / (n - 1)
    return gamma * xhat + beta, (xhat, std, gamma), new_mean, new_var
