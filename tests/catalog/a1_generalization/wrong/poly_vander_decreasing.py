"""polynomial_features: np.vander(x, degree + 1), whose columns are in decreasing powers.

loses: polynomial_features_matches_hand_values, polynomial_features_matches_sklearn
message: decreasing order
"""


# %% cell: polynomial_features_implementation
def polynomial_features(x, degree):
    """Vandermonde matrix of x."""
    return np.vander(np.asarray(x, dtype=np.float64), degree + 1)
