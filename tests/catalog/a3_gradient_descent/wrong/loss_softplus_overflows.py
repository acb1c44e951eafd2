"""logistic_loss: I use log(1 + e^z) - y z, but compute log(1 + e^z) literally.

loses: logistic_loss_is_finite_for_logits_of_1e4
message: overflow encountered in exp
"""
# %% cell: logistic_loss_implementation
def logistic_loss(w, X, y):
    """Mean binary cross-entropy of the logits X @ w against the labels y."""
    z = X @ w
    return float(np.mean(np.log(1.0 + np.exp(z)) - y * z))
