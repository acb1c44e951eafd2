"""select_degree: I take degrees[np.argmin(errors)], so a tie goes to the first listed degree, not the smallest.

loses: select_degree_breaks_ties_toward_smaller_degree
message: FIRST degree in the list
"""


# %% cell: select_degree_implementation
def select_degree(x, y, degrees, k):
    """Degree of smallest CV error."""
    errors = [cross_val_mse(x, y, degree, k) for degree in degrees]
    return int(degrees[int(np.argmin(errors))])
