"""polynomial_features: my columns are x, x ** 2, ..., x ** degree (no column of ones).

loses: polynomial_features_matches_hand_values, polynomial_features_matches_sklearn, cross_val_mse_matches_hand_example, select_degree_picks_the_true_degree
message: bias column is missing
"""


# %% cell: polynomial_features_implementation
def polynomial_features(x, degree):
    """Columns x ** 1, ..., x ** degree."""
    x = np.asarray(x, dtype=np.float64)
    return (
        np.column_stack([x**j for j in range(1, degree + 1)])
        if degree > 0
        else np.ones((len(x), 0))
    )
