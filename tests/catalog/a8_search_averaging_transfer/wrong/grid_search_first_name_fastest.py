"""grid_search: my nested loops make the first name vary fastest.

loses: grid_search_two_by_three, grid_search_product_order_and_first_best_on_ties
message: the first name varies fastest
"""
# %% cell: grid_search_implementation
def grid_search(objective, grid):
    """Minimize objective over all combinations of grid."""
    names = list(grid)
    best_params, best_score, history = None, math.inf, []
    for values in itertools.product(*(grid[n] for n in reversed(names))):
        params = dict(zip(reversed(names), values))
        params = {n: params[n] for n in names}
        score = objective(params)
        history.append((params, score))
        if best_params is None or score < best_score:
            best_params, best_score = params, score
    return best_params, best_score, history
