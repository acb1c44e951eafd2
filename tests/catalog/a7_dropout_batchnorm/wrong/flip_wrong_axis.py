"""Flip: I reverse axis 1 of the batch (the first image axis), thinking of images as (N, W, H).

loses: random_horizontal_flip_small_example, random_horizontal_flip_any_rank_and_draws
message: flipped along the wrong axis
"""
# %% cell: random_horizontal_flip_implementation
def random_horizontal_flip(images, p, rng):
    """Flip along axis 1."""
    flip = rng.random(images.shape[0]) < p
    out = images.copy()
    out[flip] = np.flip(images[flip], axis=1)
    return out
