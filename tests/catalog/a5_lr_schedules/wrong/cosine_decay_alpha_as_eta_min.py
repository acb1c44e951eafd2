"""cosine_decay: I use alpha like torch's eta_min, alpha + (lr0 - alpha) * cosine.

loses: cosine_decay_clipped_after_decay_steps, cosine_decay_matches_torch_cosine_annealing
message: alpha added as an absolute rate
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
    progress = min(step, decay_steps) / decay_steps
    cosine = 0.5 * (1 + math.cos(math.pi * progress))
    return float(alpha + (lr0 - alpha) * cosine)
