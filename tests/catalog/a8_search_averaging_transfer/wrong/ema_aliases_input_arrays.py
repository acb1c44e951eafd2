"""EMA: the first update stores the caller's arrays (dict(params)) without copying them.

loses: ema_average_is_a_copy_and_inputs_unmodified
message: must be a copy
"""
# %% cell: ema_implementation
class EMA:
    """Exponential moving average of a dict of arrays."""

    def __init__(self, decay):
        self.decay = decay
        self.average = None

    def update(self, params):
        """Fold params into the average."""
        if self.average is None:
            self.average = dict(params)
            return
        d = self.decay
        self.average = {k: d * self.average[k] + (1 - d) * p for k, p in params.items()}
