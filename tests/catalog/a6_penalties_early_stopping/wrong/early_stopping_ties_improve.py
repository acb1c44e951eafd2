"""EarlyStopping with <=: a loss exactly min_delta below the best improves.

loses: early_stopping_matches_torch_counter_on_random_curves, early_stopping_min_delta_ties_and_nan
message: (a tie)
"""


# %% cell: early_stopping_implementation
class EarlyStopping:
    """Stop training when the validation loss has not improved for ``patience`` calls."""

    def __init__(self, patience, min_delta=0.0):
        if patience < 1:
            raise ValueError("patience must be at least 1")
        if min_delta < 0:
            raise ValueError("min_delta must be non-negative")
        self.patience = patience
        self.min_delta = min_delta
        self.best_loss = math.inf
        self.best_epoch = -1
        self.wait = 0
        self.epoch = 0

    def step(self, val_loss):
        """Record one validation loss; return True when training should stop."""
        if val_loss <= self.best_loss - self.min_delta:
            self.best_loss = val_loss
            self.best_epoch = self.epoch
            self.wait = 0
        else:
            self.wait += 1
        self.epoch += 1
        return self.wait >= self.patience
