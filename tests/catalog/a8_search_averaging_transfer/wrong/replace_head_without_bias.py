"""replace_head: I create the new head with bias=False.

loses: replace_head_gives_a_new_linear, replace_head_fresh_with_dtype_device_and_bias
message: must have a bias
"""
# %% cell: replace_head_implementation
def replace_head(model, attr, n_classes):
    """New head."""
    old = getattr(model, attr)
    setattr(model, attr, nn.Linear(old.in_features, n_classes, bias=False, dtype=old.weight.dtype, device=old.weight.device))
    return model
