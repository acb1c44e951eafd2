"""Batch norm: I update the running statistics in place, as a layer object would.

loses: batchnorm_forward_small_batch_training_and_eval, batchnorm_forward_training_matches_torch_batchnorm1d
message: modified its input running_mean in place
"""
# %% cell: batchnorm_forward_implementation
def batchnorm_forward(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    """Batch norm that updates running_mean and running_var in place."""
    if not training:
        xhat = (x - running_mean) / np.sqrt(running_var + eps)
        return gamma * xhat + beta, None, running_mean, running_var
    n = x.shape[0]
    mu = x.mean(axis=0)
    var = x.var(axis=0)
    std = np.sqrt(var + eps)
    xhat = (x - mu) / std
    running_mean *= 1 - momentum
    running_mean += momentum * mu
    running_var *= 1 - momentum
    running_var += momentum * var * n / (n - 1)
    return gamma * xhat + beta, (xhat, std, gamma), running_mean, running_var
