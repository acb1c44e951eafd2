"""Gaussian noise: I read std as the variance and scale the draws by its square root.

loses: add_gaussian_noise_small_example, add_gaussian_noise_matches_formula_and_draw
message: std treated as a variance
"""
# %% cell: add_gaussian_noise_implementation
def add_gaussian_noise(x, std, rng):
    """Noise with variance std."""
    return x + np.sqrt(std) * rng.standard_normal(x.shape)
