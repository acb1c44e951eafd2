"""random_search: I draw the log parameters with rng.uniform(low, high) like the uniform ones.

loses: random_search_finds_the_minimum_of_a_quadratic, random_search_draws_match_twin_generator
message: drawn with rng.uniform(low, high) on the raw values
"""
# %% cell: random_search_implementation
def random_search(objective, space, n_trials, rng):
    """Minimize objective over random draws from space."""
    best_params, best_score, history = None, math.inf, []
    for _ in range(n_trials):
        params = {}
        for name, spec in space.items():
            if spec[0] in ("log", "uniform"):
                params[name] = rng.uniform(spec[1], spec[2])
            else:
                params[name] = spec[1][rng.integers(len(spec[1]))]
        score = objective(params)
        history.append((params, score))
        if best_params is None or score < best_score:
            best_params, best_score = params, score
    return best_params, best_score, history
