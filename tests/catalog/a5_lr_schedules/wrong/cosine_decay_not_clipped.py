"""cosine_decay: I use step / decay_steps directly, without clipping the step at decay_steps.

loses: cosine_decay_clipped_after_decay_steps
message: min(step, decay_steps)
"""
# %% cell: cosine_decay_implementation
def cosine_decay(step, lr0, decay_steps, alpha=0.0):
    """Learning rate at ``step`` of Keras' ``CosineDecay`` (no warm-up).

    Parameters
    ----------
    step : int
        The step, counted from 0; steps beyond ``decay_steps`` count as ``decay_steps``.
    lr0 : float
        Initial learning rate.
    decay_steps : int
        Number of steps of the decay.
    alpha : float, default 0.0
        Final rate as a fraction of ``lr0``.

    Returns
    -------
    float
    """
    progress = step / decay_steps
    cosine = 0.5 * (1 + math.cos(math.pi * progress))
    return float(lr0 * ((1 - alpha) * cosine + alpha))
