"""Fast tests of assignment A7 (dropout, batch norm, noise, augmentation): reference, checks, catalog.

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

from autograder.checks import a7_dropout_batchnorm as checks

ASSIGNMENT = "a7_dropout_batchnorm"
torch.set_num_threads(1)


def _bn_checks(check):
    return lambda ns: check(ns["batchnorm_forward"], ns["batchnorm_backward"])


def _one(name, check):
    return lambda ns: check(ns[name])


# solution cell -> (test-cell grade_id prefix, hidden checks of it, each taking the namespace)
CELLS = {
    "dropout_forward_implementation": (
        "dropout_forward_",
        [
            _one("dropout_forward", checks.check_dropout_forward_training),
            _one("dropout_forward", checks.check_dropout_forward_eval_and_edge_p),
        ],
    ),
    "dropout_backward_implementation": (
        "dropout_backward_",
        [_one("dropout_backward", checks.check_dropout_backward)],
    ),
    "dropconnect_linear_implementation": (
        "dropconnect_linear_",
        [
            _one("dropconnect_linear", checks.check_dropconnect_linear_training),
            _one("dropconnect_linear", checks.check_dropconnect_linear_edge_cases),
        ],
    ),
    "batchnorm_forward_implementation": (
        "batchnorm_forward_",
        [
            _one("batchnorm_forward", checks.check_batchnorm_forward_training_matches_torch),
            _one("batchnorm_forward", checks.check_batchnorm_forward_eval_matches_torch),
        ],
    ),
    "batchnorm_backward_implementation": (
        "batchnorm_backward_",
        [
            _bn_checks(checks.check_batchnorm_backward_matches_torch),
            _bn_checks(checks.check_batchnorm_backward_finite_differences),
        ],
    ),
    "cross_entropy_label_smoothing_implementation": (
        "cross_entropy_label_smoothing_",
        [
            _one(
                "cross_entropy_label_smoothing",
                checks.check_cross_entropy_label_smoothing_matches_torch,
            ),
            _one(
                "cross_entropy_label_smoothing",
                checks.check_cross_entropy_label_smoothing_edge_cases,
            ),
        ],
    ),
    "mixup_batch_implementation": ("mixup_batch_", [_one("mixup_batch", checks.check_mixup_batch)]),
    "random_horizontal_flip_implementation": (
        "random_horizontal_flip_",
        [_one("random_horizontal_flip", checks.check_random_horizontal_flip)],
    ),
    "random_crop_implementation": ("random_crop_", [_one("random_crop", checks.check_random_crop)]),
    "add_gaussian_noise_implementation": (
        "add_gaussian_noise_",
        [_one("add_gaussian_noise", checks.check_add_gaussian_noise)],
    ),
}
ALL_CHECKS = [(cell, i) for cell, (_, fns) in CELLS.items() for i in range(len(fns))]
WRONG = entries(ASSIGNMENT, "wrong")
CORRECT = entries(ASSIGNMENT, "correct")


def _test_cells(nb=None) -> dict[str, str]:
    """grade_id -> source of every autograded test cell, in notebook order."""
    return graded_test_sources(nb if nb is not None else source_notebook(ASSIGNMENT))


def _cells_of(prefixes) -> dict[str, str]:
    prefixes = tuple(prefixes)
    return {g: s for g, s in _test_cells().items() if g.startswith(prefixes)}


def _run_all(ns, cells) -> list[str]:
    """Messages of the failing checks of the given solution cells."""
    messages = []
    for cell in cells:
        for check in CELLS[cell][1]:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    check(ns)
                except AssertionError as exc:
                    messages.append(str(exc))
    return messages


# --------------------------------------------------------------------------------------
# The reference solution
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def reference():
    return solution_namespace(ASSIGNMENT)


@pytest.mark.parametrize("cell, index", ALL_CHECKS, ids=lambda x: str(x))
def test_reference_passes_every_check(reference, cell, index):
    CELLS[cell][1][index](reference)


def test_every_test_cell_passes_on_reference(reference):
    assert _failing(reference, _test_cells()) == {}


def test_visible_tests_pass_on_reference(reference):
    """The numbers written in the visible tests are right (hidden parts removed)."""
    visible = _test_cells(student_view(ASSIGNMENT))
    assert "BEGIN HIDDEN TESTS" not in "".join(visible.values())
    assert _failing(reference, visible) == {}


@pytest.mark.parametrize("n, d, momentum, eps", [(2, 3, 0.1, 1e-5), (9, 4, 0.25, 1e-3)])
def test_reference_batchnorm_agrees_with_torch_directly(reference, n, d, momentum, eps):
    """Not through the checks module: F.batch_norm forward (both modes) and autograd backward."""
    rng = np.random.default_rng(n * 100 + d)
    x = rng.normal(2.0, 3.0, (n, d))
    gamma, beta = rng.uniform(0.5, 2, d), rng.normal(size=d)
    rm, rv = rng.normal(size=d), rng.uniform(0.5, 2, d)
    dout = rng.normal(size=(n, d))
    for training in (True, False):
        rm_t, rv_t = torch.tensor(rm), torch.tensor(rv)
        xt = torch.tensor(x, requires_grad=True)
        gt, bt = torch.tensor(gamma, requires_grad=True), torch.tensor(beta, requires_grad=True)
        out_t = torch.nn.functional.batch_norm(xt, rm_t, rv_t, gt, bt, training, momentum, eps)
        out, cache, new_rm, new_rv = reference["batchnorm_forward"](
            x, gamma, beta, rm, rv, training, momentum, eps
        )
        np.testing.assert_allclose(out, out_t.detach().numpy(), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(new_rm, rm_t.numpy(), rtol=1e-12)
        np.testing.assert_allclose(new_rv, rv_t.numpy(), rtol=1e-12)
        if training:
            out_t.backward(torch.tensor(dout))
            grads = reference["batchnorm_backward"](dout, cache)
            for got, want in zip(grads, (xt.grad, gt.grad, bt.grad), strict=True):
                np.testing.assert_allclose(got, want.numpy(), rtol=1e-9, atol=1e-12)


def test_reference_cross_entropy_agrees_with_torch_directly(reference):
    rng = np.random.default_rng(11)
    for scale in (1.0, 50.0, 1e4):
        for s in (0.0, 0.1, 0.37, 1.0):
            logits = rng.normal(size=(7, 5)) * scale
            targets = rng.integers(0, 5, 7)
            expected = torch.nn.functional.cross_entropy(
                torch.tensor(logits), torch.tensor(targets), label_smoothing=s
            ).item()
            got = reference["cross_entropy_label_smoothing"](logits, targets, s)
            assert np.isclose(got, expected, rtol=1e-12, atol=1e-12), (scale, s, got, expected)


def test_reference_dropout_is_unbiased_and_drops_a_fraction_p(reference):
    """Independent of the twin-generator oracle: E[out] = x and the drop rate is p."""
    rng = np.random.default_rng(3)
    x = np.full(200_000, 3.0)
    out, mask = reference["dropout_forward"](x, 0.3, True, rng)
    assert abs(np.mean(mask == 0) - 0.3) < 0.005
    assert abs(out.mean() - 3.0) < 0.03


def test_reference_random_crop_matches_a_torch_pad_and_slice(reference):
    """Crops agree with torch.nn.functional.pad (zeros) and the same drawn offsets."""
    images = np.random.default_rng(4).normal(size=(4, 5, 6))
    out = reference["random_crop"](images, 4, 2, np.random.default_rng(9))
    padded = torch.nn.functional.pad(torch.tensor(images), (2, 2, 2, 2)).numpy()
    draws = np.random.default_rng(9)
    for i in range(4):
        top, left = draws.integers(0, 6), draws.integers(0, 7)
        np.testing.assert_array_equal(out[i], padded[i, top : top + 4, left : left + 4])


def test_blank_release_fails_every_check_as_not_implemented():
    """The student view as handed out: every hidden check says 'not implemented yet'."""
    stubs = {
        _nbgrader(c)["grade_id"]: c.source
        for c in student_view(ASSIGNMENT).cells
        if c.cell_type == "code" and _nbgrader(c).get("solution")
    }
    assert all("raise NotImplementedError()" in s for s in stubs.values())
    ns = solution_namespace(ASSIGNMENT, stubs)
    for cell, index in ALL_CHECKS:
        with pytest.raises(AssertionError, match="is not implemented yet"):
            CELLS[cell][1][index](ns)


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
    for prefix, _ in CELLS.values():
        cells = _cells_of([prefix])
        hidden = [g for g, s in cells.items() if "### BEGIN HIDDEN TESTS" in s]
        assert hidden and len(hidden) < len(cells), prefix


# --------------------------------------------------------------------------------------
# Known mistakes inside the checks module are all reachable
# --------------------------------------------------------------------------------------


def _bn_pair(mistakes):
    """A forward/backward pair built from the checks' models (cache: x, gamma, eps)."""

    def forward(x, gamma, beta, rm, rv, training, momentum=0.1, eps=1e-5):
        out, _, new_rm, new_rv = checks._bn_model(x, gamma, beta, rm, rv, training, momentum, eps)
        return out, (x, gamma, eps), new_rm, new_rv

    def backward(dout, cache):
        x, gamma, eps = cache
        return checks._bn_backward_model(x, gamma, dout, eps, mistakes=mistakes)

    return {"batchnorm_forward": forward, "batchnorm_backward": backward}


MUTANTS = {
    # group -> (its diagnoses, the function it simulates, the model with ``mistakes``)
    "dropout": (checks._DROPOUT_DIAGNOSES, "dropout_forward", checks._dropout_model),
    "dropconnect": (
        checks._DROPCONNECT_DIAGNOSES,
        "dropconnect_linear",
        checks._dropconnect_model,
    ),
    "batchnorm": (checks._BN_DIAGNOSES, "batchnorm_forward", checks._bn_model),
    "cross_entropy": (
        checks._CE_DIAGNOSES,
        "cross_entropy_label_smoothing",
        checks._ce_model,
    ),
    "mixup": (checks._MIXUP_DIAGNOSES, "mixup_batch", checks._mixup_model),
    "flip": (checks._FLIP_DIAGNOSES, "random_horizontal_flip", checks._flip_model),
    "crop": (checks._CROP_DIAGNOSES, "random_crop", checks._crop_model),
    "noise": (checks._NOISE_DIAGNOSES, "add_gaussian_noise", checks._noise_model),
}


def _cell_of(name: str) -> str:
    return f"{name}_implementation"


@pytest.mark.parametrize(
    "group, key", [(g, k) for g, (diag, _, _) in MUTANTS.items() for k in diag], ids=str
)
def test_every_known_mistake_is_diagnosed(group, key):
    diagnoses, name, model = MUTANTS[group]
    ns = {name: functools.partial(model, mistakes=(key,))}
    messages = _run_all(ns, [_cell_of(name)])
    assert messages, f"the mutant {key} passes every check"
    assert diagnoses[key] in messages[0], messages[0]


@pytest.mark.parametrize("key", list(checks._BN_BACKWARD_DIAGNOSES))
def test_every_batchnorm_backward_mistake_is_diagnosed(key):
    messages = _run_all(_bn_pair((key,)), ["batchnorm_backward_implementation"])
    assert len(messages) == 2, f"the mutant {key} passes a backward check"
    for message in messages:
        assert checks._BN_BACKWARD_DIAGNOSES[key] in message, message


def test_plain_mutants_pass():
    """The models without a mistake are correct implementations."""
    for _, name, model in MUTANTS.values():
        assert _run_all({name: functools.partial(model, mistakes=())}, [_cell_of(name)]) == []
    assert _run_all(_bn_pair(()), ["batchnorm_backward_implementation"]) == []


def test_gaussian_noise_via_rng_normal_is_not_a_mistake():
    """rng.normal(0, std, shape) gives the same numbers as std * rng.standard_normal(shape)."""
    checks.check_add_gaussian_noise(lambda x, std, rng: x + rng.normal(0.0, std, x.shape))


# --------------------------------------------------------------------------------------
# The catalog
# --------------------------------------------------------------------------------------


def test_catalog_size():
    assert len(WRONG) >= 15 and len(CORRECT) >= 2
    assert all(e.message for e in WRONG)


@pytest.mark.parametrize("entry", WRONG, ids=lambda e: e.name)
def test_wrong_entry_fails_its_check_with_message(entry):
    messages = _run_all(solution_namespace(ASSIGNMENT, entry.cells), entry.cells)
    assert messages, f"{entry.name} passes every check of {sorted(entry.cells)}"
    assert any(entry.message.lower() in m.lower() for m in messages), messages


@pytest.mark.parametrize("entry", WRONG, ids=lambda e: e.name)
def test_wrong_entry_loses_exactly_the_listed_cells(entry):
    """Executing every test cell (visible and hidden) fails exactly ``loses:``,
    and the ``message:`` phrase appears in the feedback of a failing cell."""
    failed = _failing(solution_namespace(ASSIGNMENT, entry.cells), _test_cells())
    assert sorted(failed) == sorted(entry.loses)
    assert any(entry.message.lower() in text.lower() for text in failed.values()), failed


@pytest.mark.parametrize("entry", CORRECT, ids=lambda e: e.name)
def test_correct_entry_passes_everything(entry):
    assert set(entry.cells) == set(CELLS), "a correct alternative replaces every solution cell"
    ns = solution_namespace(ASSIGNMENT, entry.cells)
    assert _run_all(ns, CELLS) == []
    assert _failing(ns, _test_cells(student_view(ASSIGNMENT))) == {}
