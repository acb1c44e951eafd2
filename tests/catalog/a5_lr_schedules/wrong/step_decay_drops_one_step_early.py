"""step_decay: steps count from 1 in my head, so I use (step + 1) // step_size.

loses: step_decay_drops_by_gamma_every_step_size_steps, step_decay_matches_torch_step_lr
message: step decay one step early
"""
# %% cell: step_decay_implementation
def step_decay(step, lr0, step_size, gamma=0.1):
    """Learning rate at ``step`` of a step decay, like torch's ``StepLR``.

    Parameters
    ----------
    step : int
        The step (or epoch), counted from 0.
    lr0 : float
        Initial learning rate.
    step_size : int
        Number of steps between two drops.
    gamma : float, default 0.1
        Factor applied at every drop.

    Returns
    -------
    float
        ``lr0 * gamma ** (step // step_size)``.
    """
    return float(lr0 * gamma ** ((step + 1) // step_size))
