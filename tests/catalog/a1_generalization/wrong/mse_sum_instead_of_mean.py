"""mse: I return the sum of the squared errors.

loses: mse_matches_hand_values, mse_returns_float_and_matches_sklearn, cross_val_mse_matches_hand_example
message: SUM of the squared errors
"""


# %% cell: mse_implementation
def mse(y_true, y_pred):
    """Squared error."""
    return float(np.sum((y_true - y_pred) ** 2))
