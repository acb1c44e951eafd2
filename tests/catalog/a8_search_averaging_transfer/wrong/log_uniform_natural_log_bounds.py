"""log_uniform: I take np.log of the bounds but raise 10 to the draw.

loses: log_uniform_range_shape_and_spread, log_uniform_matches_twin_generator
message: natural logarithm mixed with base 10
"""
# %% cell: log_uniform_implementation
def log_uniform(low, high, size, rng):
    """Draw log-uniformly between low and high."""
    return 10 ** rng.uniform(np.log(low), np.log(high), size)
