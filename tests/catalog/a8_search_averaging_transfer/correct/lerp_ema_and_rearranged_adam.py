"""EMA as a lerp with an update counter, Adam with the corrections rearranged, other idioms.

log_uniform via np.power, random_search unpacking each spec, grid_search zipping
itertools.product, near_boundary on a min distance to the edges, softmax with scipy-free
loops, EMA as avg + (1 - decay) * (p - avg), Adam with lr * sqrt(1 - b2^t) / (1 - b1^t) and
eps * sqrt(1 - b2^t), an epoch loss weighted by inputs.size(0), freeze_except in two passes,
replace_head with a factory dict.
"""
# %% cell: log_uniform_implementation
def log_uniform(low, high, size, rng):
    """10 to the power of a uniform exponent."""
    exponent = rng.uniform(math.log10(low), math.log10(high), size)
    return float(np.power(10.0, exponent)) if size is None else np.power(10.0, exponent)
# %% cell: random_search_implementation
def random_search(objective, space, n_trials, rng):
    """Random search with explicit branches."""
    history, best = [], None
    for _ in range(n_trials):
        params = {}
        for name in space:
            kind, *rest = space[name]
            if kind == "choice":
                (options,) = rest
                params[name] = options[rng.integers(len(options))]
            elif kind == "log":
                params[name] = log_uniform(rest[0], rest[1], None, rng)
            else:
                params[name] = rng.uniform(*rest)
        history.append((params, objective(params)))
        if best is None or history[-1][1] < best[1]:
            best = history[-1]
    return (best[0], best[1], history) if best else (None, math.inf, history)
# %% cell: grid_search_implementation
def grid_search(objective, grid):
    """Grid search over itertools.product."""
    keys = list(grid.keys())
    history = [
        (params, objective(params))
        for params in (dict(zip(keys, combo)) for combo in itertools.product(*grid.values()))
    ]
    best = None
    for params, score in history:
        if best is None or score < best[1]:
            best = (params, score)
    return (best[0], best[1], history) if best else (None, math.inf, history)
# %% cell: near_boundary_implementation
def near_boundary(value, low, high, log=True, frac=0.1):
    """Distance to the nearest edge, in fractions of the range."""
    if log:
        value, low, high = (math.log10(x) for x in (value, low, high))
    u = (value - low) / (high - low)
    return bool(min(u, 1 - u) <= frac) or u >= 1 - frac
# %% cell: ema_implementation
class EMA:
    """EMA as a lerp towards the new parameters."""

    def __init__(self, decay):
        self.decay = decay
        self.count = 0
        self.average = {}

    def update(self, params):
        """avg <- avg + (1 - decay) * (p - avg); the first call copies."""
        self.count += 1
        if self.count == 1:
            self.average = {k: np.array(v, copy=True) for k, v in params.items()}
        else:
            w = 1 - self.decay
            self.average = {k: a + w * (params[k] - a) for k, a in self.average.items()}
# %% cell: ensemble_implementation
def ensemble_predict_proba(logits_list):
    """Row by row stable softmax, averaged."""
    total = None
    for logits in logits_list:
        shifted = np.exp(logits - np.max(logits, axis=1)[:, None])
        probs = shifted / np.sum(shifted, axis=1)[:, None]
        total = probs if total is None else total + probs
    return total / len(logits_list)
# %% cell: scratch_adam_implementation
class ScratchAdam(torch.optim.Optimizer):
    """Adam with the bias corrections folded into lr and eps."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay})

    def step(self, closure=None):
        """One Adam step."""
        loss = closure() if closure is not None else None
        with torch.no_grad():
            for group in self.param_groups:
                b1, b2 = group["betas"]
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    g = p.grad + group["weight_decay"] * p
                    st = self.state[p]
                    st["t"] = st.get("t", 0) + 1
                    st["m"] = b1 * st.get("m", torch.zeros_like(p)) + (1 - b1) * g
                    st["v"] = b2 * st.get("v", torch.zeros_like(p)) + (1 - b2) * g * g
                    root = math.sqrt(1 - b2 ** st["t"])
                    alpha = group["lr"] * root / (1 - b1 ** st["t"])
                    p -= alpha * st["m"] / (st["v"].sqrt() + group["eps"] * root)
        return loss
# %% cell: train_one_epoch_implementation
def train_one_epoch(model, loader, optimizer, loss_fn):
    """One epoch, loss weighted by inputs.size(0)."""
    model.train(True)
    weighted, seen = 0.0, 0
    for inputs, targets in loader:
        optimizer.zero_grad()
        outputs = model(inputs)
        loss = loss_fn(outputs, targets)
        loss.backward()
        optimizer.step()
        weighted += float(loss.detach()) * inputs.size(0)
        seen += inputs.size(0)
    return weighted / seen
# %% cell: freeze_except_implementation
def freeze_except(model, trainable_prefix):
    """Freeze everything, then unfreeze the matches."""
    for p in model.parameters():
        p.requires_grad_(False)
    names = []
    for name, p in model.named_parameters():
        if name.startswith(trainable_prefix):
            p.requires_grad_(True)
            names.append(name)
    return names
# %% cell: replace_head_implementation
def replace_head(model, attr, n_classes):
    """Fresh head with the old weight's dtype and device."""
    old = getattr(model, attr)
    factory = {"dtype": old.weight.dtype, "device": old.weight.device}
    setattr(model, attr, nn.Linear(old.weight.shape[1], n_classes, bias=True, **factory))
    return model
