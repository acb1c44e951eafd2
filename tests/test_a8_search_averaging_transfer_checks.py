"""Fast tests of assignment A8 (search, averaging, ensembles, transfer): reference, checks, catalog.

No kernel and no nbgrader run: the notebook's cells are executed with ``exec`` in a plain
namespace (``catalog_tools.solution_namespace``), and the student view is made in memory
with nbgrader's own ``ClearSolutions`` / ``ClearHiddenTests`` preprocessors.
"""

from __future__ import annotations

import itertools
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
from torch import nn

from autograder.checks import a8_search_averaging_transfer as checks

ASSIGNMENT = "a8_search_averaging_transfer"
torch.set_num_threads(1)

# solution cell -> (object it defines, test-cell grade_id prefix, hidden checks of it)
CELLS = {
    "log_uniform_implementation": ("log_uniform", "log_uniform_", [checks.check_log_uniform]),
    "random_search_implementation": (
        "random_search",
        "random_search_",
        [checks.check_random_search_draws, checks.check_random_search_history_and_ties],
    ),
    "grid_search_implementation": ("grid_search", "grid_search_", [checks.check_grid_search]),
    "near_boundary_implementation": (
        "near_boundary",
        "near_boundary_",
        [checks.check_near_boundary],
    ),
    "ema_implementation": (
        "EMA",
        "ema_",
        [checks.check_ema_matches_torch, checks.check_ema_copies_and_leaves_inputs],
    ),
    "ensemble_implementation": (
        "ensemble_predict_proba",
        "ensemble_",
        [checks.check_ensemble_predict_proba],
    ),
    "scratch_adam_implementation": (
        "ScratchAdam",
        "scratch_adam_",
        [
            checks.check_scratch_adam_matches_torch,
            checks.check_scratch_adam_groups_and_state,
            checks.check_scratch_adam_does_not_delegate,
        ],
    ),
    "train_one_epoch_implementation": (
        "train_one_epoch",
        "train_one_epoch_",
        [
            checks.check_train_one_epoch_matches_reference,
            checks.check_train_one_epoch_train_mode_and_zero_grad,
        ],
    ),
    "freeze_except_implementation": (
        "freeze_except",
        "freeze_except_",
        [checks.check_freeze_except],
    ),
    "replace_head_implementation": ("replace_head", "replace_head_", [checks.check_replace_head]),
}
WRONG = entries(ASSIGNMENT, "wrong")
CORRECT = entries(ASSIGNMENT, "correct")


def _test_cells(nb=None) -> dict[str, str]:
    return graded_test_sources(nb if nb is not None else source_notebook(ASSIGNMENT))


def _cells_of(prefixes) -> dict[str, str]:
    prefixes = tuple(prefixes)
    return {g: s for g, s in _test_cells().items() if g.startswith(prefixes)}


def _all_checks(ns) -> list[str]:
    """Messages of the checks that fail on the namespace ``ns``."""
    failed = []
    for obj, _, fns in CELLS.values():
        for check in fns:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    check(ns[obj])
                except AssertionError as exc:
                    failed.append(str(exc))
    return failed


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
    visible = _test_cells(student_view(ASSIGNMENT))
    assert "BEGIN HIDDEN TESTS" not in "".join(visible.values())
    assert _failing(reference, visible) == {}


# Independent oracles, not through the checks module


def test_log_uniform_and_random_search_replay_by_hand(reference):
    rng, twin = np.random.default_rng(3), np.random.default_rng(3)
    space = {"a": ("choice", ["x", "y", "z"]), "lr": ("log", 1e-4, 1e-1), "m": ("uniform", 0, 1)}
    _, _, history = reference["random_search"](lambda p: p["m"], space, 6, rng)
    for params, score in history:
        assert params["a"] == ["x", "y", "z"][twin.integers(3)]
        assert params["lr"] == 10 ** twin.uniform(-4, -1)
        assert params["m"] == twin.uniform(0, 1) == score
    assert rng.bit_generator.state == twin.bit_generator.state
    x = reference["log_uniform"](1e-6, 1e2, 20000, np.random.default_rng(0))
    assert abs(np.mean(np.log10(x)) - (-2.0)) < 0.05  # uniform in the exponent


def test_grid_search_follows_itertools_product(reference):
    grid = {"a": [3, 1], "b": ["u", "v", "w"], "c": [0.5]}
    _, _, history = reference["grid_search"](lambda p: p["a"], grid)
    assert [tuple(p.values()) for p, _ in history] == list(itertools.product(*grid.values()))


def test_ema_agrees_with_averaged_model_directly(reference):
    from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

    model = nn.Linear(3, 2, dtype=torch.float64)
    averaged = AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(0.8))
    ema = reference["EMA"](0.8)
    for _ in range(12):
        with torch.no_grad():
            for p in model.parameters():
                p.add_(torch.randn_like(p))
        averaged.update_parameters(model)
        ema.update({n: p.detach().numpy().copy() for n, p in model.named_parameters()})
    for n, p in averaged.module.named_parameters():
        np.testing.assert_allclose(ema.average[n], p.detach().numpy(), rtol=1e-12)


def test_ensemble_agrees_with_torch_softmax(reference):
    logits = [np.random.default_rng(i).normal(size=(6, 4)) * 50 for i in range(3)]
    expected = torch.softmax(torch.tensor(np.stack(logits)), dim=-1).mean(0).numpy()
    np.testing.assert_allclose(reference["ensemble_predict_proba"](logits), expected, rtol=1e-12)


@pytest.mark.parametrize("dtype, rtol", [(torch.float64, 1e-12), (torch.float32, 1e-5)])
def test_scratch_adam_agrees_with_torch_adam_directly(reference, dtype, rtol):
    torch.manual_seed(0)
    base = nn.Sequential(nn.Linear(3, 6), nn.Tanh(), nn.Linear(6, 2)).to(dtype)
    models = [base, nn.Sequential(nn.Linear(3, 6), nn.Tanh(), nn.Linear(6, 2)).to(dtype)]
    models[1].load_state_dict(base.state_dict())
    opts = [
        reference["ScratchAdam"](models[0].parameters(), lr=0.02, weight_decay=0.1),
        torch.optim.Adam(models[1].parameters(), lr=0.02, weight_decay=0.1, foreach=False),
    ]
    x, y = torch.randn(10, 3, dtype=dtype), torch.randn(10, 2, dtype=dtype)
    for _ in range(10):
        for model, opt in zip(models, opts, strict=True):
            opt.zero_grad()
            ((model(x) - y) ** 2).mean().backward()
            opt.step()
    for a, b in zip(models[0].parameters(), models[1].parameters(), strict=True):
        torch.testing.assert_close(a, b, rtol=rtol, atol=rtol * 1e-2)


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
            assert imports == [], "solution cells use the setup cell's imports"
        elif meta.get("grade") and cell.cell_type == "code":
            assert meta["locked"] and meta["points"] > 0 and not meta.get("solution")
            first = cell.source.splitlines()[0]
            assert first.startswith('"""') and first.endswith('"""'), meta["grade_id"]
    written = [c for c in nb.cells if c.cell_type == "markdown" and _nbgrader(c).get("grade")]
    assert [_nbgrader(c)["points"] for c in written] == [5]
    assert _nbgrader(written[0])["solution"] is True and not _nbgrader(written[0])["locked"]
    assert solution_code == set(CELLS)
    for _, prefix, _ in CELLS.values():
        cells = _cells_of([prefix])
        hidden = [g for g, s in cells.items() if "### BEGIN HIDDEN TESTS" in s]
        assert hidden and len(hidden) < len(cells), prefix


# --------------------------------------------------------------------------------------
# Known mistakes inside the checks module are all reachable
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", list(checks._LOG_UNIFORM_DIAGNOSES))
def test_log_uniform_mistakes_are_diagnosed(key):
    def student(low, high, size, rng):
        return checks._log_uniform_mutant(key, low, high, size, rng)

    with pytest.raises(AssertionError) as info:
        checks.check_log_uniform(student)
    assert checks._LOG_UNIFORM_DIAGNOSES[key] in str(info.value)


@pytest.mark.parametrize("key", list(checks._SEARCH_DIAGNOSES))
def test_search_mistakes_are_diagnosed(key):
    def student(objective, space, n_trials, rng):
        return checks._search_mutant(objective, space, n_trials, rng, mistakes=(key,))

    with pytest.raises(AssertionError) as info:
        checks.check_random_search_draws(student)
    assert checks._SEARCH_DIAGNOSES[key] in str(info.value)


def test_search_ties_to_last_is_diagnosed():
    def student(objective, space, n_trials, rng):
        return checks._search_mutant(objective, space, n_trials, rng, mistakes=("ties_last",))

    with pytest.raises(AssertionError, match="ties go to the first best"):
        checks.check_random_search_history_and_ties(student)


def test_plain_search_mutant_passes():
    checks.check_random_search_draws(checks._search_mutant)
    checks.check_random_search_history_and_ties(checks._search_mutant)


@pytest.mark.parametrize("key", list(checks._BOUNDARY_DIAGNOSES))
def test_near_boundary_mistakes_are_diagnosed(key):
    def student(value, low, high, log=True, frac=0.1):
        return checks._boundary_mutant(key, value, low, high, log, frac)

    with pytest.raises(AssertionError) as info:
        checks.check_near_boundary(student)
    assert checks._BOUNDARY_DIAGNOSES[key] in str(info.value)


@pytest.mark.parametrize("key", list(checks._ADAM_DIAGNOSES))
def test_adam_mistakes_are_diagnosed(key):
    class Student(checks._AdamMutant):
        def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
            super().__init__(params, lr, betas, eps, weight_decay, mistakes=(key,))

    with pytest.raises(AssertionError) as info:
        checks.check_scratch_adam_matches_torch(Student)
    assert checks._ADAM_DIAGNOSES[key] in str(info.value)


def test_plain_adam_mutant_passes():
    checks.check_scratch_adam_matches_torch(checks._AdamMutant)


@pytest.mark.parametrize("key", ["batch_mean", "last_batch", "no_zero_grad"])
def test_epoch_mistakes_are_diagnosed(key):
    def student(model, loader, optimizer, loss_fn):
        return checks._reference_epoch(model, loader, optimizer, loss_fn, mistakes=(key,))

    with pytest.raises(AssertionError) as info:
        checks.check_train_one_epoch_matches_reference(student)
    assert checks._EPOCH_DIAGNOSES[key] in str(info.value)


def test_epoch_without_train_mode_is_diagnosed():
    def student(model, loader, optimizer, loss_fn):
        return checks._reference_epoch(model, loader, optimizer, loss_fn, mistakes=("no_train",))

    checks.check_train_one_epoch_matches_reference(student)  # the model was in training mode
    with pytest.raises(AssertionError, match="model.train\\(\\) was not called"):
        checks.check_train_one_epoch_train_mode_and_zero_grad(student)


def test_delegation_stubs_are_removed_afterwards():
    """The check restores torch's Adam even when it catches a delegating optimizer."""
    step, functional = torch.optim.Adam.step, torch.optim._functional.adam

    class Delegating(torch.optim.Optimizer):
        def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
            super().__init__(params, {"lr": lr})
            self.inner = torch.optim.Adam(self.param_groups)

        def step(self, closure=None):
            return self.inner.step(closure)

    with pytest.raises(AssertionError, match="delegates to torch"):
        checks.check_scratch_adam_does_not_delegate(Delegating)
    assert torch.optim.Adam.step is step and torch.optim._functional.adam is functional


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
        obj, _, fns = CELLS[cell]
        for check in fns:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    check(ns[obj])
                except AssertionError as exc:
                    messages.append(str(exc))
    assert messages, f"{entry.name} passes every check of {sorted(entry.cells)}"
    assert any(entry.message.lower() in m.lower() for m in messages), messages


@pytest.mark.parametrize("entry", WRONG, ids=lambda e: e.name)
def test_wrong_entry_loses_exactly_the_listed_cells(entry):
    """Executing all test cells fails exactly ``loses:``, with the ``message:`` phrase."""
    failed = _failing(solution_namespace(ASSIGNMENT, entry.cells), _test_cells())
    assert sorted(failed) == sorted(entry.loses)
    assert any(entry.message.lower() in text.lower() for text in failed.values()), failed


@pytest.mark.parametrize("entry", CORRECT, ids=lambda e: e.name)
def test_correct_entry_passes_everything(entry):
    assert set(entry.cells) == set(CELLS), "a correct alternative replaces every solution cell"
    ns = solution_namespace(ASSIGNMENT, entry.cells)
    assert _all_checks(ns) == []
    assert _failing(ns, _test_cells()) == {}
