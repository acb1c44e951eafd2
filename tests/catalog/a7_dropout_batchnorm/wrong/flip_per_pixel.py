"""Flip: I draw the flip decision for every pixel.

loses: random_horizontal_flip_small_example, random_horizontal_flip_any_rank_and_draws
message: flip drawn per pixel
"""
# %% cell: random_horizontal_flip_implementation
def random_horizontal_flip(images, p, rng):
    """Flip pixel by pixel."""
    flip = rng.random(images.shape) < p
    return np.where(flip, images[..., ::-1], images)
