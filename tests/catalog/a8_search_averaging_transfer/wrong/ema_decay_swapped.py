"""EMA: I weight the new parameters by decay and the old average by 1 - decay.

loses: ema_matches_torch_averaged_model
message: decay and 1 - decay swapped
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
            self.average = {k: p.copy() for k, p in params.items()}
            return
        d = self.decay
        self.average = {k: (1 - d) * self.average[k] + d * p for k, p in params.items()}
