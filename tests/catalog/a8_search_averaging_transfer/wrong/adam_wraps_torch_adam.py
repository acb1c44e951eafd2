"""ScratchAdam: I keep a torch.optim.Adam inside and call its step.

loses: scratch_adam_param_groups_none_grads_and_state, scratch_adam_does_not_delegate_to_torch_adam
message: delegates to torch
"""
# %% cell: scratch_adam_implementation
class ScratchAdam(torch.optim.Optimizer):
    """Adam via torch's."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay})
        self.inner = torch.optim.Adam(self.param_groups, foreach=False)

    def step(self, closure=None):
        """One Adam step."""
        return self.inner.step(closure)
