"""ScratchAdam: I use m and v directly, without bias correction.

loses: scratch_adam_first_step_is_lr_times_sign, scratch_adam_matches_torch_adam_on_mlp, scratch_adam_param_groups_none_grads_and_state
message: missing bias correction
"""
# %% cell: scratch_adam_implementation
class ScratchAdam(torch.optim.Optimizer):
    """Adam written with tensor operations."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay})

    @torch.no_grad()
    def step(self, closure=None):
        """One Adam step."""
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            lr, eps, wd = group["lr"], group["eps"], group["weight_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if not state:
                    state["step"] = 0
                    state["m"] = torch.zeros_like(p)
                    state["v"] = torch.zeros_like(p)
                state["step"] += 1
                t = state["step"]
                g = p.grad + wd * p
                state["m"] = beta1 * state["m"] + (1 - beta1) * g
                state["v"] = beta2 * state["v"] + (1 - beta2) * g * g
                p.sub_(lr * state["m"] / (state["v"].sqrt() + eps))
