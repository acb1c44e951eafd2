"""Shared plumbing for chapters 9 (hyperparameter search) and 10 (ensembles, averaging,
transfer).

- :func:`make_mlp` and :func:`fit_classifier` build and train the small digits networks
  the two chapters use everywhere (float32, one thread, seeded mini-batches).
- :func:`nll_and_accuracy` and :func:`mean_probabilities` score a model or a group of models.
- :func:`digits_validation_loss` turns a hyperparameter dict into the number a search
  minimizes: the validation cross-entropy after a short training run.
- :class:`TrialLog` and :func:`run_logged_trials` keep one JSON line per finished trial, so
  that a search can be stopped at any moment and resumed without repeating work.
- :func:`draw_with_projections` draws trials in a 2-D space together with their
  projections on each axis (the grid-versus-random picture of Bergstra and Bengio).
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure
from matplotlib.gridspec import SubplotSpec
from torch import nn

from coursekit.digits import ClassificationData

#: Score given to a run whose loss is not finite (diverged): twice the cross-entropy of
#: guessing uniformly among ten classes, so that a search ranks it last but a surrogate
#: model (chapter 9's Gaussian process) still gets a number.
DIVERGED_LOSS = 2 * math.log(10)


def make_mlp(n_in: int, n_hidden: int, n_out: int, seed: int, depth: int = 1) -> nn.Sequential:
    """``n_in -> n_hidden (ReLU) [-> n_hidden (ReLU)]* -> n_out``, initialized after
    ``torch.manual_seed(seed)``; ``depth`` counts the hidden layers."""
    torch.manual_seed(seed)
    layers: list[nn.Module] = []
    width = n_in
    for _ in range(depth):
        layers += [nn.Linear(width, n_hidden), nn.ReLU()]
        width = n_hidden
    layers.append(nn.Linear(width, n_out))
    return nn.Sequential(*layers)


def fit_classifier(
    model: nn.Module,
    X: torch.Tensor,
    y: torch.Tensor,
    *,
    lr: float,
    epochs: int,
    batch_size: int = 64,
    momentum: float = 0.9,
    weight_decay: float = 0.0,
    optimizer: str = "sgd",
    seed: int = 0,
    lr_at: Callable[[int], float] | None = None,
    after_step: Callable[[nn.Module], None] | None = None,
    after_epoch: Callable[[nn.Module, int], None] | None = None,
) -> list[float]:
    """Train ``model`` with cross-entropy on ``(X, y)`` in seeded mini-batches.

    Args:
        model: Any module mapping ``(m, d)`` inputs to ``(m, c)`` logits; trained in place.
        X, y: Training inputs (float32) and integer labels.
        lr, momentum, weight_decay: Settings of the optimizer.
        epochs, batch_size: Passes over the data and rows per update.
        optimizer: ``"sgd"`` (``torch.optim.SGD`` with ``momentum``) or ``"adam"``
            (``torch.optim.Adam``; ``momentum`` is then ignored).
        seed: Seed of the shuffling (the initialization is the model's own business).
        lr_at: Optional learning rate for each iteration number (0, 1, ...); replaces
            ``lr`` after the first iteration when given.
        after_step: Called with the model after every update (e.g. to update an average).
        after_epoch: Called with the model and the epoch number (1, 2, ...) after each epoch.

    Returns:
        The mean training loss of each epoch, computed from the mini-batch losses.  Training
        stops early, with ``inf`` appended, if the loss stops being finite.
    """
    trainable = [p for p in model.parameters() if p.requires_grad]
    if optimizer == "sgd":
        opt: torch.optim.Optimizer = torch.optim.SGD(
            trainable, lr=lr, momentum=momentum, weight_decay=weight_decay
        )
    elif optimizer == "adam":
        opt = torch.optim.Adam(trainable, lr=lr, weight_decay=weight_decay)
    else:
        raise ValueError(f"optimizer must be 'sgd' or 'adam', got {optimizer!r}")
    shuffler = torch.Generator().manual_seed(seed)
    n = len(X)
    epoch_losses: list[float] = []
    iteration = 0
    for epoch in range(1, epochs + 1):
        model.train()
        order = torch.randperm(n, generator=shuffler)
        summed = torch.zeros(())
        for start in range(0, n, batch_size):
            rows = order[start : start + batch_size]
            if lr_at is not None:
                for group in opt.param_groups:
                    group["lr"] = lr_at(iteration)
            opt.zero_grad(set_to_none=True)
            batch_loss = F.cross_entropy(model(X[rows]), y[rows])
            batch_loss.backward()
            opt.step()
            iteration += 1
            summed += batch_loss.detach() * len(rows)
            if after_step is not None:
                after_step(model)
        mean_loss = float(summed) / n
        if not math.isfinite(mean_loss):
            epoch_losses.append(math.inf)
            break
        epoch_losses.append(mean_loss)
        if after_epoch is not None:
            after_epoch(model, epoch)
    model.eval()
    return epoch_losses


def nll_and_accuracy(model: nn.Module, X: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
    """Mean cross-entropy (negative log-likelihood) and accuracy of ``model`` on ``(X, y)``,
    in evaluation mode and without gradients."""
    model.eval()
    with torch.no_grad():
        logits = model(X)
        return F.cross_entropy(logits, y).item(), (logits.argmax(1) == y).float().mean().item()


def mean_probabilities(models: Sequence[nn.Module], X: torch.Tensor) -> torch.Tensor:
    """Class probabilities averaged over ``models``, shape ``(m, c)`` (chapter 10's ensembles)."""
    with torch.no_grad():
        stacked = torch.stack([torch.softmax(m.eval()(X), dim=1) for m in models])
    return stacked.mean(0)


def probability_scores(probs: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
    """Negative log-likelihood and accuracy of given class probabilities."""
    nll = -torch.log(probs[torch.arange(len(y)), y].clamp_min(1e-12)).mean().item()
    return nll, (probs.argmax(1) == y).float().mean().item()


def digits_validation_loss(
    params: Mapping[str, Any],
    data: ClassificationData,
    epochs: int = 3,
    seed: int = 0,
) -> float:
    """Validation cross-entropy of a digits MLP trained with the hyperparameters ``params``.

    Recognised keys (all but ``lr`` optional): ``lr``, ``weight_decay`` (0),
    ``momentum`` (0.9), ``hidden`` (32 units), ``batch_size`` (64).  A run that diverges
    scores :data:`DIVERGED_LOSS`: a run whose validation loss is not finite or exceeds it.
    """
    unknown = set(params) - {"lr", "weight_decay", "momentum", "hidden", "batch_size"}
    if unknown:
        raise KeyError(f"unknown hyperparameters {sorted(unknown)}")
    model = make_mlp(data.n_features, int(params.get("hidden", 32)), data.n_classes, seed=seed)
    fit_classifier(
        model,
        data.X_train,
        data.y_train,
        lr=float(params["lr"]),
        epochs=epochs,
        batch_size=int(params.get("batch_size", 64)),
        momentum=float(params.get("momentum", 0.9)),
        weight_decay=float(params.get("weight_decay", 0.0)),
        seed=seed,
    )
    loss, _ = nll_and_accuracy(model, data.X_val, data.y_val)
    return loss if math.isfinite(loss) and loss < DIVERGED_LOSS else DIVERGED_LOSS


def _plain(value: Any) -> Any:
    """NumPy scalars as plain Python numbers, so that ``json`` can write them."""
    return value.item() if isinstance(value, np.generic) else value


class TrialLog:
    """A search's finished trials, one JSON object per line in a file.

    Each line is ``{"trial": i, "params": {...}, "score": s, "seconds": t}``.  A line is
    written (and flushed) only after its trial has finished, so an interrupted search loses
    at most the trial that was running; a last line cut off by a crash is ignored on reading.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def records(self) -> list[dict[str, Any]]:
        """The finished trials in the order they were written (empty if no file yet)."""
        if not self.path.exists():
            return []
        found = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                found.append(json.loads(line))
            except json.JSONDecodeError:
                continue  # a line half-written when the process was killed
        return found

    def append(self, record: Mapping[str, Any]) -> None:
        """Write one finished trial as a line and flush it to disk.

        If the file ends in a line cut off by a crash, the record starts on a new line, so
        that the broken line stays the only casualty.
        """
        broken_end = False
        if self.path.exists() and self.path.stat().st_size > 0:
            with self.path.open("rb") as f:
                f.seek(-1, 2)
                broken_end = f.read(1) != b"\n"
        with self.path.open("a", encoding="utf-8") as f:
            f.write(("\n" if broken_end else "") + json.dumps(dict(record)) + "\n")
            f.flush()


def run_logged_trials(
    objective: Callable[[dict[str, Any]], float],
    candidates: Sequence[Mapping[str, Any]],
    path: str | Path,
    max_new: int | None = None,
) -> list[dict[str, Any]]:
    """Evaluate ``objective`` on each candidate not yet in the log at ``path``.

    The candidates must be a fixed, reproducible list (e.g. from a seeded
    ``sklearn.model_selection.ParameterSampler``): trial ``i`` is ``candidates[i]``, and a
    trial already in the log is skipped.  If the log holds other parameters for trial ``i``
    than the list does, the search space has changed and a ``ValueError`` is raised rather
    than mixing two searches in one file.

    Args:
        objective: Maps a parameter dict to a score (lower is better).
        candidates: The parameter dicts of all trials, in order.
        path: The JSON-lines log; created if missing.
        max_new: Stop after this many new trials (``None``: run all that are missing), which
            is how the book simulates an interruption.

    Returns:
        All records in the log after this call, ordered by trial number.
    """
    log = TrialLog(path)
    done = {r["trial"]: r for r in log.records()}
    for i, record in done.items():
        wanted = {k: _plain(v) for k, v in candidates[i].items()} if i < len(candidates) else None
        if wanted != record["params"]:
            raise ValueError(
                f"trial {i} in {log.path} was run with {record['params']}, but the candidate "
                f"list now says {wanted}: the search space changed, start a new log file"
            )
    started = 0
    for i, params in enumerate(candidates):
        if i in done:
            continue
        if max_new is not None and started >= max_new:
            break
        plain = {k: _plain(v) for k, v in params.items()}
        t0 = time.perf_counter()
        score = float(objective(plain))
        record = {
            "trial": i,
            "params": plain,
            "score": score,
            "seconds": round(time.perf_counter() - t0, 4),
        }
        log.append(record)
        done[i] = record
        started += 1
    return [done[i] for i in sorted(done)]


def draw_with_projections(
    fig: Figure,
    spec: SubplotSpec,
    points: np.ndarray,
    important: Callable[[np.ndarray], np.ndarray],
    unimportant: Callable[[np.ndarray], np.ndarray],
    title: str,
) -> None:
    """Trials in the unit square, with the two parts of the objective drawn along the axes.

    The objective is ``important(x) + unimportant(y)``.  The main panel shows its contours
    and the trial points; the panel above shows ``important(x)`` with the x-values the
    trials tried, the panel at the right ``unimportant(y)`` with the tried y-values.

    Args:
        fig: The figure.
        spec: The part of the figure's grid to fill (e.g. ``gridspec[0, 0]``).
        points: Trial points, shape ``(n, 2)``, in ``[0, 1]^2``.
        important, unimportant: The two one-dimensional parts of the objective.
        title: Title above the top panel.
    """
    inner = spec.subgridspec(
        2, 2, width_ratios=[4, 1], height_ratios=[1, 4], wspace=0.12, hspace=0.05
    )
    main = fig.add_subplot(inner[1, 0])
    top = fig.add_subplot(inner[0, 0], sharex=main)
    right = fig.add_subplot(inner[1, 1], sharey=main)
    grid = np.linspace(0, 1, 200)
    gx, gy = np.meshgrid(grid, grid)
    main.contourf(gx, gy, important(gx) + unimportant(gy), levels=14, cmap="Greens", alpha=0.8)
    main.plot(points[:, 0], points[:, 1], "o", color="k", ms=6)
    main.set(xlabel="important hyperparameter", ylabel="unimportant hyperparameter")
    main.set(xlim=(0, 1), ylim=(0, 1))
    top.plot(grid, important(grid), color="tab:green", lw=2)
    top.plot(points[:, 0], important(points[:, 0]), "o", color="k", ms=4)
    top.tick_params(labelbottom=False)
    top.set_title(f"{title}: {len(np.unique(points[:, 0].round(6)))} distinct values")
    right.plot(unimportant(grid), grid, color="tab:orange", lw=2)
    right.plot(unimportant(points[:, 1]), points[:, 1], "o", color="k", ms=4)
    right.tick_params(labelleft=False)
    right.set_xlim(top.get_ylim())
