"""Matplotlib helpers with one consistent style for the book's figures."""

from __future__ import annotations

import re
from collections.abc import Mapping

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from coursekit.surfaces import Surface
from coursekit.trajectories import losses

#: One colour per optimizer, the same on every page.
COLORS: dict[str, str] = {
    "SGD": "#1f77b4",
    "Momentum": "#ff7f0e",
    "Nesterov": "#2ca02c",
    "Adagrad": "#d62728",
    "Adadelta": "#9467bd",
    "RMSprop": "#8c564b",
    "Adam": "#e377c2",
    "AdamW": "#7f7f7f",
    "Newton": "#000000",
    "L-BFGS": "#17becf",
}

_EXTRA_COLORS = ["#bcbd22", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173"]


def color_for(name: str, index: int = 0) -> str:
    """The book's colour for an optimizer name (its first word), else a spare colour.

    ``"Adam, lr = 0.1"`` and ``"Adam (β₁ = 0)"`` both get Adam's colour; unknown names get
    the spare colour number ``index``.
    """
    key = name.replace(",", " ").replace("(", " ").split(" ")[0]
    return COLORS.get(key, _EXTRA_COLORS[index % len(_EXTRA_COLORS)])


def distinct_colors(names: list[str]) -> list[str]:
    """Colours for several curves in one plot: the book's colour where it is still free,
    otherwise the next spare colour, so that no two curves share one."""
    used: set[str] = set()
    out: list[str] = []
    spare = iter(_EXTRA_COLORS * 4)
    for name in names:
        color = color_for(name)
        if color in used or color in _EXTRA_COLORS:
            color = next(c for c in spare if c not in used)
        used.add(color)
        out.append(color)
    return out


_TEX_SYMBOLS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "eta": "η", "theta": "θ", "lambda": "λ", "mu": "μ", "rho": "ρ", "sigma": "σ", "tau": "τ",
    "nabla": "∇", "ell": "ℓ", "star": "*", "cdot": "·", "times": "×", "infty": "∞",
    "approx": "≈", "leq": "≤", "geq": "≥", "sqrt": "√", "log": "log", "exp": "exp",
}  # fmt: skip


def plain_text(label: str) -> str:
    """A Matplotlib label without mathtext markup (``$f(\\theta_t)$`` -> ``f(θ_t)``)."""
    if "$" not in label:
        return label
    text = label.replace("$", "")
    text = re.sub(r"\\([A-Za-z]+)", lambda m: _TEX_SYMBOLS.get(m.group(1), m.group(1)), text)
    return re.sub(r"[{}\\]", "", text)


def describe_figure(fig: Figure) -> str:
    """A plain-text description of a figure from its titles and axis labels (for alt text)."""
    parts = []
    suptitle = fig._suptitle.get_text().strip() if fig._suptitle is not None else ""
    if suptitle:
        parts.append(suptitle)
    for ax in fig.axes:
        title = ax.get_title().strip() or ax.get_title(loc="left").strip()
        labels = [
            f"{axis}: {text}"
            for axis, text in (("x", ax.get_xlabel().strip()), ("y", ax.get_ylabel().strip()))
            if text
        ]
        if title or labels:
            parts.append(title + (f" ({'; '.join(labels)})" if labels else ""))
    return plain_text(". ".join(p.strip() for p in parts if p.strip())) or "Figure"


def _png_with_description(fig: Figure) -> str | None:
    """IPython's PNG output for a figure, with :func:`describe_figure` in its Description."""
    from IPython.core.pylabtools import print_figure

    if not fig.axes and not fig.lines:
        return None
    return print_figure(fig, fmt="png", base64=True, metadata={"Description": describe_figure(fig)})


def _register_png_alt_text() -> None:
    """Make figures shown in a notebook carry their description (the book turns it into alt)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    # Load the inline backend now: loading it (lazily, at the first figure) re-registers
    # IPython's own PNG formatter over ours.
    plt.switch_backend(matplotlib.get_backend())
    formatter = shell.display_formatter.formatters["image/png"]
    formatter.for_type(Figure, _png_with_description)


def setup_style() -> None:
    """Set the book-wide Matplotlib defaults (size, grid, font sizes).

    In a notebook it also makes every figure's PNG carry a text description (titles and axis
    labels), which the book's Sphinx extension uses as the image's alt text.
    """
    _register_png_alt_text()
    plt.rcParams.update(
        {
            "figure.figsize": (7.0, 4.2),
            "figure.dpi": 100,
            "savefig.dpi": 100,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.titlesize": 11,
            "axes.labelsize": 10,
            "legend.fontsize": 8.5,
            "legend.framealpha": 0.85,
        }
    )


def plot_surface(
    ax: Axes,
    surface: Surface,
    n_levels: int = 18,
    n: int = 200,
    xlim: tuple[float, float] | None = None,
    ylim: tuple[float, float] | None = None,
) -> None:
    """Contour lines of ``surface`` at log-spaced heights above its minimum.

    Log-spaced levels show the narrow floor of a valley and its steep walls in one
    picture; minima are marked with a star and saddle points with an ``X``.  The window
    is the surface's own unless ``xlim`` / ``ylim`` are given.
    """
    xlim = xlim or surface.xlim
    ylim = ylim or surface.ylim
    x, y, z = surface.grid(n, xlim, ylim)
    gap = z - surface.f_min
    lo = max(float(np.percentile(gap, 0.5)), 1e-3)
    hi = float(gap.max())
    levels = surface.f_min + np.logspace(np.log10(lo), np.log10(hi), n_levels)
    ax.contour(x, y, z, levels=levels, cmap="Greys_r", linewidths=0.7, alpha=0.55)
    for i, (mx, my) in enumerate(surface.minima):
        ax.plot(
            mx,
            my,
            marker="*",
            ms=13,
            color="gold",
            mec="k",
            ls="none",
            zorder=5,
            label="minimum" if i == 0 else None,
        )
    for i, (sx, sy) in enumerate(surface.saddles):
        ax.plot(
            sx,
            sy,
            marker="X",
            ms=10,
            color="white",
            mec="k",
            ls="none",
            zorder=5,
            label="saddle point" if i == 0 else None,
        )
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")


def plot_paths(
    ax: Axes,
    surface: Surface,
    paths: Mapping[str, np.ndarray],
    title: str | None = None,
    markers: bool = True,
    legend: bool = True,
    xlim: tuple[float, float] | None = None,
    ylim: tuple[float, float] | None = None,
    max_marked: int = 150,
) -> None:
    """Contour plot of ``surface`` with one trajectory per entry of ``paths``.

    Args:
        ax: Axes to draw on.
        surface: The surface the paths were run on.
        paths: Legend label -> path of shape ``(steps + 1, 2)`` (NaN rows are skipped).
        title: Axes title (defaults to the surface's name).
        markers: Draw a small dot at every iterate of paths with at most ``max_marked``
            points (longer paths would be a smear of dots).
        legend: Draw a legend.
        xlim, ylim: Plot window, if not the surface's own.
        max_marked: See ``markers``.
    """
    plot_surface(ax, surface, xlim=xlim, ylim=ylim)
    x0, y0 = next(iter(paths.values()))[0] if paths else surface.start
    ax.plot(x0, y0, "o", color="k", ms=6, zorder=6, label="start")
    colors = distinct_colors(list(paths))
    for (label, path), color in zip(paths.items(), colors, strict=True):
        ax.plot(
            path[:, 0],
            path[:, 1],
            "-",
            marker="." if markers and len(path) <= max_marked else None,
            ms=3.5,
            lw=1.4,
            color=color,
            label=label,
            zorder=4,
        )
    ax.set_title(title if title is not None else surface.name)
    if legend:
        ax.legend(loc="best")


def plot_loss_curves(
    ax: Axes,
    surface: Surface,
    paths: Mapping[str, np.ndarray],
    title: str | None = None,
    floor: float = 1e-16,
) -> None:
    """``f - f_min`` along each path against the step number, on a log scale."""
    colors = distinct_colors(list(paths))
    for (label, path), color in zip(paths.items(), colors, strict=True):
        gap = np.maximum(losses(surface, path) - surface.f_min, floor)
        ax.semilogy(np.arange(len(path)), gap, color=color, lw=1.5, label=label)
    ax.set_xlabel("step $t$")
    ax.set_ylabel(r"$f(\theta_t) - f^\star$")
    ax.set_title(title if title is not None else f"{surface.name}: loss above the minimum")
    ax.legend(loc="best")
