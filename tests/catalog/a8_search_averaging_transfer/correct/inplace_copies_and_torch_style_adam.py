"""In-place updates on own copies, torch-style Adam (lerp_, addcmul_, addcdiv_), other idioms.

log_uniform through ln and exp (the same distribution and draw), random_search with a sampler
table, grid_search by recursion, near_boundary with math.log10, a log-sum-exp softmax, EMA with
np.copy and in-place updates, Adam with lerp_/addcmul_/addcdiv_ and the bias corrections folded
into the step size, a tensor-accumulated epoch loss, freeze_except with a comprehension.
"""
# %% cell: log_uniform_implementation
def log_uniform(low, high, size, rng):
    """Log-uniform draw: exp of a uniform draw between ln(low) and ln(high)."""
    return np.exp(rng.uniform(np.log(low), np.log(high), size))
# %% cell: random_search_implementation
_SAMPLERS = {
    "log": lambda spec, rng: log_uniform(spec[1], spec[2], None, rng),
    "uniform": lambda spec, rng: rng.uniform(spec[1], spec[2]),
    "choice": lambda spec, rng: spec[1][rng.integers(len(spec[1]))],
}


def random_search(objective, space, n_trials, rng):
    """Random search: a sampler per kind, names in the dict's order."""
    history = []
    for _ in range(n_trials):
        params = {name: _SAMPLERS[spec[0]](spec, rng) for name, spec in space.items()}
        history.append((params, objective(params)))
    if not history:
        return None, math.inf, []
    best = min(range(len(history)), key=lambda i: history[i][1])  # min keeps the first on ties
    return history[best][0], history[best][1], history
# %% cell: grid_search_implementation
def _combinations(names, grid):
    if not names:
        yield {}
        return
    for value in grid[names[0]]:
        for rest in _combinations(names[1:], grid):
            yield {names[0]: value, **rest}


def grid_search(objective, grid):
    """Grid search by recursion (first name outermost, as itertools.product)."""
    best_params, best_score, history = None, math.inf, []
    for params in _combinations(list(grid), grid):
        score = objective(params)
        history.append((params, score))
        if best_params is None or score < best_score:
            best_params, best_score = params, score
    return best_params, best_score, history
# %% cell: near_boundary_implementation
def near_boundary(value, low, high, log=True, frac=0.1):
    """Edge test with math.log10."""
    f = math.log10 if log else float
    u = (f(value) - f(low)) / (f(high) - f(low))
    return not (frac < u < 1 - frac)
# %% cell: ema_implementation
class EMA:
    """EMA with its own copies, updated in place."""

    def __init__(self, decay):
        self.decay = decay
        self.average = {}
        self._started = False

    def update(self, params):
        """First call copies; later ones update the copies in place."""
        if not self._started:
            self.average = {k: np.copy(v) for k, v in params.items()}
            self._started = True
            return
        for k, v in params.items():
            self.average[k] *= self.decay
            self.average[k] += (1 - self.decay) * v
# %% cell: ensemble_implementation
def ensemble_predict_proba(logits_list):
    """Mean of softmax via log-sum-exp."""
    z = np.stack([np.asarray(x, dtype=np.float64) for x in logits_list])
    zmax = z.max(axis=-1, keepdims=True)
    log_norm = zmax + np.log(np.exp(z - zmax).sum(axis=-1, keepdims=True))
    return np.exp(z - log_norm).mean(axis=0)
# %% cell: scratch_adam_implementation
class ScratchAdam(torch.optim.Optimizer):
    """Adam in torch's own style: lerp_, addcmul_, addcdiv_."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self, closure=None):
        """One step; returns closure() when given."""
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                grad = p.grad.add(p, alpha=group["weight_decay"]) if group["weight_decay"] else p.grad
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = torch.tensor(0.0)
                    state["exp_avg"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                    state["exp_avg_sq"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                state["step"] += 1
                t = state["step"].item()
                state["exp_avg"].lerp_(grad, 1 - beta1)
                state["exp_avg_sq"].mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
                step_size = group["lr"] / (1 - beta1**t)
                denom = (state["exp_avg_sq"].sqrt() / math.sqrt(1 - beta2**t)).add_(group["eps"])
                p.addcdiv_(state["exp_avg"], denom, value=-step_size)
        return loss
# %% cell: train_one_epoch_implementation
def train_one_epoch(model, loader, optimizer, loss_fn):
    """One epoch; the weighted loss sum is accumulated as a detached tensor."""
    model.train()
    total, n = None, 0
    for x, y in loader:
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        part = loss.detach() * x.shape[0]
        total = part if total is None else total + part
        n += x.shape[0]
    return (total / n).item()
# %% cell: freeze_except_implementation
def freeze_except(model, trainable_prefix):
    """Comprehension over named_parameters()."""
    named = list(model.named_parameters())
    for name, p in named:
        p.requires_grad = name.startswith(trainable_prefix)
    return [name for name, p in named if p.requires_grad]
# %% cell: replace_head_implementation
def replace_head(model, attr, n_classes):
    """New head built on the CPU in float64, then moved like the old weight."""
    old = getattr(model, attr)
    head = nn.Linear(old.in_features, n_classes).to(old.weight)
    setattr(model, attr, head)
    return model
