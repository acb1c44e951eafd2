"""near_boundary: I use u < frac or u > 1 - frac.

loses: near_boundary_inclusive_edges_log_scale_and_outside
message: strict inequalities
"""
# %% cell: near_boundary_implementation
def near_boundary(value, low, high, log=True, frac=0.1):
    """True when value is within frac of an edge of [low, high]."""
    if log:
        value, low, high = np.log10(value), np.log10(low), np.log10(high)
    u = (value - low) / (high - low)
    return bool(u < frac or u > 1 - frac)
