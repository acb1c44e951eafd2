"""freeze_except: I only set requires_grad = False on the others; the matches are trainable anyway.

loses: freeze_except_sets_requires_grad_both_ways
message: set requires_grad both ways
"""
# %% cell: freeze_except_implementation
def freeze_except(model, trainable_prefix):
    """Freeze all but the prefix."""
    names = []
    for name, p in model.named_parameters():
        if name.startswith(trainable_prefix):
            names.append(name)
        else:
            p.requires_grad = False
    return names
