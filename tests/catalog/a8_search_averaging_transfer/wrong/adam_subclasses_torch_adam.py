"""ScratchAdam: I inherit from torch.optim.Adam, which already does everything.

loses: scratch_adam_does_not_delegate_to_torch_adam
message: inherits from torch.optim.Adam
"""
# %% cell: scratch_adam_implementation
class ScratchAdam(torch.optim.Adam):
    """Adam."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=False)
