"""inverse_time_decay: without staircase I use decay_rate * step and forget to divide by decay_steps.

loses: inverse_time_decay_by_hand, inverse_time_decay_matches_keras_formula
message: decay_steps ignored
"""
# %% cell: inverse_time_decay_implementation
def inverse_time_decay(step, lr0, decay_rate, decay_steps=1, staircase=False):
    """Learning rate at ``step`` of Keras' ``InverseTimeDecay``.

    Parameters
    ----------
    step : int
        The step, counted from 0.
    lr0 : float
        Initial learning rate.
    decay_rate : float
        How fast the denominator grows (per ``decay_steps`` steps).
    decay_steps : int, default 1
        The time unit of the decay.
    staircase : bool, default False
        If True, use ``step // decay_steps`` instead of ``step / decay_steps``.

    Returns
    -------
    float
        ``lr0 / (1 + decay_rate * step / decay_steps)`` (``//`` with ``staircase``).
    """
    time = step // decay_steps if staircase else step
    return float(lr0 / (1 + decay_rate * time))
