"""Fast tests of assignment A4 (optimizers): reference solution, checks and catalog.

No kernel and no nbgrader run: the notebook's cells are executed with ``exec`` in a plain
namespace (``catalog_tools.solution_namespace``), and the student view is made in memory
with nbgrader's own ``ClearSolutions`` / ``ClearHiddenTests`` preprocessors.
"""

from __future__ import annotations

import functools
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

from autograder.checks import a4_optimizers as checks

ASSIGNMENT = "a4_optimizers"

# solution cell -> (object it defines, test-cell grade_id prefix, hidden checks of it)
CELLS = {
    "sgd_implementation": (
        "SGD",
        "sgd_",
        [checks.check_sgd_matches_torch, checks.check_sgd_edge_cases, checks.check_sgd_contract],
    ),
    "adagrad_implementation": (
        "Adagrad",
        "adagrad_",
        [
            checks.check_adagrad_matches_torch,
            checks.check_adagrad_edge_cases,
            checks.check_adagrad_contract,
        ],
    ),
    "rmsprop_implementation": (
        "RMSprop",
        "rmsprop_",
        [
            checks.check_rmsprop_matches_torch,
            checks.check_rmsprop_edge_cases,
            checks.check_rmsprop_contract,
        ],
    ),
    "adadelta_implementation": (
        "Adadelta",
        "adadelta_",
        [
            checks.check_adadelta_matches_torch,
            checks.check_adadelta_edge_cases,
            checks.check_adadelta_contract,
        ],
    ),
    "adam_implementation": (
        "Adam",
        "adam_",
        [checks.check_adam_matches_torch, checks.check_adam_edge_cases, checks.check_adam_contract],
    ),
    "adamw_implementation": (
        "AdamW",
        "adamw_",
        [
            checks.check_adamw_matches_torch,
            checks.check_adamw_edge_cases,
            checks.check_adamw_contract,
        ],
    ),
    "newton_step_implementation": ("newton_step", "newton_step_", [checks.check_newton_step]),
}
FULL_CHECKS = {
    "SGD": checks.check_sgd,
    "Adagrad": checks.check_adagrad,
    "RMSprop": checks.check_rmsprop,
    "Adadelta": checks.check_adadelta,
    "Adam": checks.check_adam,
    "AdamW": checks.check_adamw,
    "newton_step": checks.check_newton_step,
}
WRONG = entries(ASSIGNMENT, "wrong")
CORRECT = entries(ASSIGNMENT, "correct")


def _test_cells(nb=None) -> dict[str, str]:
    """grade_id -> source of every autograded test cell, in notebook order."""
    return graded_test_sources(nb if nb is not None else source_notebook(ASSIGNMENT))


def _student_view():
    """The release as nbgrader would make it: solutions and hidden tests removed."""
    return student_view(ASSIGNMENT)


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
    visible = _test_cells(_student_view())
    assert "BEGIN HIDDEN TESTS" not in "".join(visible.values())
    assert _failing(reference, visible) == {}


def _torch_run(name, kwargs, w0, grads):
    """Independent oracle: torch.optim.<name> on a float64 parameter."""
    p = torch.nn.Parameter(torch.from_numpy(w0.copy()))
    opt = getattr(torch.optim, name)([p], **kwargs)
    out = []
    for g in grads:
        p.grad = torch.from_numpy(g.copy())
        opt.step()
        out.append(p.detach().clone().numpy())
    return out


REFERENCE_SETTINGS = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.03, "momentum": 0.9}),
    ("SGD", {"lr": 0.03, "momentum": 0.7, "nesterov": True, "weight_decay": 0.2}),
    ("Adagrad", {}),
    ("Adagrad", {"lr": 0.3, "eps": 1e-3}),
    ("RMSprop", {}),
    ("RMSprop", {"lr": 0.02, "alpha": 0.8, "eps": 1e-3}),
    ("Adadelta", {}),
    ("Adadelta", {"lr": 0.7, "rho": 0.6, "eps": 1e-3}),
    ("Adam", {}),
    ("Adam", {"lr": 0.02, "betas": (0.7, 0.95), "eps": 1e-3, "weight_decay": 0.3}),
    ("AdamW", {}),
    ("AdamW", {"lr": 0.02, "betas": (0.7, 0.95), "eps": 1e-3, "weight_decay": 0.3}),
]


@pytest.mark.parametrize("name, kwargs", REFERENCE_SETTINGS, ids=lambda x: str(x))
def test_reference_agrees_with_torch_directly(reference, name, kwargs):
    """Not through the checks module: a plain loop against torch.optim."""
    rng = np.random.default_rng(12345)
    w0 = rng.normal(size=(3, 5))
    grads = [rng.normal(size=(3, 5)) * rng.choice([1e-3, 1.0, 10.0]) for _ in range(150)]
    expected = _torch_run(name, kwargs, w0, grads)
    opt = reference[name](**kwargs)
    w = w0
    for t, (g, e) in enumerate(zip(grads, expected, strict=True), 1):
        w_before, g_before = w.copy(), g.copy()
        w_new = opt.step(w, g)
        assert np.array_equal(w, w_before) and np.array_equal(g, g_before)
        assert w_new.dtype == np.float64 and w_new.shape == w0.shape
        np.testing.assert_allclose(w_new, e, rtol=1e-10, atol=1e-13, err_msg=f"step {t}")
        w = w_new


def test_newton_reference_agrees_with_torch_solve(reference):
    rng = np.random.default_rng(5)
    for n in (1, 2, 6):
        a = rng.normal(size=(n, n))
        h = a @ a.T + n * np.eye(n)
        w, g = rng.normal(size=n), rng.normal(size=n)
        expected = w - torch.linalg.solve(torch.from_numpy(h), torch.from_numpy(g)).numpy()
        np.testing.assert_allclose(reference["newton_step"](w, g, h), expected, rtol=1e-12)


def test_blank_release_fails_every_check_as_not_implemented():
    """The student view as handed out: every hidden check says 'not implemented yet'."""
    stubs = {
        _nbgrader(c)["grade_id"]: c.source
        for c in _student_view().cells
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
    for prefix in ("sgd_", "adagrad_", "rmsprop_", "adadelta_", "adam_", "adamw_"):
        cells = _cells_of([prefix])
        hidden = [g for g, s in cells.items() if "### BEGIN HIDDEN TESTS" in s]
        assert hidden and len(hidden) < len(cells), prefix


# --------------------------------------------------------------------------------------
# Known mistakes inside the checks module are all reachable
# --------------------------------------------------------------------------------------

SPECS = {
    "SGD": checks._SGD,
    "Adagrad": checks._ADAGRAD,
    "RMSprop": checks._RMSPROP,
    "Adadelta": checks._ADADELTA,
    "Adam": checks._ADAM,
    "AdamW": checks._ADAMW,
}


@pytest.mark.parametrize(
    "name, key", [(n, k) for n, spec in SPECS.items() for k in spec.diagnoses], ids=str
)
def test_every_known_mistake_is_diagnosed(name, key):
    spec = SPECS[name]
    student = functools.partial(spec.mutant, mistakes=(key,))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(AssertionError) as info:
            FULL_CHECKS[name](student)
    assert spec.diagnoses[key] in str(info.value)


@pytest.mark.parametrize("key", list(checks._NEWTON_DIAGNOSES))
def test_every_newton_mistake_is_diagnosed(key):
    with pytest.raises(AssertionError) as info:
        checks.check_newton_step(functools.partial(checks._newton_mutant, key))
    assert checks._NEWTON_DIAGNOSES[key] in str(info.value)


def test_plain_mutants_pass():
    """The mutant machinery without a mistake is a correct implementation."""
    for name, spec in SPECS.items():
        FULL_CHECKS[name](functools.partial(spec.mutant, mistakes=()))


# --------------------------------------------------------------------------------------
# The catalog
# --------------------------------------------------------------------------------------


def test_catalog_size():
    assert len(WRONG) >= 16 and len(CORRECT) >= 2
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
    cells = _cells_of(CELLS[c][1] for c in entry.cells)
    assert set(entry.loses) <= set(cells), "loses names test cells of the classes it breaks"
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
