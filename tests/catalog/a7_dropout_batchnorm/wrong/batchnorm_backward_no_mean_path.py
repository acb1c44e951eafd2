"""Batch-norm backward: I treat the batch mean and variance as constants (dx = dout * gamma / std).

loses: batchnorm_backward_gradient_sums, batchnorm_backward_matches_torch_autograd, batchnorm_backward_matches_finite_differences
message: backward ignores the paths through the batch mean and variance
"""
# %% cell: batchnorm_backward_implementation
def batchnorm_backward(dout, cache):
    """Batch-norm gradients without the paths through mu and var."""
    xhat, std, gamma = cache
    return dout * gamma / std, (dout * xhat).sum(axis=0), dout.sum(axis=0)
