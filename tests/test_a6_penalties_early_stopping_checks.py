"""Fast tests of assignment A6 (penalties, constraints, early stopping): reference, checks, catalog.

No kernel and no nbgrader run: the notebook's cells are executed with ``exec`` in a plain
namespace (``catalog_tools.solution_namespace``), and the student view is made in memory
with nbgrader's own ``ClearSolutions`` / ``ClearHiddenTests`` preprocessors.
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

from autograder.checks import a6_penalties_early_stopping as checks

ASSIGNMENT = "a6_penalties_early_stopping"

# solution cell -> (object it defines, test-cell grade_id prefixes, hidden checks of it)
CELLS = {
    "l2_penalty_implementation": (
        "l2_penalty",
        ("l2_penalty_by_hand", "l2_penalty_matches"),
        [checks.check_l2_penalty],
    ),
    "l2_penalty_grad_implementation": (
        "l2_penalty_grad",
        ("l2_penalty_grad_",),
        [checks.check_l2_penalty_grad],
    ),
    "l1_penalty_implementation": (
        "l1_penalty",
        ("l1_penalty_by_hand", "l1_penalty_matches"),
        [checks.check_l1_penalty],
    ),
    "l1_penalty_grad_implementation": (
        "l1_penalty_grad",
        ("l1_penalty_grad_",),
        [checks.check_l1_penalty_grad],
    ),
    "elastic_net_penalty_implementation": (
        "elastic_net_penalty",
        ("elastic_net_",),
        [checks.check_elastic_net_penalty],
    ),
    "max_norm_implementation": (
        "max_norm",
        ("max_norm_",),
        [checks.check_max_norm_matches_torch, checks.check_max_norm_edge_cases],
    ),
    "early_stopping_implementation": (
        "EarlyStopping",
        ("early_stopping_",),
        [
            checks.check_early_stopping_matches_torch,
            checks.check_early_stopping_ties_and_nan,
            checks.check_early_stopping_contract,
        ],
    ),
}
FULL_CHECKS = {
    "l2_penalty": checks.check_l2_penalty,
    "l2_penalty_grad": checks.check_l2_penalty_grad,
    "l1_penalty": checks.check_l1_penalty,
    "l1_penalty_grad": checks.check_l1_penalty_grad,
    "elastic_net_penalty": checks.check_elastic_net_penalty,
    "max_norm": checks.check_max_norm,
    "EarlyStopping": checks.check_early_stopping,
}
WRONG = entries(ASSIGNMENT, "wrong")
CORRECT = entries(ASSIGNMENT, "correct")


def _test_cells(nb=None) -> dict[str, str]:
    return graded_test_sources(nb if nb is not None else source_notebook(ASSIGNMENT))


def _cells_of(prefixes) -> dict[str, str]:
    prefixes = tuple(prefixes)
    return {g: s for g, s in _test_cells().items() if g.startswith(prefixes)}


# --------------------------------------------------------------------------------------
# The reference solution
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def reference():
    return solution_namespace(ASSIGNMENT)


@pytest.mark.parametrize(
    "obj, check",
    [(obj, check) for obj, _, fns in CELLS.values() for check in fns],
    ids=lambda x: x if isinstance(x, str) else x.__name__,
)
def test_reference_passes_every_check(reference, obj, check):
    check(reference[obj])


def test_every_test_cell_passes_on_reference(reference):
    assert _failing(reference, _test_cells()) == {}


def test_visible_tests_pass_on_reference(reference):
    """The numbers written in the visible tests are right (hidden parts removed)."""
    visible = _test_cells(student_view(ASSIGNMENT))
    assert "BEGIN HIDDEN TESTS" not in "".join(visible.values())
    assert _failing(reference, visible) == {}


def _random_weights(seed):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=s) for s in [(4, 3), (3,), (2, 2, 5), ()]]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_reference_penalties_agree_with_torch_autograd_directly(reference, seed):
    """Not through the checks module: torch sums and torch.autograd on the same arrays."""
    weights = _random_weights(seed)
    weights[0][0, 0] = 0.0
    params = [torch.tensor(w, requires_grad=True) for w in weights]
    lam, ratio = 0.3, 0.35
    l2 = lam * sum((p**2).sum() for p in params)
    l1 = lam * sum(p.abs().sum() for p in params)
    l2_value, l1_value = float(l2.detach()), float(l1.detach())
    assert math.isclose(reference["l2_penalty"](weights, lam), l2_value, rel_tol=1e-13)
    assert math.isclose(reference["l1_penalty"](weights, lam), l1_value, rel_tol=1e-13)
    mixed = ratio * l1_value + (1 - ratio) * l2_value
    assert math.isclose(reference["elastic_net_penalty"](weights, lam, ratio), mixed, rel_tol=1e-13)
    for loss, name in ((l2, "l2_penalty_grad"), (l1, "l1_penalty_grad")):
        autograd = torch.autograd.grad(loss, params)
        for ours, theirs in zip(reference[name](weights, lam), autograd, strict=True):
            np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-13, atol=0)
    assert reference["l1_penalty_grad"](weights, lam)[0][0, 0] == 0.0


def test_reference_penalties_of_empty_list_are_zero(reference):
    for name in ("l2_penalty", "l1_penalty"):
        assert reference[name]([], 0.5) == 0.0
    assert reference["elastic_net_penalty"]([], 0.5, 0.3) == 0.0
    assert reference["l2_penalty_grad"]([], 0.5) == []


@pytest.mark.parametrize(
    "shape, axis", [((5, 3), 0), ((5, 3), 1), ((3, 4, 2), 0), ((3, 4, 2), 1), ((3, 4, 2), 2)]
)
def test_reference_max_norm_agrees_with_torch_renorm_directly(reference, shape, axis):
    """torch.renorm(dim=d) normalizes each W.select(d, i); Keras' axis is the summed axis, so
    for a 2-D kernel axis=0 corresponds to dim=1. For 3-D arrays the slices along ``axis`` are
    moved into rows first. torch adds 1e-7 to the norm, hence the tolerance."""
    rng = np.random.default_rng(11)
    W = rng.normal(size=shape) * 2.0
    norms = np.sqrt((W**2).sum(axis=axis))
    c = float(np.median(norms))
    ours = reference["max_norm"](W, c, axis)
    if W.ndim == 2:
        theirs = torch.renorm(torch.from_numpy(W), p=2, dim=1 - axis, maxnorm=c).numpy()
    else:
        moved = np.moveaxis(W, axis, -1)
        rows = torch.from_numpy(np.ascontiguousarray(moved).reshape(-1, shape[axis]))
        out = torch.renorm(rows, p=2, dim=0, maxnorm=c).numpy().reshape(moved.shape)
        theirs = np.moveaxis(out, -1, axis)
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)
    new_norms = np.sqrt((ours**2).sum(axis=axis))
    assert np.all(new_norms <= c * (1 + 1e-12))
    below = norms <= c
    assert np.array_equal(
        np.compress(below.ravel(), np.moveaxis(ours, axis, -1).reshape(-1, shape[axis]), axis=0),
        np.compress(below.ravel(), np.moveaxis(W, axis, -1).reshape(-1, shape[axis]), axis=0),
    )


def test_reference_early_stopping_agrees_with_torch_counter_directly(reference):
    rng = np.random.default_rng(4)
    losses = list(np.round(1 / (1 + np.arange(80) / 10) + 0.02 * rng.standard_normal(80), 2))
    for patience, min_delta in ((1, 0.0), (3, 0.01), (6, 0.02)):
        p = torch.nn.Parameter(torch.zeros(1))
        sched = torch.optim.lr_scheduler.ReduceLROnPlateau(
            torch.optim.SGD([p], lr=1.0),
            threshold_mode="abs",
            threshold=min_delta,
            patience=10**9,
        )
        stopper = reference["EarlyStopping"](patience, min_delta)
        for v in losses:
            sched.step(v)
            stop = stopper.step(v)
            assert stopper.best_loss == sched.best and stopper.wait == sched.num_bad_epochs
            assert stop == (sched.num_bad_epochs >= patience)


def test_blank_release_fails_every_check_as_not_implemented():
    """The student view as handed out: every hidden check says 'not implemented yet'."""
    stubs = {
        _nbgrader(c)["grade_id"]: c.source
        for c in student_view(ASSIGNMENT).cells
        if c.cell_type == "code" and _nbgrader(c).get("solution")
    }
    assert all("raise NotImplementedError()" in s for s in stubs.values())
    ns = solution_namespace(ASSIGNMENT, stubs)
    for obj, _, fns in CELLS.values():
        for check in fns:
            with pytest.raises(AssertionError, match="is not implemented yet"):
                check(ns[obj])


# --------------------------------------------------------------------------------------
# The notebook's structure
# --------------------------------------------------------------------------------------


def test_notebook_structure():
    nb = source_notebook(ASSIGNMENT)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    ids = [_nbgrader(c).get("grade_id") for c in nb.cells]
    assert all(ids) and len(ids) == len(set(ids)), "every cell has a unique grade_id"
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
            imports = re.findall(r"^\s*(?:import|from)\s+(\w+)", cell.source, re.MULTILINE)
            assert set(imports) <= {"numpy", "math"}, imports
        elif meta.get("grade") and cell.cell_type == "code":  # a test cell
            assert meta["locked"] and meta["points"] > 0 and not meta.get("solution")
            first = cell.source.splitlines()[0]
            assert first.startswith('"""') and first.endswith('"""'), meta["grade_id"]
    written = [c for c in nb.cells if c.cell_type == "markdown" and _nbgrader(c).get("grade")]
    assert [_nbgrader(c)["points"] for c in written] == [5]
    assert _nbgrader(written[0])["solution"] is True and not _nbgrader(written[0])["locked"]
    assert solution_code == set(CELLS)
    for _, prefixes, _ in CELLS.values():
        cells = _cells_of(prefixes)
        hidden = [g for g, s in cells.items() if "### BEGIN HIDDEN TESTS" in s]
        assert hidden and len(hidden) < len(cells), prefixes


def test_points():
    nb = source_notebook(ASSIGNMENT)
    auto = sum(
        _nbgrader(c)["points"]
        for c in nb.cells
        if c.cell_type == "code" and _nbgrader(c).get("grade")
    )
    assert auto == 22


# --------------------------------------------------------------------------------------
# Known mistakes inside the checks module are all reachable
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, mutants",
    [
        ("l2_penalty", checks._L2_MUTANTS),
        ("l1_penalty", checks._L1_MUTANTS),
        ("elastic_net_penalty", checks._ELASTIC_MUTANTS),
        ("l2_penalty_grad", checks._L2_GRAD_MUTANTS),
        ("l1_penalty_grad", checks._L1_GRAD_MUTANTS),
    ],
    ids=lambda x: x if isinstance(x, str) else "",
)
def test_every_penalty_mistake_is_diagnosed(name, mutants):
    for key, (mutant, text) in mutants.items():
        with pytest.raises(AssertionError) as info:
            FULL_CHECKS[name](mutant)
        assert text in str(info.value), (key, str(info.value))


@pytest.mark.parametrize("key", list(checks._MAX_NORM_DIAGNOSES))
def test_every_max_norm_mistake_is_diagnosed(key):
    student = functools.partial(checks._max_norm_model, mistakes=(key,))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(AssertionError) as info:
            checks.check_max_norm(student)
    assert checks._MAX_NORM_DIAGNOSES[key] in str(info.value)


def _stopper_class(mistakes):
    class Mutant:
        def __init__(self, patience, min_delta=0.0):
            if patience < 1 or min_delta < 0:
                raise ValueError("bad arguments")
            self._model = checks._StopperModel(patience, min_delta, mistakes=mistakes)

        best_loss = property(lambda self: self._model.best_loss)
        best_epoch = property(lambda self: self._model.best_epoch)
        wait = property(lambda self: self._model.wait)

        def step(self, val_loss):
            return self._model.step(val_loss)

    return Mutant


@pytest.mark.parametrize("key", list(checks._STOPPER_DIAGNOSES))
def test_every_early_stopping_mistake_is_diagnosed(key):
    with pytest.raises(AssertionError) as info:
        checks.check_early_stopping(_stopper_class((key,)))
    assert checks._STOPPER_DIAGNOSES[key] in str(info.value)


def test_plain_mutants_pass():
    """The mutant machinery without a mistake is a correct implementation."""
    checks.check_max_norm(functools.partial(checks._max_norm_model, mistakes=()))
    checks.check_early_stopping(_stopper_class(()))


# --------------------------------------------------------------------------------------
# The catalog
# --------------------------------------------------------------------------------------


def test_catalog_size():
    assert len(WRONG) >= 15 and len(CORRECT) >= 2
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
    cells = _cells_of(p for c in entry.cells for p in CELLS[c][1])
    assert set(entry.loses) <= set(cells), "loses names test cells of the functions it breaks"
    failed = _failing(solution_namespace(ASSIGNMENT, entry.cells), cells)
    assert sorted(failed) == sorted(entry.loses)
    assert any(entry.message.lower() in text.lower() for text in failed.values()), failed


@pytest.mark.parametrize("entry", CORRECT, ids=lambda e: e.name)
def test_correct_entry_passes_everything(entry):
    assert set(entry.cells) == set(CELLS), "a correct alternative replaces every solution cell"
    ns = solution_namespace(ASSIGNMENT, entry.cells)
    for obj, check in FULL_CHECKS.items():
        check(ns[obj])
    assert _failing(ns, _test_cells()) == {}
