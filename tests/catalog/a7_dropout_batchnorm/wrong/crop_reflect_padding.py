"""Random crop: I pad by reflecting the border, which looks more natural than zeros.

loses: random_crop_small_example, random_crop_matches_draw_order_and_zero_padding
message: padding must be zeros
"""
# %% cell: random_crop_implementation
def random_crop(images, size, padding, rng):
    """Random crop with reflect padding."""
    n, h, w = images.shape
    padded = np.pad(images, ((0, 0), (padding, padding), (padding, padding)), mode="reflect")
    out = np.empty((n, size, size))
    for i in range(n):
        top = rng.integers(0, h + 2 * padding - size + 1)
        left = rng.integers(0, w + 2 * padding - size + 1)
        out[i] = padded[i, top : top + size, left : left + size]
    return out
