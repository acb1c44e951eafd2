"""Batch norm: I normalize with the unbiased batch variance (ddof=1), like np.std's sample version.

loses: batchnorm_forward_small_batch_training_and_eval, batchnorm_forward_training_matches_torch_batchnorm1d, batchnorm_backward_gradient_sums, batchnorm_backward_matches_torch_autograd, batchnorm_backward_matches_finite_differences
message: unbiased variance used to normalize
"""
# %% cell: batchnorm_forward_implementation
def batchnorm_forward(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    """Batch norm with the sample (unbiased) variance."""
    if not training:
        xhat = (x - running_mean) / np.sqrt(running_var + eps)
        return gamma * xhat + beta, None, running_mean.copy(), running_var.copy()
    mu = x.mean(axis=0)
    var = x.var(axis=0, ddof=1)
    std = np.sqrt(var + eps)
    xhat = (x - mu) / std
    new_mean = (1 - momentum) * running_mean + momentum * mu
    new_var = (1 - momentum) * running_var + momentum * var
    return gamma * xhat + beta, (xhat, std, gamma), new_mean, new_var
