"""EarlyStopping that accepts patience 0 and negative min_delta.

loses: early_stopping_initial_state_and_invalid_arguments
message: did not raise
"""


# %% cell: early_stopping_implementation
class EarlyStopping:
    """Stop training when the validation loss has not improved for ``patience`` calls."""

    def __init__(self, patience, min_delta=0.0):
        self.patience = patience
        self.min_delta = min_delta
        self.best_loss = math.inf
        self.best_epoch = -1
        self.wait = 0
        self.epoch = 0

    def step(self, val_loss):
        """Record one validation loss; return True when training should stop."""
        if val_loss < self.best_loss - self.min_delta:
            self.best_loss = val_loss
            self.best_epoch = self.epoch
            self.wait = 0
        else:
            self.wait += 1
        self.epoch += 1
        return self.wait >= self.patience
