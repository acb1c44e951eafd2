"""Show small result tables as Markdown, which the built book renders as real tables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from IPython.display import Markdown


def _cell(value: Any, floatfmt: str) -> str:
    if isinstance(value, (float, np.floating)):
        return format(float(value), floatfmt)
    return "—" if value is None else str(value)


def markdown_table(
    headers: Sequence[str], rows: Sequence[Sequence[Any]], floatfmt: str = ".4g"
) -> Markdown:
    """A Markdown table; floats are formatted with ``floatfmt`` and ``None`` shows as a dash.

    Example:
        >>> markdown_table(["lr", "loss"], [[0.1, 0.25], [0.01, None]]).data.splitlines()[2]
        '| 0.1 | 0.25 |'
    """
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_cell(v, floatfmt) for v in row) + " |" for row in rows]
    return Markdown("\n".join(lines))
