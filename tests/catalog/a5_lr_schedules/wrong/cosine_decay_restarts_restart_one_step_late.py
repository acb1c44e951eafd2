"""cosine_decay_restarts: I move on to the next period only when step > start + length.

loses: cosine_decay_restarts_by_hand, cosine_decay_restarts_m_mul_and_fractional_t_mul_match_keras, cosine_decay_restarts_matches_torch_warm_restarts, cosine_decay_restarts_new_period_starts_exactly_at_boundary
message: restart one step late
"""
# %% cell: cosine_decay_restarts_implementation
def cosine_decay_restarts(step, lr0, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0):
    """Learning rate at ``step`` of Keras' ``CosineDecayRestarts``, with exact period starts.

    Parameters
    ----------
    step : int
        The step, counted from 0.
    lr0 : float
        Initial learning rate.
    first_decay_steps : int
        Length of the first period.
    t_mul : float, default 2.0
        Each period is ``t_mul`` times longer than the one before (``t_mul >= 1``).
    m_mul : float, default 1.0
        Each period's height is ``m_mul`` times the one before.
    alpha : float, default 0.0
        Minimum rate as a fraction of ``lr0``.

    Returns
    -------
    float
    """
    start, length, i = 0, first_decay_steps, 0
    while step > start + length:
        start += length
        length *= t_mul
        i += 1
    f = (step - start) / length
    cosine = 0.5 * m_mul**i * (1 + math.cos(math.pi * f))
    return float(lr0 * ((1 - alpha) * cosine + alpha))
