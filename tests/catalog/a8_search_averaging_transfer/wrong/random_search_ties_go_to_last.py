"""random_search: I update the best with <=, so a later equal score wins.

loses: random_search_history_fresh_dicts_and_first_best_on_ties
message: ties go to the first best
"""
# %% cell: random_search_implementation
def random_search(objective, space, n_trials, rng):
    """Minimize objective over random draws from space."""
    best_params, best_score, history = None, math.inf, []
    for _ in range(n_trials):
        params = {}
        for name, spec in space.items():
            if spec[0] == "log":
                params[name] = log_uniform(spec[1], spec[2], None, rng)
            elif spec[0] == "uniform":
                params[name] = rng.uniform(spec[1], spec[2])
            else:
                params[name] = spec[1][rng.integers(len(spec[1]))]
        score = objective(params)
        history.append((params, score))
        if score <= best_score:
            best_params, best_score = params, score
    return best_params, best_score, history
