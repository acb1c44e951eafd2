"""Train several small networks side by side and measure how sharp their minima are.

Chapter 4's sharp-versus-flat experiment trains the same one-hidden-layer ReLU network
from several seeds.  To keep the page fast the seeds are trained *together*: member
``k`` of an :class:`MLPStack` holds exactly the weights that
``nn.Sequential(nn.Linear(d, h), nn.ReLU(), nn.Linear(h, c))`` gets after
``torch.manual_seed(seeds[k])``, sees its own shuffled mini-batches, and is updated by
``torch.optim.SGD`` exactly as it would be alone; only the arithmetic is batched
(``torch.baddbmm``).  :meth:`MLPStack.member` hands back one member as an ordinary
``nn.Sequential``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


@dataclass
class MLPStack:
    """``K`` networks ``d -> h -> c`` (ReLU) stored as stacked tensors.

    Shapes: ``W1 (K, d, h)``, ``b1 (K, 1, h)``, ``W2 (K, h, c)``, ``b2 (K, 1, c)``.  The
    weights are stored transposed with respect to ``nn.Linear.weight`` so that a forward
    pass is two batched matrix products.
    """

    W1: torch.Tensor
    b1: torch.Tensor
    W2: torch.Tensor
    b2: torch.Tensor

    @classmethod
    def init(cls, seeds: Sequence[int], d: int, h: int, c: int) -> MLPStack:
        """One member per seed, initialized exactly like ``nn.Linear`` after ``manual_seed``."""
        members = []
        for seed in seeds:
            torch.manual_seed(seed)
            first, second = nn.Linear(d, h), nn.Linear(h, c)
            members.append((first.weight.T, first.bias[None], second.weight.T, second.bias[None]))
        stacked = [torch.stack([m[i].detach() for m in members]).clone() for i in range(4)]
        return cls(*stacked)

    @property
    def size(self) -> int:
        """Number of members ``K``."""
        return self.W1.shape[0]

    def parameters(self) -> list[torch.Tensor]:
        return [self.W1, self.b1, self.W2, self.b2]

    def logits(self, X: torch.Tensor) -> torch.Tensor:
        """Outputs of every member, shape ``(K, m, c)``; ``X`` is ``(m, d)`` or ``(K, m, d)``."""
        if X.dim() == 2:
            X = X.expand(self.size, -1, -1)
        hidden = torch.relu(torch.baddbmm(self.b1, X, self.W1))
        return torch.baddbmm(self.b2, hidden, self.W2)

    def losses(self, X: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Mean cross-entropy of each member on ``(X, y)``, shape ``(K,)`` (no gradient)."""
        with torch.no_grad():
            out = self.logits(X)
            per_example = F.cross_entropy(
                out.reshape(-1, out.shape[-1]), y.repeat(self.size), reduction="none"
            )
            return per_example.reshape(self.size, -1).mean(dim=1)

    def accuracies(self, X: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Share of correctly classified rows, per member, shape ``(K,)``."""
        with torch.no_grad():
            return (self.logits(X).argmax(dim=-1) == y).float().mean(dim=1)

    def member(self, k: int) -> nn.Sequential:
        """Member ``k`` as a standard ``nn.Sequential`` (a copy)."""
        d, h = self.W1.shape[1:]
        c = self.W2.shape[2]
        model = nn.Sequential(nn.Linear(d, h), nn.ReLU(), nn.Linear(h, c))
        with torch.no_grad():
            model[0].weight.copy_(self.W1[k].T)
            model[0].bias.copy_(self.b1[k, 0])
            model[2].weight.copy_(self.W2[k].T)
            model[2].bias.copy_(self.b2[k, 0])
        return model

    def detached(self) -> MLPStack:
        """A copy without autograd history."""
        return MLPStack(*(p.detach().clone() for p in self.parameters()))

    def rescaled(self, alpha: float) -> MLPStack:
        """The same functions with the first layer times ``alpha``, the second divided by it.

        Because ``relu(alpha * z) = alpha * relu(z)`` for ``alpha > 0``, every member computes
        exactly the same outputs (up to rounding); only the parametrization changes
        (Dinh et al., 2017).
        """
        if alpha <= 0:
            raise ValueError("alpha must be positive")
        p = self.detached()
        return MLPStack(p.W1 * alpha, p.b1 * alpha, p.W2 / alpha, p.b2.clone())


@dataclass(frozen=True)
class TrainResult:
    """What :func:`train_to_loss` returns: the trained stack and, per member, the
    number of SGD steps it took and whether it reached the target loss."""

    stack: MLPStack
    steps: np.ndarray
    reached: np.ndarray


def train_to_loss(
    seeds: Sequence[int],
    X: torch.Tensor,
    y: torch.Tensor,
    batch_size: int,
    lr: float,
    target_loss: float,
    hidden: int = 64,
    check_every: int = 25,
    max_steps: int = 20_000,
) -> TrainResult:
    """Plain SGD (``torch.optim.SGD``, constant ``lr``) until the training loss is small.

    Member ``k`` starts from the initialization of seed ``seeds[k]`` and shuffles the
    data every epoch with its own ``torch.Generator`` seeded with ``seeds[k]``.  Every
    ``check_every`` steps the full training loss of each member is computed; a member
    whose loss is below ``target_loss`` is frozen (its loss no longer enters the sum that
    is differentiated, so plain SGD leaves it unchanged).  Training ends when every
    member is frozen or after ``max_steps`` steps.
    """
    n, d = X.shape
    c = int(y.max()) + 1
    stack = MLPStack.init(seeds, d, hidden, c)
    params = stack.parameters()
    for p in params:
        p.requires_grad_(True)
    optimizer = torch.optim.SGD(params, lr=lr)
    gens = [torch.Generator().manual_seed(int(s)) for s in seeds]
    K = len(seeds)
    active = torch.ones(K)
    steps = np.zeros(K, dtype=np.int64)
    step = 0
    while step < max_steps and bool(active.any()):
        perms = torch.stack([torch.randperm(n, generator=g) for g in gens])
        for idx in perms.split(batch_size, dim=1):
            optimizer.zero_grad()
            out = stack.logits(X[idx])
            per_member = F.cross_entropy(
                out.reshape(-1, c), y[idx].reshape(-1), reduction="none"
            ).reshape(K, -1)
            (per_member.mean(dim=1) * active).sum().backward()
            optimizer.step()
            steps += active.numpy().astype(np.int64)
            step += 1
            if step % check_every == 0:
                active = (stack.losses(X, y) >= target_loss).float()
                if not bool(active.any()):
                    break
            if step >= max_steps:
                break
    reached = (stack.losses(X, y) < target_loss).numpy()
    return TrainResult(stack=stack.detached(), steps=steps, reached=reached)


def _per_member_norm(t: torch.Tensor) -> torch.Tensor:
    """The Euclidean norm of each member's slice of ``t``, shaped to broadcast against it."""
    return t.flatten(1).norm(dim=1).reshape(-1, *([1] * (t.dim() - 1)))


def perturbation_sharpness(
    stack: MLPStack,
    X: torch.Tensor,
    y: torch.Tensor,
    radii: Sequence[float],
    n_draws: int = 20,
    seed: int = 0,
    relative: bool = True,
) -> np.ndarray:
    """Mean increase of the loss on ``(X, y)`` under random perturbations of the weights.

    For each radius ``r`` and each of ``n_draws`` draws, a standard normal direction ``u``
    (from a ``torch.Generator`` seeded with ``seed``, the same directions for every
    member and radius) is added to every member's parameters:

    - ``relative=True``: each tensor ``theta_l`` (``W1``, ``b1``, ``W2``, ``b2``) moves
      by ``r * |theta_l| * u_l / |u_l|``, a step of relative size ``r`` per layer, which
      does not change when a layer is rescaled;
    - ``relative=False``: all parameters move together by ``r * u / |u|``, a step of
      absolute length ``r``.

    Returns:
        Array ``(K, len(radii))``: ``mean over draws of L(theta + delta) - L(theta)``.
    """
    base = stack.detached()
    base_loss = base.losses(X, y)
    gen = torch.Generator().manual_seed(seed)
    directions = [
        [torch.randn(p.shape, generator=gen) for p in base.parameters()] for _ in range(n_draws)
    ]
    out = np.zeros((base.size, len(radii)))
    for j, r in enumerate(radii):
        total = torch.zeros(base.size)
        for u in directions:
            if relative:
                deltas = [
                    r * _per_member_norm(p) * ui / _per_member_norm(ui)
                    for p, ui in zip(base.parameters(), u, strict=True)
                ]
            else:
                joint = torch.sqrt(sum(_per_member_norm(ui).flatten() ** 2 for ui in u))
                deltas = [r * ui / joint.reshape(-1, *([1] * (ui.dim() - 1))) for ui in u]
            moved = MLPStack(*(p + dp for p, dp in zip(base.parameters(), deltas, strict=True)))
            total += moved.losses(X, y) - base_loss
        out[:, j] = (total / n_draws).numpy()
    return out
