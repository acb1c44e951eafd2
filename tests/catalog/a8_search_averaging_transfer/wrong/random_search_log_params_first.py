"""random_search: in each trial I draw all the log parameters first, then the others.

loses: random_search_draws_match_twin_generator
message: grouped by kind
"""
# %% cell: random_search_implementation
def random_search(objective, space, n_trials, rng):
    """Minimize objective over random draws from space."""
    best_params, best_score, history = None, math.inf, []
    order = [n for n in space if space[n][0] == "log"] + [n for n in space if space[n][0] == "uniform"]
    order += [n for n in space if space[n][0] == "choice"]
    for _ in range(n_trials):
        drawn = {}
        for name in order:
            kind, *args = space[name]
            if kind == "log":
                drawn[name] = log_uniform(args[0], args[1], None, rng)
            elif kind == "uniform":
                drawn[name] = rng.uniform(args[0], args[1])
            else:
                drawn[name] = args[0][rng.integers(len(args[0]))]
        params = {name: drawn[name] for name in space}
        score = objective(params)
        history.append((params, score))
        if best_params is None or score < best_score:
            best_params, best_score = params, score
    return best_params, best_score, history
