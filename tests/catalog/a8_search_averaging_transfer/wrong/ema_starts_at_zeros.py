"""EMA: my average starts at zeros and every update, the first too, applies the formula.

loses: ema_first_copies_then_averages, ema_matches_torch_averaged_model
message: the average starts at zeros
"""
# %% cell: ema_implementation
class EMA:
    """Exponential moving average of a dict of arrays."""

    def __init__(self, decay):
        self.decay = decay
        self.average = {}

    def update(self, params):
        """Fold params into the average."""
        d = self.decay
        self.average = {
            k: d * self.average.get(k, np.zeros_like(p)) + (1 - d) * p for k, p in params.items()
        }
