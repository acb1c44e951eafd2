"""Batch norm: in eval mode I still normalize with the statistics of the batch at hand.

loses: batchnorm_forward_small_batch_training_and_eval, batchnorm_forward_eval_uses_running_statistics_like_torch
message: eval mode uses the batch statistics
"""
# %% cell: batchnorm_forward_implementation
def batchnorm_forward(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    """Batch norm that always uses batch statistics to normalize."""
    n = x.shape[0]
    mu = x.mean(axis=0)
    var = x.var(axis=0)
    std = np.sqrt(var + eps)
    xhat = (x - mu) / std
    out = gamma * xhat + beta
    if not training:
        return out, None, running_mean.copy(), running_var.copy()
    new_mean = (1 - momentum) * running_mean + momentum * mu
    new_var = (1 - momentum) * running_var + momentum * var * n / (n - 1)
    return out, (xhat, std, gamma), new_mean, new_var
