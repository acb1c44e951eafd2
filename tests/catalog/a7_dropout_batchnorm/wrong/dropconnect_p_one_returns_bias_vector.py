"""DropConnect: with p == 1 I return b itself, not broadcast to the output shape.

loses: dropconnect_linear_small_example, dropconnect_linear_eval_p0_p1_without_drawing
message: shape (5, 3)
"""
# %% cell: dropconnect_linear_implementation
def dropconnect_linear(x, W, b, p, training, rng):
    """DropConnect linear layer."""
    if not training or p == 0:
        return x @ W + b
    if p == 1:
        return b.copy()
    mask = (rng.random(W.shape) >= p) / (1 - p)
    return x @ (W * mask) + b
