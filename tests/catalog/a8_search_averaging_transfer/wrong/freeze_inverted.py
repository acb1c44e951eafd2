"""freeze_except: I freeze the parameters that match the prefix.

loses: freeze_except_trains_only_the_head, freeze_except_sets_requires_grad_both_ways
message: inverted
"""
# %% cell: freeze_except_implementation
def freeze_except(model, trainable_prefix):
    """Freeze all but the prefix."""
    names = []
    for name, p in model.named_parameters():
        p.requires_grad = not name.startswith(trainable_prefix)
        if p.requires_grad:
            names.append(name)
    return names
