"""select_degree: I keep a degree whenever its error is <= the best so far, so ties go to the larger one.

loses: select_degree_breaks_ties_toward_smaller_degree
message: LARGER degree
"""


# %% cell: select_degree_implementation
def select_degree(x, y, degrees, k):
    """Degree of smallest CV error."""
    best_degree, best_error = None, np.inf
    for degree in sorted(degrees):
        error = cross_val_mse(x, y, degree, k)
        if error <= best_error:
            best_degree, best_error = degree, error
    return int(best_degree)
