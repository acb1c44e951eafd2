"""Per-student seeds for the random inputs of hidden tests.

The grader (``autograder.judge``) sets a seed per student before it runs that student's
tests; a check that draws random inputs takes its generator from :func:`case_rng`, so every
student meets different hidden inputs while a re-grade of the same student meets the same
ones again. Hand-made cases (exact ties, boundaries, worked examples) keep fixed values.
Without a student seed (the checks' own tests, a student's self-check) the inputs are the
fixed ones of ``base``.
"""

from __future__ import annotations

import numpy as np

_student_seed: int | None = None


def set_student_seed(seed: int | None) -> None:
    global _student_seed
    _student_seed = seed


def student_seed() -> int | None:
    return _student_seed


def case_rng(base: int) -> np.random.Generator:
    """The generator of one randomized case: ``base`` mixed with the student's seed."""
    if _student_seed is None:
        return np.random.default_rng(base)
    return np.random.default_rng([base, _student_seed])
