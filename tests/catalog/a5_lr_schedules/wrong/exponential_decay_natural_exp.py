"""exponential_decay: exponential decay is e^(-k t), so I use math.exp(-decay_rate * t).

loses: exponential_decay_continuous_and_staircase_by_hand, exponential_decay_matches_torch_exponential_and_step_lr
message: natural exponential used
"""
# %% cell: exponential_decay_implementation
def exponential_decay(step, lr0, decay_rate, decay_steps, staircase=False):
    """Learning rate at ``step`` of Keras' ``ExponentialDecay``.

    Parameters
    ----------
    step : int
        The step, counted from 0.
    lr0 : float
        Initial learning rate.
    decay_rate : float
        Factor applied once every ``decay_steps`` steps.
    decay_steps : int
        Number of steps over which the rate is multiplied by ``decay_rate``.
    staircase : bool, default False
        If True, use the integer division ``step // decay_steps`` in the exponent.

    Returns
    -------
    float
        ``lr0 * decay_rate ** (step / decay_steps)`` (``//`` with ``staircase``).
    """
    exponent = step // decay_steps if staircase else step / decay_steps
    return float(lr0 * math.exp(-decay_rate * exponent))
