"""Gaussian noise: I add the noise to x in place to save memory.

loses: add_gaussian_noise_small_example, add_gaussian_noise_matches_formula_and_draw
message: modified its input x in place
"""
# %% cell: add_gaussian_noise_implementation
def add_gaussian_noise(x, std, rng):
    """Noise added in place."""
    x += std * rng.standard_normal(x.shape)
    return x
