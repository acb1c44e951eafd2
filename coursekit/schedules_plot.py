"""Record and draw the learning rates that ``torch.optim.lr_scheduler`` produces (chapter 6).

The schedules themselves are always PyTorch's; this module only steps them and writes
down the learning rate.  Convention, the same as in a training loop: the value for step
``t`` (``t = 0, 1, ...``) is the optimizer's learning rate *before* the ``t``-th call of
``scheduler.step()``, that is, the rate that optimizer step ``t`` uses::

    for t in range(steps):
        ...                      # forward, backward
        optimizer.step()         # uses lr[t]
        scheduler.step()         # moves on to lr[t + 1]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure

SchedulerFactory = Callable[[torch.optim.Optimizer], object]


@dataclass(frozen=True)
class ScheduleTrace:
    """The learning rate at every step, and optionally scheduler attributes.

    Attributes:
        lr: Shape ``(steps,)``: ``lr[t]`` is the rate used by optimizer step ``t``.
        attributes: Name -> array of the scheduler's attribute (e.g. ``"T_cur"``) read at
            the same moments as ``lr``.
    """

    lr: np.ndarray
    attributes: dict[str, np.ndarray] = field(default_factory=dict)


def trace_scheduler(
    make_scheduler: SchedulerFactory,
    steps: int,
    lr0: float = 0.1,
    metrics: Sequence[float] | None = None,
    attributes: Sequence[str] = (),
) -> ScheduleTrace:
    """Step a PyTorch scheduler ``steps`` times and record the learning rate.

    Args:
        make_scheduler: Builds the scheduler from an optimizer, e.g.
            ``lambda opt: torch.optim.lr_scheduler.StepLR(opt, 30, 0.1)``.
        steps: Number of steps to record.
        lr0: The optimizer's initial learning rate (``torch.optim.SGD`` on one dummy
            parameter).
        metrics: For ``ReduceLROnPlateau``: ``metrics[t]`` is passed to
            ``scheduler.step`` after step ``t``.
        attributes: Names of scheduler attributes to record along with the rate.
    """
    param = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([param], lr=lr0)
    scheduler = make_scheduler(optimizer)
    lr = np.empty(steps)
    recorded = {name: np.empty(steps) for name in attributes}
    for t in range(steps):
        lr[t] = optimizer.param_groups[0]["lr"]
        for name in attributes:
            recorded[name][t] = float(getattr(scheduler, name))
        optimizer.step()  # no gradient: the parameter does not move, the step counter does
        if metrics is None:
            scheduler.step()
        else:
            scheduler.step(metrics[t])
    return ScheduleTrace(lr=lr, attributes=recorded)


def max_abs_diff(a: np.ndarray, b: np.ndarray) -> float:
    """``max |a - b|`` over all entries (arrays of the same shape)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} and {b.shape}")
    return float(np.max(np.abs(a - b)))


def plot_schedule(
    ax: Axes,
    lr: np.ndarray,
    title: str,
    color: str = "tab:blue",
    log: bool = False,
    label: str | None = None,
) -> None:
    """One schedule as a step plot of the learning rate against the step number."""
    steps = np.arange(len(lr))
    ax.step(steps, lr, where="post", color=color, lw=1.6, label=label)
    if log:
        ax.set_yscale("log")
    ax.set_title(title)
    ax.set_xlabel("step $t$")
    ax.set_ylabel(r"learning rate $\eta_t$")
    ax.set_xlim(0, len(lr))


def schedule_grid(
    traces: Mapping[str, np.ndarray], ncols: int = 3, log: bool = False, size: float = 3.6
) -> tuple[Figure, np.ndarray]:
    """A grid of panels, one schedule each, all over the same steps and the same y-range.

    Returns:
        ``(figure, axes)``; unused panels are hidden.
    """
    n = len(traces)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(ncols * size * 1.25, nrows * size), sharex=True, sharey=True
    )
    axes = np.atleast_1d(axes).ravel()
    colors = plt.get_cmap("tab10").colors
    for k, (ax, (title, lr)) in enumerate(zip(axes, traces.items(), strict=False)):
        plot_schedule(ax, lr, title, color=colors[k % len(colors)], log=log)
        ax.tick_params(labelbottom=True, labelleft=True)
    for ax in axes[n:]:
        ax.set_visible(False)
    fig.tight_layout()
    return fig, axes
