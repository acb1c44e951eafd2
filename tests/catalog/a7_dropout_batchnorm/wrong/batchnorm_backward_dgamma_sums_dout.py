"""Batch-norm backward: dgamma is the sum of dout, like dbeta.

loses: batchnorm_backward_gradient_sums, batchnorm_backward_matches_torch_autograd, batchnorm_backward_matches_finite_differences
message: dgamma sums dout instead of dout * xhat
"""
# %% cell: batchnorm_backward_implementation
def batchnorm_backward(dout, cache):
    """Batch-norm gradients with a wrong dgamma."""
    xhat, std, gamma = cache
    dxhat = dout * gamma
    dx = (dxhat - dxhat.mean(axis=0) - xhat * (dxhat * xhat).mean(axis=0)) / std
    return dx, dout.sum(axis=0), dout.sum(axis=0)
