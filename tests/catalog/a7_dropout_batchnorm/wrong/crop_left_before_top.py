"""Random crop: I draw the column offset (left) before the row offset (top), x before y.

loses: random_crop_small_example, random_crop_matches_draw_order_and_zero_padding
message: crop draws left before top
"""
# %% cell: random_crop_implementation
def random_crop(images, size, padding, rng):
    """Random crop, left drawn first."""
    n, h, w = images.shape
    padded = np.pad(images, ((0, 0), (padding, padding), (padding, padding)))
    out = np.empty((n, size, size))
    for i in range(n):
        left = rng.integers(0, w + 2 * padding - size + 1)
        top = rng.integers(0, h + 2 * padding - size + 1)
        out[i] = padded[i, top : top + size, left : left + size]
    return out
