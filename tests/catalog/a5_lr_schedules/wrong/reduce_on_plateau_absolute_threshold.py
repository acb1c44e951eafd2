"""ReduceLROnPlateau: better means metric < best - threshold (an absolute threshold).

loses: reduce_on_plateau_matches_torch, reduce_on_plateau_relative_threshold_boundary
message: absolute threshold
"""
# %% cell: reduce_on_plateau_implementation
class ReduceLROnPlateau:
    """Reduce the learning rate when a metric stops improving, like torch's ``ReduceLROnPlateau``
    (mode "min", threshold mode "rel", cooldown 0).

    Parameters
    ----------
    lr : float
        Initial learning rate.
    factor : float, default 0.1
        Factor applied at each reduction (< 1).
    patience : int, default 10
        Number of bad steps in a row that are tolerated; the next one reduces the rate.
    threshold : float, default 1e-4
        Relative improvement needed: better means ``metric < best * (1 - threshold)``.
    min_lr : float, default 0.0
        The rate never goes below this.
    """

    def __init__(self, lr, factor=0.1, patience=10, threshold=1e-4, min_lr=0.0):
        self.lr = lr
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.min_lr = min_lr
        self.best = math.inf
        self.num_bad_steps = 0

    def step(self, metric):
        """Take one metric value (e.g. a validation loss); return the learning rate to use now.

        Parameters
        ----------
        metric : float
            The monitored quantity; smaller is better.

        Returns
        -------
        float
        """
        if metric < self.best - self.threshold:
            self.best = metric
            self.num_bad_steps = 0
        else:
            self.num_bad_steps += 1
        if self.num_bad_steps > self.patience:
            new_lr = max(self.lr * self.factor, self.min_lr)
            if self.lr - new_lr > 1e-8:
                self.lr = new_lr
            self.num_bad_steps = 0
        return float(self.lr)
