"""Fast tests of assignment A5 (learning-rate schedules): reference solution, checks and catalog.

No kernel and no nbgrader run: the notebook's cells are executed with ``exec`` in a plain
namespace (``catalog_tools.solution_namespace``), and the student view is made in memory
with nbgrader's own ``ClearSolutions`` / ``ClearHiddenTests`` preprocessors. The torch and
Keras references here are written out independently of ``autograder.checks.a5_lr_schedules``.
"""

from __future__ import annotations

import functools
import math
import re
import warnings

import numpy as np
import pytest
import torch
from catalog_tools import (
    entries,
    failing_cells as _failing,
    graded_test_sources,
    nbgrader_meta as _nbgrader,
    solution_namespace,
    source_notebook,
    student_view,
)

from autograder.checks import a5_lr_schedules as checks

ASSIGNMENT = "a5_lr_schedules"

# solution cell -> (object it defines, hidden checks of it)
CELLS = {
    "step_decay_implementation": ("step_decay", [checks.check_step_decay_matches_torch]),
    "exponential_decay_implementation": (
        "exponential_decay",
        [checks.check_exponential_decay_matches_torch],
    ),
    "inverse_time_decay_implementation": (
        "inverse_time_decay",
        [checks.check_inverse_time_decay_matches_keras],
    ),
    "cosine_decay_implementation": (
        "cosine_decay",
        [checks.check_cosine_decay_matches_torch, checks.check_cosine_decay_clipped],
    ),
    "cosine_decay_restarts_implementation": (
        "cosine_decay_restarts",
        [
            checks.check_cosine_decay_restarts_matches_torch,
            checks.check_cosine_decay_restarts_matches_keras,
            checks.check_cosine_decay_restarts_boundaries,
        ],
    ),
    "linear_warmup_implementation": ("linear_warmup", [checks.check_linear_warmup_matches_torch]),
    "reduce_on_plateau_implementation": (
        "ReduceLROnPlateau",
        [
            checks.check_reduce_on_plateau_matches_torch,
            checks.check_reduce_on_plateau_patience_boundary,
            checks.check_reduce_on_plateau_threshold_boundary,
            checks.check_reduce_on_plateau_min_lr_eps_and_nan,
        ],
    ),
}
FULL_CHECKS = {
    "step_decay": checks.check_step_decay,
    "exponential_decay": checks.check_exponential_decay,
    "inverse_time_decay": checks.check_inverse_time_decay,
    "cosine_decay": checks.check_cosine_decay,
    "cosine_decay_restarts": checks.check_cosine_decay_restarts,
    "linear_warmup": checks.check_linear_warmup,
    "ReduceLROnPlateau": checks.check_reduce_on_plateau,
}
# test-cell grade_id prefix of each solution cell (the longest matching prefix wins:
# cosine_decay_restarts_* cells belong to cosine_decay_restarts, not to cosine_decay)
PREFIXES = {cell: cell.removesuffix("implementation") for cell in CELLS}
WRONG = entries(ASSIGNMENT, "wrong")
CORRECT = entries(ASSIGNMENT, "correct")


def _test_cells(nb=None) -> dict[str, str]:
    """grade_id -> source of every autograded test cell, in notebook order."""
    return graded_test_sources(nb if nb is not None else source_notebook(ASSIGNMENT))


def _student_view():
    """The release as nbgrader would make it: solutions and hidden tests removed."""
    return student_view(ASSIGNMENT)


def _owner(grade_id: str) -> str:
    """The solution cell a test cell tests."""
    matches = [cell for cell, prefix in PREFIXES.items() if grade_id.startswith(prefix)]
    assert matches, f"test cell {grade_id} belongs to no solution cell"
    return max(matches, key=lambda cell: len(PREFIXES[cell]))


def _cells_of(solution_cells) -> dict[str, str]:
    wanted = set(solution_cells)
    return {g: s for g, s in _test_cells().items() if _owner(g) in wanted}


# --------------------------------------------------------------------------------------
# Independent references (not the checks module)
# --------------------------------------------------------------------------------------


def _torch_rates(make, lr0: float, last: int) -> list[float]:
    """Rates at steps 0 .. last of a torch scheduler driving a dummy SGD, one step at a time."""
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr0)
    sched = make(opt)
    out = [opt.param_groups[0]["lr"]]
    for _ in range(last):
        opt.step()
        sched.step()
        out.append(opt.param_groups[0]["lr"])
    return out


def _torch_plateau(metrics, lr, **kwargs) -> list[float]:
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(
        opt, mode="min", threshold_mode="rel", cooldown=0, **kwargs
    )
    out = []
    for m in metrics:
        sched.step(m)
        out.append(opt.param_groups[0]["lr"])
    return out


def _keras_restarts_float64(step, lr0, first_decay_steps, t_mul, m_mul, alpha):
    """Keras' CosineDecayRestarts.__call__ transcribed to float64 (period index from a log)."""
    completed_fraction = step / first_decay_steps
    if t_mul == 1.0:
        i_restart = math.floor(completed_fraction)
        completed_fraction -= i_restart
    else:
        i_restart = math.floor(math.log(1.0 - completed_fraction * (1.0 - t_mul)) / math.log(t_mul))
        sum_r = (1.0 - t_mul**i_restart) / (1.0 - t_mul)
        completed_fraction = (completed_fraction - sum_r) / t_mul**i_restart
    cosine_decayed = 0.5 * m_mul**i_restart * (1.0 + math.cos(math.pi * completed_fraction))
    return lr0 * ((1 - alpha) * cosine_decayed + alpha)


L = torch.optim.lr_scheduler


# --------------------------------------------------------------------------------------
# The reference solution
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def reference():
    return solution_namespace(ASSIGNMENT)


@pytest.mark.parametrize(
    "obj, check",
    [(obj, check) for obj, fns in CELLS.values() for check in fns],
    ids=lambda x: x if isinstance(x, str) else x.__name__,
)
def test_reference_passes_every_check(reference, obj, check):
    check(reference[obj])


def test_every_test_cell_passes_on_reference(reference):
    assert _failing(reference, _test_cells()) == {}


def test_visible_tests_pass_on_reference(reference):
    """The numbers written in the visible tests are right (hidden parts removed)."""
    visible = _test_cells(_student_view())
    assert "BEGIN HIDDEN TESTS" not in "".join(visible.values())
    assert _failing(reference, visible) == {}


def test_visible_numbers_agree_with_torch():
    """The hand-worked numbers of the visible tests, recomputed with torch's schedulers."""
    assert (
        _torch_rates(lambda o: L.StepLR(o, 3, gamma=0.5), 1.0, 7)
        == [1, 1, 1, 0.5, 0.5, 0.5] + [0.25] * 2
    )
    assert _torch_rates(lambda o: L.StepLR(o, 10), 0.1, 25)[25] == pytest.approx(0.001)
    stairs = _torch_rates(lambda o: L.StepLR(o, 2, gamma=0.25), 1.0, 4)
    assert stairs == [1.0, 1.0, 0.25, 0.25, 0.0625]
    smooth = _torch_rates(lambda o: L.ExponentialLR(o, gamma=0.5), 1.0, 4)  # 0.25 ** (1/2)
    np.testing.assert_allclose(smooth, [1.0, 0.5, 0.25, 0.125, 0.0625])
    cos = _torch_rates(lambda o: L.CosineAnnealingLR(o, T_max=100, eta_min=0.2), 1.0, 100)
    np.testing.assert_allclose([cos[0], cos[50], cos[100]], [1.0, 0.6, 0.2])
    restarts = _torch_rates(lambda o: L.CosineAnnealingWarmRestarts(o, 6, eta_min=0.2), 1.0, 12)
    np.testing.assert_allclose([restarts[s] for s in (3, 6, 9, 12)], [0.6, 1.0, 0.6, 1.0])
    warm = _torch_rates(lambda o: L.LinearLR(o, 0.25, 1.0, total_iters=3), 0.1, 6)
    np.testing.assert_allclose(warm, [0.025, 0.05, 0.075, 0.1, 0.1, 0.1, 0.1])
    plateau = _torch_plateau([1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5], 1.0, factor=0.5, patience=2)
    assert plateau == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.25]
    plateau = _torch_plateau([1.0, 0.95, 0.85], 1.0, factor=0.5, patience=0, threshold=0.1)
    assert plateau == [1.0, 0.5, 0.5]


TORCH_SETTINGS = [
    ("step_decay", {"lr0": 0.2, "step_size": 4, "gamma": 0.3}, lambda o: L.StepLR(o, 4, 0.3)),
    ("step_decay", {"lr0": 1.0, "step_size": 1}, lambda o: L.StepLR(o, 1)),
    (
        "exponential_decay",
        {"lr0": 0.1, "decay_rate": 0.9, "decay_steps": 1},
        lambda o: L.ExponentialLR(o, 0.9),
    ),
    (
        "exponential_decay",
        {"lr0": 0.1, "decay_rate": 0.9, "decay_steps": 6, "staircase": True},
        lambda o: L.StepLR(o, 6, 0.9),
    ),
    (
        "cosine_decay",
        {"lr0": 0.4, "decay_steps": 90, "alpha": 0.3},
        lambda o: L.CosineAnnealingLR(o, T_max=90, eta_min=0.4 * 0.3),
    ),
    (
        "cosine_decay_restarts",
        {"lr0": 0.4, "first_decay_steps": 6, "t_mul": 2.0, "alpha": 0.25},
        lambda o: L.CosineAnnealingWarmRestarts(o, 6, T_mult=2, eta_min=0.1),
    ),
    (
        "cosine_decay_restarts",
        {"lr0": 0.4, "first_decay_steps": 2, "t_mul": 3.0},
        lambda o: L.CosineAnnealingWarmRestarts(o, 2, T_mult=3),
    ),
    (
        "cosine_decay_restarts",
        {"lr0": 0.4, "first_decay_steps": 9, "t_mul": 1.0},
        lambda o: L.CosineAnnealingWarmRestarts(o, 9, T_mult=1),
    ),
    (
        "linear_warmup",
        {"lr0": 0.3, "warmup_steps": 12},
        lambda o: L.LinearLR(o, 1 / 12, 1.0, total_iters=11),
    ),
]


@pytest.mark.parametrize(
    "name, kwargs, make",
    TORCH_SETTINGS,
    # ids must not contain object addresses: pytest-xdist workers must collect the same ids
    ids=[f"{name}-{'-'.join(f'{k}={v}' for k, v in kw.items())}" for name, kw, _ in TORCH_SETTINGS],
)
def test_reference_agrees_with_torch_directly(reference, name, kwargs, make):
    """Not through the checks module: a plain loop over a torch scheduler, 250 steps
    (cosine decay up to decay_steps only: torch's CosineAnnealingLR swings back up after it)."""
    last = kwargs.get("decay_steps", 250) if name == "cosine_decay" else 250
    expected = _torch_rates(make, kwargs["lr0"], last)
    for step in range(last + 1):
        for s in (step, np.int64(step)):
            got = reference[name](s, **kwargs)
            assert isinstance(got, float), (name, type(got))
            assert got == pytest.approx(expected[step], rel=1e-10, abs=1e-15), (name, step)


def test_reference_plateau_agrees_with_torch_directly(reference):
    rng = np.random.default_rng(77)
    for factor, patience, threshold, min_lr in [
        (0.1, 10, 1e-4, 0.0),
        (0.5, 2, 0.02, 1e-3),
        (0.3, 0, 0.0, 0.0),
        (0.8, 4, 0.1, 0.05),
    ]:
        metrics = list(1.0 / (1 + 0.1 * np.arange(150)) + 0.02 * rng.standard_normal(150))
        metrics[40:45] = [float("nan")] * 5
        kwargs = {"factor": factor, "patience": patience, "threshold": threshold, "min_lr": min_lr}
        expected = _torch_plateau(metrics, 0.5, **kwargs)
        assert len(set(expected)) > 2, "the sequence must trigger reductions"
        sched = reference["ReduceLROnPlateau"](0.5, **kwargs)
        got = [sched.step(m) for m in metrics]
        assert all(isinstance(g, float) for g in got)
        assert got == expected


def test_reference_matches_keras_formulas(reference):
    """The Keras documentation's formulas, written out here, at steps away from restarts."""
    for s in range(0, 400, 3):
        assert reference["exponential_decay"](s, 0.3, 0.7, 9) == pytest.approx(
            0.3 * 0.7 ** (s / 9), rel=1e-12
        )
        assert reference["inverse_time_decay"](s, 0.3, 0.7, 9) == pytest.approx(
            0.3 / (1 + 0.7 * s / 9), rel=1e-12
        )
        assert reference["inverse_time_decay"](s, 0.3, 0.7, 9, staircase=True) == pytest.approx(
            0.3 / (1 + 0.7 * math.floor(s / 9)), rel=1e-12
        )
        c = 0.5 * (1 + math.cos(math.pi * min(s, 250) / 250))
        assert reference["cosine_decay"](s, 0.3, 250, alpha=0.1) == pytest.approx(
            0.3 * (0.9 * c + 0.1), rel=1e-12
        )
        for fds, t_mul, m_mul, alpha in [
            (7, 1.5, 0.6, 0.1),
            (10, 2.0, 0.9, 0.0),
            (5, 1.0, 0.5, 0.2),
        ]:
            got = reference["cosine_decay_restarts"](s, 0.3, fds, t_mul, m_mul, alpha)
            keras = _keras_restarts_float64(s, 0.3, fds, t_mul, m_mul, alpha)
            assert got == pytest.approx(keras, rel=1e-9, abs=1e-13), (s, fds, t_mul)


# Restart steps where Keras' float64 logarithm lands one period short: (first_decay_steps,
# t_mul, step, period that starts there). Found by scanning every integer period start up to
# step 5000 for first_decay_steps 1..100 and t_mul in 1.25, 1.5, 1.75, 2, 2.5, 3, 4, 5, 6, 7, 10.
KERAS_SHORT = [
    (16, 1.25, 61, 3),
    (16, 1.5, 211, 5),
    (10, 3.0, 1210, 5),
    (1, 3.0, 121, 5),
    (1, 10.0, 111, 3),
]


@pytest.mark.parametrize("fds, t_mul, step, period", KERAS_SHORT, ids=str)
def test_keras_float_log_lands_one_period_short_where_the_reference_restarts(
    reference, fds, t_mul, step, period
):
    fraction = step / fds
    i_keras = math.floor(math.log(1.0 - fraction * (1.0 - t_mul)) / math.log(t_mul))
    assert i_keras == period - 1, "Keras' log is one period short here"
    assert _keras_restarts_float64(step, 1.0, fds, t_mul, 1.0, 0.0) == pytest.approx(0.0, abs=1e-12)
    assert reference["cosine_decay_restarts"](step, 1.0, fds, t_mul) == 1.0  # f = 0: restart
    if t_mul == int(t_mul):  # torch agrees with the reference, not with Keras
        rates = _torch_rates(lambda o: L.CosineAnnealingWarmRestarts(o, fds, int(t_mul)), 1.0, step)
        assert rates[step] == 1.0


def test_boundary_table_of_the_checks_holds_keras_failures():
    """Each float-log variant a student might write fails at one of the checked restarts."""
    variants = {
        "keras": lambda x, t: math.log(x) / math.log(t),
        "math.log(x, t)": math.log,
        "np.log": lambda x, t: float(np.log(x) / np.log(t)),
        "log1p": lambda x, t: math.log1p(x - 1) / math.log(t),
        "log2": lambda x, t: math.log2(x) / math.log2(t),
        "log10": lambda x, t: math.log10(x) / math.log10(t),
    }
    starts = [
        (kw["first_decay_steps"], kw["t_mul"], b)
        for kw, restarts in checks._BOUNDARY_ROWS
        for b in restarts
        if kw["t_mul"] != 1
    ]
    for name, log in variants.items():
        short = [
            b
            for fds, t, b in starts
            if math.floor(log(1 + b / fds * (t - 1), t)) < round(math.log(1 + b / fds * (t - 1), t))
        ]
        assert short, f"no checked restart catches the {name} variant"


def test_blank_release_fails_every_check_as_not_implemented():
    """The student view as handed out: every hidden check says 'not implemented yet'."""
    stubs = {
        _nbgrader(c)["grade_id"]: c.source
        for c in _student_view().cells
        if c.cell_type == "code" and _nbgrader(c).get("solution")
    }
    assert all("raise NotImplementedError()" in s for s in stubs.values())
    ns = solution_namespace(ASSIGNMENT, stubs)
    for obj, fns in CELLS.values():
        for check in fns:
            with pytest.raises(AssertionError, match="is not implemented yet"):
                check(ns[obj])
    # and every test cell (visible parts only) fails on the blank release
    visible = _test_cells(_student_view())
    assert set(_failing(ns, visible)) == set(visible)


# --------------------------------------------------------------------------------------
# The return type and step type rules
# --------------------------------------------------------------------------------------


def test_checks_accept_python_float_and_float64_and_reject_arrays_and_float32():
    def as_float64(step, lr0, warmup_steps):
        return np.float64(lr0 * min(1.0, (step + 1) / warmup_steps))

    checks.check_linear_warmup(as_float64)
    for bad, text in [
        (lambda s, lr0, w: np.array(lr0 * min(1.0, (s + 1) / w)), "numpy.ndarray"),
        (lambda s, lr0, w: np.float32(lr0 * min(1.0, (s + 1) / w)), "numpy.float32"),
        (lambda s, lr0, w: [lr0 * min(1.0, (s + 1) / w)], "list"),
    ]:

        def student(step, lr0, warmup_steps, _bad=bad):
            return _bad(step, lr0, warmup_steps)

        with pytest.raises(AssertionError, match=re.escape(text)):
            checks.check_linear_warmup(student)


def test_checks_pass_np_int64_steps():
    seen = set()

    def spy(step, lr0, step_size, gamma=0.1):
        seen.add(type(step))
        return float(lr0 * gamma ** (step // step_size))

    checks.check_step_decay(spy)
    assert seen == {int, np.int64}


def test_checks_reject_a_wrong_signature():
    def renamed(step, lr, step_size, gamma=0.1):
        return float(lr * gamma ** (step // step_size))

    with pytest.raises(AssertionError, match="signature is fixed"):
        checks.check_step_decay_matches_torch(renamed)


# --------------------------------------------------------------------------------------
# The notebook's structure
# --------------------------------------------------------------------------------------


def test_notebook_structure():
    nb = source_notebook(ASSIGNMENT)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    ids = [_nbgrader(c).get("grade_id") for c in nb.cells]
    assert all(ids) and len(ids) == len(set(ids)), "every cell has a unique grade_id"
    assert [c.get("id") for c in nb.cells] == [g.replace("_", "-") for g in ids]
    solution_code = set()
    for cell in nb.cells:
        meta = _nbgrader(cell)
        assert meta["schema_version"] == 3 and meta["task"] is False
        if cell.cell_type == "code":
            assert cell.execution_count is None and cell.outputs == [], "commit without outputs"
        if meta.get("solution") and cell.cell_type == "code":
            solution_code.add(meta["grade_id"])
            assert meta["grade_id"].endswith("_implementation") and not meta["locked"]
            assert "### BEGIN SOLUTION" in cell.source
            head = cell.source.split("### BEGIN SOLUTION")[0]
            assert '"""' in head, "signature and docstring stay outside the solution region"
            imports = re.findall(r"^\s*(?:import|from)\s+(\w+)", cell.source, re.MULTILINE)
            assert set(imports) <= {"numpy", "math"}, imports
        elif meta.get("grade") and cell.cell_type == "code":  # a test cell
            assert meta["locked"] and meta["points"] > 0 and not meta.get("solution")
            first = cell.source.splitlines()[0]
            assert first.startswith('"""') and first.endswith('"""'), meta["grade_id"]
            if "### BEGIN HIDDEN TESTS" in cell.source:
                before = cell.source.split("### BEGIN HIDDEN TESTS")[0].splitlines()[1:]
                code = [line for line in before if line.strip() and not line.startswith("#")]
                assert code, f"{meta['grade_id']}: a visible line must call the student's code"
        elif not meta.get("grade"):
            assert meta["locked"], meta["grade_id"]
    written = [c for c in nb.cells if c.cell_type == "markdown" and _nbgrader(c).get("grade")]
    assert [_nbgrader(c)["points"] for c in written] == [5]
    assert _nbgrader(written[0])["solution"] is True and not _nbgrader(written[0])["locked"]
    assert solution_code == set(CELLS)
    setup = next(c for c in nb.cells if _nbgrader(c)["grade_id"] == "setup_imports")
    assert setup.source == "import math\n\nimport numpy as np"
    for cell in CELLS:
        tests = _cells_of([cell])
        hidden = [g for g, s in tests.items() if "### BEGIN HIDDEN TESTS" in s]
        assert hidden and len(hidden) < len(tests), cell


# --------------------------------------------------------------------------------------
# Known mistakes inside the checks module are all reachable
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, key",
    [(n, k) for n, spec in checks._SPECS.items() for k in spec.diagnoses],
    ids=str,
)
def test_every_known_mistake_is_diagnosed(name, key):
    spec = checks._SPECS[name]
    student = functools.partial(spec.model, mistakes=(key,))
    with pytest.raises(AssertionError) as info:
        FULL_CHECKS[name](student)
    assert spec.diagnoses[key] in str(info.value)


@pytest.mark.parametrize("key", list(checks._PLATEAU_DIAGNOSES))
def test_every_plateau_mistake_is_diagnosed(key):
    student = functools.partial(checks._PlateauModel, mistakes=(key,))
    with pytest.raises(AssertionError) as info:
        checks.check_reduce_on_plateau(student)
    assert checks._PLATEAU_DIAGNOSES[key] in str(info.value)


def test_plain_mutants_pass():
    """The models without a mistake are correct implementations."""
    for name, spec in checks._SPECS.items():
        FULL_CHECKS[name](functools.partial(spec.model, mistakes=()))
    checks.check_reduce_on_plateau(functools.partial(checks._PlateauModel, mistakes=()))


# --------------------------------------------------------------------------------------
# The catalog
# --------------------------------------------------------------------------------------


def test_catalog_size():
    assert len(WRONG) >= 12 and len(CORRECT) >= 2
    assert all(e.message for e in WRONG)


@pytest.mark.parametrize("entry", WRONG, ids=lambda e: e.name)
def test_wrong_entry_fails_its_check_with_message(entry):
    ns = solution_namespace(ASSIGNMENT, entry.cells)
    messages = []
    for cell in entry.cells:
        obj = CELLS[cell][0]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                FULL_CHECKS[obj](ns[obj])
            except AssertionError as exc:
                messages.append(str(exc))
    assert messages, f"{entry.name} passes every check of {sorted(entry.cells)}"
    assert any(entry.message.lower() in m.lower() for m in messages), messages


@pytest.mark.parametrize("entry", WRONG, ids=lambda e: e.name)
def test_wrong_entry_loses_exactly_the_listed_cells(entry):
    """Executing the test cells (visible and hidden) fails exactly ``loses:``,
    and the ``message:`` phrase appears in the feedback of a failing cell."""
    cells = _cells_of(entry.cells)
    assert set(entry.loses) <= set(cells), "loses names test cells of the objects it breaks"
    failed = _failing(solution_namespace(ASSIGNMENT, entry.cells), cells)
    assert sorted(failed) == sorted(entry.loses)
    assert any(entry.message.lower() in text.lower() for text in failed.values()), failed


@pytest.mark.parametrize("entry", CORRECT, ids=lambda e: e.name)
def test_correct_entry_passes_everything(entry):
    assert set(entry.cells) == set(CELLS), "a correct alternative replaces every solution cell"
    ns = solution_namespace(ASSIGNMENT, entry.cells)
    for obj, check in FULL_CHECKS.items():
        check(ns[obj])
    assert _failing(ns, _test_cells(_student_view())) == {}  # hidden parts: the checks above
