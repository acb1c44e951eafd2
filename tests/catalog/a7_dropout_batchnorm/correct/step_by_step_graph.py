"""Step-by-step versions: the batch-norm backward pass node by node on the computational graph.

Dropout with a boolean keep mask, DropConnect with an explicit bias broadcast, batch norm with
the CS231n staged graph (mean, centering, variance, inverse square root) walked backwards,
log-softmax with an explicit maximum, mixup with the labels mixed by the same helper, flips and
crops with plain index arithmetic, noise via rng.normal(x, std).
"""
# %% cell: dropout_forward_implementation
def dropout_forward(x, p, training, rng):
    """Inverted dropout."""
    if training and 0 < p < 1:
        keep = rng.random(x.shape) >= p
        mask = keep.astype(np.float64) / (1 - p)
        return mask * x, mask
    if training and p == 1:
        return 0.0 * x, np.zeros_like(x)
    return x, None
# %% cell: dropout_backward_implementation
def dropout_backward(dout, mask):
    """dout * mask."""
    if mask is None:
        return np.array(dout, dtype=np.float64)
    return mask * dout
# %% cell: dropconnect_linear_implementation
def dropconnect_linear(x, W, b, p, training, rng):
    """DropConnect linear layer."""
    out_shape = (x.shape[0], W.shape[1])
    if not training or p == 0:
        return x @ W + b
    if p == 1:
        return np.broadcast_to(b, out_shape).copy()
    keep = rng.random(W.shape) >= p
    return x @ np.where(keep, W / (1 - p), 0.0) + b
# %% cell: batchnorm_forward_implementation
def batchnorm_forward(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    """BatchNorm1d through the staged graph."""
    if not training:
        std = np.sqrt(running_var + eps)
        return gamma * ((x - running_mean) / std) + beta, None, running_mean + 0, running_var + 0
    n = x.shape[0]
    mu = x.sum(axis=0) / n
    xmu = x - mu
    sq = xmu**2
    var = sq.sum(axis=0) / n
    sqrtvar = np.sqrt(var + eps)
    ivar = 1.0 / sqrtvar
    xhat = xmu * ivar
    out = gamma * xhat + beta
    new_mean = (1 - momentum) * running_mean + momentum * mu
    new_var = (1 - momentum) * running_var + momentum * (sq.sum(axis=0) / (n - 1))
    return out, (xhat, gamma, xmu, ivar, sqrtvar, var, eps), new_mean, new_var
# %% cell: batchnorm_backward_implementation
def batchnorm_backward(dout, cache):
    """Walk the staged graph backwards."""
    xhat, gamma, xmu, ivar, sqrtvar, var, eps = cache
    n = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * xhat).sum(axis=0)
    dxhat = dout * gamma
    divar = (dxhat * xmu).sum(axis=0)
    dxmu1 = dxhat * ivar
    dsqrtvar = -divar / sqrtvar**2
    dvar = 0.5 * dsqrtvar / np.sqrt(var + eps)
    dsq = np.ones_like(dout) * dvar / n
    dxmu2 = 2 * xmu * dsq
    dx1 = dxmu1 + dxmu2
    dmu = -dx1.sum(axis=0)
    dx2 = np.ones_like(dout) * dmu / n
    return dx1 + dx2, dgamma, dbeta
# %% cell: cross_entropy_label_smoothing_implementation
def cross_entropy_label_smoothing(logits, targets, smoothing):
    """Smoothed cross-entropy with an explicit log-softmax."""
    n, k = logits.shape
    m = np.max(logits, axis=1, keepdims=True)
    log_softmax = logits - (m + np.log(np.sum(np.exp(logits - m), axis=1, keepdims=True)))
    onehot = np.eye(k)[targets]
    q = onehot * (1 - smoothing) + smoothing / k
    per_example = -np.sum(q * log_softmax, axis=1)
    return float(np.sum(per_example) / n)
# %% cell: mixup_batch_implementation
def _mix(a, lam, perm):
    return lam * a + (1 - lam) * a[perm]


def mixup_batch(x, y_onehot, alpha, rng):
    """Mixup."""
    lam = float(rng.beta(alpha, alpha))
    perm = rng.permutation(len(x))
    return _mix(x, lam, perm), _mix(y_onehot, lam, perm), lam, perm
# %% cell: random_horizontal_flip_implementation
def random_horizontal_flip(images, p, rng):
    """Flip by index arithmetic on the last axis."""
    flip = rng.random(images.shape[0]) < p
    w = images.shape[-1]
    mirrored = images[..., w - 1 - np.arange(w)]
    shape = (-1,) + (1,) * (images.ndim - 1)
    return np.where(flip.reshape(shape), mirrored, images)
# %% cell: random_crop_implementation
def random_crop(images, size, padding, rng):
    """Random crops by explicit offsets."""
    n, h, w = images.shape
    out = np.zeros((n, size, size))
    for i in range(n):
        top = rng.integers(0, h + 2 * padding - size + 1)
        left = rng.integers(0, w + 2 * padding - size + 1)
        for r in range(size):
            for c in range(size):
                src_r, src_c = top + r - padding, left + c - padding
                if 0 <= src_r < h and 0 <= src_c < w:
                    out[i, r, c] = images[i, src_r, src_c]
    return out
# %% cell: add_gaussian_noise_implementation
def add_gaussian_noise(x, std, rng):
    """Gaussian noise centred on x."""
    return rng.normal(x, std)
