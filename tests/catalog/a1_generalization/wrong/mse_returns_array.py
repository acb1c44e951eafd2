"""mse: I return the squared errors with keepdims, an array of shape (1,), not a float.

loses: mse_matches_hand_values, mse_returns_float_and_matches_sklearn
message: return one Python float
"""


# %% cell: mse_implementation
def mse(y_true, y_pred):
    """Mean squared error."""
    return np.mean((y_true - y_pred) ** 2, keepdims=True)
