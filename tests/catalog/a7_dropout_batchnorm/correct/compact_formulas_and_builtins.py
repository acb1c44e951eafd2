"""Compact versions: np.where masks, a dict cache, the N-scaled backward formula, np.logaddexp.

Dropout through np.where, DropConnect with np.multiply, batch norm with a dict cache and the
backward formula multiplied out by N, the log-sum-exp via np.logaddexp.reduce, mixup through
np.take, flips with np.flip in a loop, crops cut from a zero canvas, noise via rng.normal.
"""
# %% cell: dropout_forward_implementation
def dropout_forward(x, p, training, rng):
    """Inverted dropout."""
    if not training or p == 0:
        return x, None
    if p == 1:
        return np.zeros(x.shape), np.zeros(x.shape)
    mask = np.where(rng.random(x.shape) < p, 0.0, 1.0 / (1.0 - p))
    return x * mask, mask
# %% cell: dropout_backward_implementation
def dropout_backward(dout, mask):
    """dout * mask (identity without a mask)."""
    return dout.copy() if mask is None else np.multiply(dout, mask)
# %% cell: dropconnect_linear_implementation
def dropconnect_linear(x, W, b, p, training, rng):
    """DropConnect linear layer."""
    if training and p == 1:
        return np.tile(b, (x.shape[0], 1)).astype(np.float64)
    if training and p > 0:
        W = np.multiply(W, rng.random(W.shape) >= p) / (1 - p)
    return np.dot(x, W) + b
# %% cell: batchnorm_forward_implementation
def batchnorm_forward(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    """BatchNorm1d."""
    if training:
        n = len(x)
        mu = np.mean(x, axis=0)
        centered = x - mu
        var = np.mean(centered**2, axis=0)
        inv_std = 1.0 / np.sqrt(var + eps)
        xhat = centered * inv_std
        new_mean = running_mean + momentum * (mu - running_mean)
        new_var = running_var + momentum * (var * n / (n - 1) - running_var)
        cache = {"xhat": xhat, "inv_std": inv_std, "gamma": gamma}
        return xhat * gamma + beta, cache, new_mean, new_var
    out = (x - running_mean) * (gamma / np.sqrt(running_var + eps)) + beta
    return out, None, np.array(running_mean), np.array(running_var)
# %% cell: batchnorm_backward_implementation
def batchnorm_backward(dout, cache):
    """Compact batch-norm backward, scaled by N."""
    xhat, inv_std, gamma = cache["xhat"], cache["inv_std"], cache["gamma"]
    n = dout.shape[0]
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * xhat, axis=0)
    dx = gamma * inv_std / n * (n * dout - dbeta - xhat * dgamma)
    return dx, dgamma, dbeta
# %% cell: cross_entropy_label_smoothing_implementation
def cross_entropy_label_smoothing(logits, targets, smoothing):
    """Smoothed cross-entropy via logaddexp."""
    n, k = logits.shape
    lse = np.logaddexp.reduce(logits, axis=1)
    true_logit = logits[np.arange(n), targets]
    nll = lse - true_logit
    uniform = lse - logits.mean(axis=1)  # cross-entropy against the uniform target
    return float(np.mean((1 - smoothing) * nll + smoothing * uniform))
# %% cell: mixup_batch_implementation
def mixup_batch(x, y_onehot, alpha, rng):
    """Mixup."""
    lam = rng.beta(alpha, alpha)
    perm = rng.permutation(x.shape[0])
    x_mix = np.take(x, perm, axis=0) + lam * (x - np.take(x, perm, axis=0))
    y_mix = np.take(y_onehot, perm, axis=0) + lam * (y_onehot - np.take(y_onehot, perm, axis=0))
    return x_mix, y_mix, float(lam), perm
# %% cell: random_horizontal_flip_implementation
def random_horizontal_flip(images, p, rng):
    """Per-image left-right flips."""
    decisions = rng.random(len(images)) < p
    out = np.empty_like(images)
    for i, flip in enumerate(decisions):
        out[i] = np.flip(images[i], axis=-1) if flip else images[i]
    return out
# %% cell: random_crop_implementation
def random_crop(images, size, padding, rng):
    """Random crops from a zero canvas."""
    n, h, w = images.shape
    canvas = np.zeros((n, h + 2 * padding, w + 2 * padding))
    canvas[:, padding : padding + h, padding : padding + w] = images
    crops = []
    for i in range(n):
        top = int(rng.integers(0, canvas.shape[1] - size + 1))
        left = int(rng.integers(0, canvas.shape[2] - size + 1))
        crops.append(canvas[i, top : top + size, left : left + size])
    return np.array(crops, dtype=np.float64).reshape(n, size, size)
# %% cell: add_gaussian_noise_implementation
def add_gaussian_noise(x, std, rng):
    """Gaussian noise via rng.normal (loc + scale * standard normal)."""
    return x + rng.normal(0.0, std, size=x.shape)
