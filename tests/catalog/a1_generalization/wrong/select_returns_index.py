"""select_degree: I return np.argmin of the errors, the position in the list, not the degree.

loses: select_degree_picks_the_true_degree, select_degree_matches_cross_validation_argmin, select_degree_breaks_ties_toward_smaller_degree
message: not the degree itself
"""


# %% cell: select_degree_implementation
def select_degree(x, y, degrees, k):
    """Degree of smallest CV error."""
    errors = [cross_val_mse(x, y, degree, k) for degree in degrees]
    return int(np.argmin(errors))
