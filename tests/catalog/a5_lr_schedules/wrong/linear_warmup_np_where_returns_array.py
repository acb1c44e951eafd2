"""linear_warmup: I write it with np.where, which hands back a 0-d array instead of a float.

loses: linear_warmup_by_hand, linear_warmup_matches_torch_linear_lr
message: np.where
"""
# %% cell: linear_warmup_implementation
def linear_warmup(step, lr0, warmup_steps):
    """Learning rate at ``step`` of a linear warm-up to ``lr0`` over ``warmup_steps`` steps.

    Parameters
    ----------
    step : int
        The step, counted from 0.
    lr0 : float
        The rate reached at the end of the warm-up.
    warmup_steps : int
        Number of warm-up steps (>= 1).

    Returns
    -------
    float
        ``lr0 * min(1, (step + 1) / warmup_steps)``.
    """
    return np.where(step + 1 < warmup_steps, lr0 * (step + 1) / warmup_steps, lr0)
