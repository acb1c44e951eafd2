"""near_boundary: I compute u on the raw values even when log=True.

loses: near_boundary_by_hand, near_boundary_inclusive_edges_log_scale_and_outside
message: computed on log10 values
"""
# %% cell: near_boundary_implementation
def near_boundary(value, low, high, log=True, frac=0.1):
    """True when value is within frac of an edge of [low, high]."""
    u = (value - low) / (high - low)
    return bool(u <= frac or u >= 1 - frac)
