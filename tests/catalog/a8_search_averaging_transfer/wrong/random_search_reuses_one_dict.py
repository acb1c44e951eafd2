"""random_search: I fill the same params dict in every trial.

loses: random_search_finds_the_minimum_of_a_quadratic, random_search_draws_match_twin_generator, random_search_history_fresh_dicts_and_first_best_on_ties
message: build a new params dict for each trial
"""
# %% cell: random_search_implementation
def random_search(objective, space, n_trials, rng):
    """Minimize objective over random draws from space."""
    best_params, best_score, history = None, math.inf, []
    params = {}
    for _ in range(n_trials):
        for name, spec in space.items():
            if spec[0] == "log":
                params[name] = log_uniform(spec[1], spec[2], None, rng)
            elif spec[0] == "uniform":
                params[name] = rng.uniform(spec[1], spec[2])
            else:
                params[name] = spec[1][rng.integers(len(spec[1]))]
        score = objective(params)
        history.append((params, score))
        if best_params is None or score < best_score:
            best_params, best_score = params, score
    return best_params, best_score, history
