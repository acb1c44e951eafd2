"""train_one_epoch: I never call optimizer.zero_grad().

loses: train_one_epoch_matches_reference_loop, train_one_epoch_sets_train_mode_and_clears_stale_gradients
message: gradients accumulate
"""
# %% cell: train_one_epoch_implementation
def train_one_epoch(model, loader, optimizer, loss_fn):
    """One epoch."""
    model.train()
    total, count = 0.0, 0
    for inputs, targets in loader:
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(inputs)
        count += len(inputs)
    return total / count
