"""train_one_epoch: I return the mean of the batch losses.

loses: train_one_epoch_weighted_mean_with_lr_zero, train_one_epoch_matches_reference_loop
message: plain mean of the batch losses
"""
# %% cell: train_one_epoch_implementation
def train_one_epoch(model, loader, optimizer, loss_fn):
    """One epoch."""
    model.train()
    losses = []
    for inputs, targets in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return float(np.mean(losses))
