"""train_one_epoch: the model is in training mode by default, so I do not call model.train().

loses: train_one_epoch_sets_train_mode_and_clears_stale_gradients
message: model.train() was not called
"""
# %% cell: train_one_epoch_implementation
def train_one_epoch(model, loader, optimizer, loss_fn):
    """One epoch."""
    total, count = 0.0, 0
    for inputs, targets in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(inputs)
        count += len(inputs)
    return total / count
