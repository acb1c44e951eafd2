"""Fast tests of assignment A3 (gradient descent on logistic regression): reference solution,
checks, oracles and catalog.

No kernel and no nbgrader run: the notebook's cells are executed with ``exec`` in a plain
namespace (``catalog_tools.solution_namespace``), and the student view is made in memory with
nbgrader's own ``ClearSolutions`` / ``ClearHiddenTests`` preprocessors.
"""

from __future__ import annotations

import copy
import functools
import math
import re
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from catalog_tools import (
    entries,
    failing_cells as _failing,
    graded_test_sources,
    nbgrader_meta as _nbgrader,
    solution_namespace,
    source_notebook,
    student_view,
)
from scipy.special import expit
from sklearn.linear_model import LogisticRegression

from autograder.checks import a3_gradient_descent as checks

ASSIGNMENT = "a3_gradient_descent"

# solution cell -> (function it defines, test-cell grade_id prefix)
CELLS = {
    "sigmoid_implementation": ("sigmoid", "sigmoid_"),
    "logistic_loss_implementation": ("logistic_loss", "logistic_loss_"),
    "logistic_grad_implementation": ("logistic_grad", "logistic_grad_"),
    "minibatch_indices_implementation": ("minibatch_indices", "minibatch_indices_"),
    "train_logistic_regression_implementation": ("train_logistic_regression", "train_"),
}
HELPERS = ("minibatch_indices", "logistic_grad", "logistic_loss")


def _hidden_checks(ns: dict) -> list[tuple[str, functools.partial]]:
    """(name, check bound to the namespace's functions) for every public check."""
    helpers = [ns[h] for h in HELPERS]
    train = ns["train_logistic_regression"]
    return [
        (
            "check_sigmoid_is_stable",
            functools.partial(checks.check_sigmoid_is_stable, ns["sigmoid"]),
        ),
        (
            "check_sigmoid_matches_expit",
            functools.partial(checks.check_sigmoid_matches_expit, ns["sigmoid"]),
        ),
        ("check_sigmoid_contract", functools.partial(checks.check_sigmoid_contract, ns["sigmoid"])),
        (
            "check_logistic_loss_is_stable",
            functools.partial(checks.check_logistic_loss_is_stable, ns["logistic_loss"]),
        ),
        (
            "check_logistic_loss_matches_torch",
            functools.partial(checks.check_logistic_loss_matches_torch, ns["logistic_loss"]),
        ),
        (
            "check_logistic_loss_contract",
            functools.partial(checks.check_logistic_loss_contract, ns["logistic_loss"]),
        ),
        (
            "check_logistic_grad_is_stable",
            functools.partial(checks.check_logistic_grad_is_stable, ns["logistic_grad"]),
        ),
        (
            "check_logistic_grad_matches_autograd",
            functools.partial(checks.check_logistic_grad_matches_autograd, ns["logistic_grad"]),
        ),
        (
            "check_logistic_grad_contract",
            functools.partial(checks.check_logistic_grad_contract, ns["logistic_grad"]),
        ),
        (
            "check_minibatch_indices_edge_cases",
            functools.partial(checks.check_minibatch_indices_edge_cases, ns["minibatch_indices"]),
        ),
        (
            "check_minibatch_indices_draws",
            functools.partial(checks.check_minibatch_indices_draws, ns["minibatch_indices"]),
        ),
        (
            "check_train_matches_reference",
            functools.partial(checks.check_train_matches_reference, train, *helpers),
        ),
        ("check_train_history", functools.partial(checks.check_train_history, train, *helpers)),
        ("check_train_draws", functools.partial(checks.check_train_draws, train, helpers[0])),
        ("check_train_contract", functools.partial(checks.check_train_contract, train)),
    ]


WRONG = entries(ASSIGNMENT, "wrong")
CORRECT = entries(ASSIGNMENT, "correct")


def _test_cells(nb=None) -> dict[str, str]:
    """grade_id -> source of every autograded test cell, in notebook order."""
    return graded_test_sources(nb if nb is not None else source_notebook(ASSIGNMENT))


def _student_view():
    """The release as nbgrader would make it: solutions and hidden tests removed."""
    return student_view(ASSIGNMENT)


@pytest.fixture(scope="module")
def reference():
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # the notebook's own cells run cleanly
        return solution_namespace(ASSIGNMENT)


@pytest.mark.parametrize("index", range(15), ids=lambda i: _hidden_checks_names()[i])
def test_reference_passes_every_check(reference, index):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning of any kind from the reference
        _hidden_checks(reference)[index][1]()


@functools.cache
def _hidden_checks_names() -> list[str]:
    dummy = dict.fromkeys([*HELPERS, "sigmoid", "train_logistic_regression"], print)
    return [name for name, _ in _hidden_checks(dummy)]


def test_every_test_cell_passes_on_reference(reference):
    assert _failing(reference, _test_cells()) == {}


def test_visible_tests_pass_on_reference(reference):
    """The numbers written in the visible tests are right (hidden parts removed)."""
    visible = _test_cells(_student_view())
    assert "BEGIN HIDDEN TESTS" not in "".join(visible.values())
    assert _failing(reference, visible) == {}


def test_visible_hand_numbers_are_right():
    """The hand-worked numbers of the visible tests, recomputed independently."""
    ln3 = math.log(3.0)
    assert expit(ln3) == pytest.approx(0.75) and expit(-ln3) == pytest.approx(0.25)
    # logistic_loss_matches_hand_values: logits [0, ln 3, ln 3], labels [1, 1, 0]
    z, y = torch.tensor([0.0, ln3, ln3], dtype=torch.float64), torch.tensor([1.0, 1.0, 0.0])
    bce = F.binary_cross_entropy_with_logits(z, y.double()).item()
    assert bce == pytest.approx((math.log(2) + math.log(4 / 3) + math.log(4)) / 3, rel=1e-14)
    assert bce == pytest.approx(0.789041, abs=1e-6)
    # logistic_loss_is_finite_for_logits_of_1e4: logits [1e4, 1e4], labels [1, 0]
    big = F.binary_cross_entropy_with_logits(
        torch.tensor([1e4, 1e4], dtype=torch.float64), torch.tensor([1.0, 0.0], dtype=torch.float64)
    )
    assert big.item() == 5000.0
    # logistic_grad_matches_hand_values and logistic_grad_is_finite_for_logits_of_1e4
    X = np.array([[1.0, 2.0], [1.0, -1.0], [1.0, 0.0]])
    yv = np.array([1.0, 0.0, 0.0])
    for w, expected in [(np.zeros(2), [1 / 6, -1 / 2]), (np.array([ln3, 0.0]), [5 / 12, -5 / 12])]:
        np.testing.assert_allclose(_autograd(w, X, yv), expected, rtol=1e-12)
    np.testing.assert_allclose(
        _autograd(np.array([1e4]), np.array([[1.0], [-1.0], [1.0]]), np.array([1.0, 1.0, 0.0])),
        [2 / 3],
        rtol=1e-12,
    )
    # train_batch_gd_matches_hand_computed_steps: two batch-GD steps by torch.optim.SGD
    X2, y2 = np.array([[1.0], [-1.0]]), np.array([1.0, 0.0])
    p = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
    opt = torch.optim.SGD([p], lr=2 * ln3)
    for expected in (ln3, 1.5 * ln3):
        opt.zero_grad()
        F.binary_cross_entropy_with_logits(
            torch.from_numpy(X2) @ p, torch.from_numpy(y2)
        ).backward()
        opt.step()
        assert p.item() == pytest.approx(expected, rel=1e-12)
    # minibatch_indices_cuts_consecutive_chunks_of_a_permutation (the comment's literal)
    assert np.random.default_rng(0).permutation(10).tolist() == [4, 6, 2, 7, 3, 5, 9, 0, 8, 1]


def _autograd(w, X, y) -> np.ndarray:
    wt = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    F.binary_cross_entropy_with_logits(torch.from_numpy(X) @ wt, torch.from_numpy(y)).backward()
    return wt.grad.numpy()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_reference_loss_and_grad_agree_with_torch_directly(reference, seed):
    """Not through the checks module: torch BCE with logits and autograd, float64."""
    rng = np.random.default_rng(seed)
    n, d = 50, 4
    X = rng.normal(size=(n, d)) * rng.choice([0.1, 1.0, 30.0])
    y = rng.integers(0, 2, n).astype(float)
    w = rng.normal(size=d)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    wt = torch.tensor(w, requires_grad=True)
    loss = F.binary_cross_entropy_with_logits(Xt @ wt, yt)
    loss.backward()
    assert reference["logistic_loss"](w, X, y) == pytest.approx(loss.item(), rel=1e-12)
    np.testing.assert_allclose(
        reference["logistic_grad"](w, X, y), wt.grad.numpy(), rtol=1e-10, atol=1e-14
    )
    z = rng.normal(size=(3, 7)) * 300
    np.testing.assert_allclose(reference["sigmoid"](z), expit(z), rtol=1e-14, atol=1e-300)
    np.testing.assert_allclose(
        reference["sigmoid"](z), torch.sigmoid(torch.from_numpy(z)), atol=1e-16
    )


def test_reference_sigmoid_and_loss_are_quiet_for_huge_logits(reference):
    z = np.array([-1e4, -1e3, -709.9, -745.5, 0.0, 745.5, 1e3, 1e4])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
            s = reference["sigmoid"](z)
            X = np.column_stack([z, np.ones_like(z)])
            loss = reference["logistic_loss"](np.array([1.0, 0.0]), X, (z > 0).astype(float))
            grad = reference["logistic_grad"](np.array([1.0, 0.0]), X, (z < 0).astype(float))
    assert s[4] == 0.5 and s[0] == 0.0 and s[-1] == 1.0
    # only the sample with z = 0 costs something (ln 2); the others are confidently right
    assert loss == pytest.approx(math.log(2.0) / len(z), rel=1e-14)
    assert np.all(np.isfinite(grad))


def test_reference_training_approaches_sklearn_optimum(reference):
    """Batch GD converges to scikit-learn's unpenalized optimum on a non-separable problem,
    and mini-batch SGD with a small step ends close to it."""
    rng = np.random.default_rng(42)
    n = 300
    feats = rng.normal(size=(n, 2))
    X = np.column_stack([feats, np.ones(n)])
    y = (rng.random(n) < expit(feats @ np.array([1.5, -2.0]) + 0.3)).astype(float)
    sk = LogisticRegression(C=np.inf, tol=1e-12, max_iter=10_000).fit(feats, y)
    w_star = np.append(sk.coef_.ravel(), sk.intercept_)
    loss_star = reference["logistic_loss"](w_star, X, y)

    w_gd, hist = reference["train_logistic_regression"](
        X, y, 2.0, 2000, n, np.random.default_rng(0)
    )
    np.testing.assert_allclose(w_gd, w_star, rtol=1e-5, atol=1e-6)
    assert np.all(np.diff(hist) <= 1e-15), "batch GD with a small step decreases the loss"
    assert hist[-1] == pytest.approx(loss_star, rel=1e-10)

    w_sgd, hist = reference["train_logistic_regression"](
        X, y, 0.05, 40, 10, np.random.default_rng(0)
    )
    assert np.linalg.norm(w_sgd - w_star) < 0.1 * np.linalg.norm(w_star)
    assert hist[-1] - loss_star < 5e-3


def test_reference_minibatches_and_draws(reference):
    """Independently of the checks: batches are chunks of one permutation; training draws one
    permutation per epoch and nothing for epochs = 0."""
    mb = reference["minibatch_indices"]
    for n, b in [(10, 4), (7, 7), (5, 9), (6, 1)]:
        rng = np.random.default_rng(n * 100 + b)
        twin = copy.deepcopy(rng)
        batches = mb(n, b, rng)
        perm = twin.permutation(n)
        assert [len(x) for x in batches] == [min(b, n - i) for i in range(0, n, b)]
        assert np.array_equal(np.concatenate(batches), perm)
        assert rng.bit_generator.state == twin.bit_generator.state
    X = np.column_stack([np.linspace(-1, 1, 9), np.ones(9)])
    y = (np.arange(9) % 2).astype(float)
    rng = np.random.default_rng(5)
    twin = copy.deepcopy(rng)
    reference["train_logistic_regression"](X, y, 0.1, 3, 4, rng)
    for _ in range(3):
        twin.permutation(9)
    assert rng.bit_generator.state == twin.bit_generator.state
    rng = np.random.default_rng(5)
    w0 = np.array([0.5, -0.5])
    w, hist = reference["train_logistic_regression"](X, y, 0.1, 0, 4, rng, w0)
    assert hist == [] and np.array_equal(w, w0) and w is not w0
    assert rng.bit_generator.state == np.random.default_rng(5).bit_generator.state


def test_blank_release_fails_every_check_as_not_implemented():
    """The student view as handed out: every hidden check says 'not implemented yet'."""
    stubs = {
        _nbgrader(c)["grade_id"]: c.source
        for c in _student_view().cells
        if c.cell_type == "code" and _nbgrader(c).get("solution")
    }
    assert all("raise NotImplementedError()" in s for s in stubs.values())
    ns = _stub_namespace(stubs)
    for name, check in _hidden_checks(ns):
        try:
            check()
        except AssertionError as exc:
            assert "not implemented yet" in str(exc), f"{name}: {exc}"
        else:
            pytest.fail(f"{name} passed on the blank release")


def _stub_namespace(stubs: dict[str, str]) -> dict:
    """Solution cells replaced by the release's stubs; the experiment cell is skipped (it
    calls the unimplemented functions, as it does in a student's fresh notebook)."""
    ns: dict = {"__name__": f"submission_{ASSIGNMENT}", "np": np}
    for source in stubs.values():
        exec(compile(source, "<stub>", "exec"), ns)
    return ns


# --------------------------------------------------------------------------------------
# The notebook's structure
# --------------------------------------------------------------------------------------


def test_notebook_structure():
    nb = source_notebook(ASSIGNMENT)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    ids = [_nbgrader(c).get("grade_id") for c in nb.cells]
    assert all(ids) and len(ids) == len(set(ids)), "every cell has a unique grade_id"
    assert [c.id for c in nb.cells] == [g.replace("_", "-") for g in ids], "fixed cell ids"
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
            before = cell.source.split("### BEGIN SOLUTION")[0]
            assert before.lstrip().startswith("def ") and '"""' in before, "signature + docstring"
            imports = re.findall(r"^\s*(?:import|from)\s+(\w+)", cell.source, re.MULTILINE)
            assert set(imports) <= {"numpy", "math"}, imports
        elif meta.get("grade") and cell.cell_type == "code":  # a test cell
            assert meta["locked"] and meta["points"] > 0 and not meta.get("solution")
            first = cell.source.splitlines()[0]
            assert first.startswith('"""') and first.endswith('"""'), meta["grade_id"]
            if "### BEGIN HIDDEN TESTS" in cell.source:
                visible = cell.source.split("### BEGIN HIDDEN TESTS")[0]
                code_lines = [
                    line
                    for line in visible.splitlines()[1:]
                    if line.strip() and not line.lstrip().startswith("#")
                ]
                assert code_lines, f"{meta['grade_id']}: needs a visible smoke line or test"
        elif not meta.get("solution"):
            assert meta["locked"], f"{meta['grade_id']} must be locked"
    written = [c for c in nb.cells if c.cell_type == "markdown" and _nbgrader(c).get("grade")]
    assert [_nbgrader(c)["points"] for c in written] == [5]
    assert _nbgrader(written[0])["solution"] is True and not _nbgrader(written[0])["locked"]
    assert solution_code == set(CELLS)
    cells = _test_cells()
    for _, prefix in CELLS.values():
        mine = {g: s for g, s in cells.items() if g.startswith(prefix)}
        hidden = [g for g, s in mine.items() if "### BEGIN HIDDEN TESTS" in s]
        visible_only = [g for g, s in mine.items() if "### BEGIN HIDDEN TESTS" not in s]
        assert hidden and visible_only, prefix
    assert sum(_nbgrader(c).get("points", 0) for c in nb.cells) == 30


# --------------------------------------------------------------------------------------
# Known mistakes inside the checks module are diagnosed
# --------------------------------------------------------------------------------------

_SIGMOID_KEYS = ["sign", "clip:10", "clip:30"]
_LOSS_CASES = [(k, checks.check_logistic_loss) for k in ["sum", "sign", "pm1", "labels_swapped"]]
_LOSS_CASES += [
    (k, checks.check_logistic_loss)
    for k in ["log2", "clip_prob:1e-15", "clip_prob:1e-07", "clip:30", "clip:500"]
]
_LOSS_CASES += [("divide_by_d", checks.check_logistic_loss_matches_torch)]
_GRAD_CASES = [(k, checks.check_logistic_grad) for k in ["sum", "sign", "pm1", "labels_swapped"]]
_GRAD_CASES += [(k, checks.check_logistic_grad) for k in ["no_sigmoid", "clip:10"]]
_GRAD_CASES += [
    (k, checks.check_logistic_grad_matches_autograd) for k in ["divide_by_d", "sigmoid_flipped"]
]


@pytest.mark.parametrize("key", _SIGMOID_KEYS)
def test_sigmoid_mistakes_are_diagnosed(key):
    with pytest.raises(AssertionError) as info:
        checks.check_sigmoid(functools.partial(checks._sigmoid_mutant, key))
    assert checks._SIGMOID_DIAGNOSES[key] in str(info.value)


@pytest.mark.parametrize("key, check", _LOSS_CASES, ids=[k for k, _ in _LOSS_CASES])
def test_loss_mistakes_are_diagnosed(key, check):
    with pytest.raises(AssertionError) as info:
        check(functools.partial(checks._loss_mutant, key))
    assert checks._LOSS_DIAGNOSES[key] in str(info.value)


@pytest.mark.parametrize("key, check", _GRAD_CASES, ids=[k for k, _ in _GRAD_CASES])
def test_grad_mistakes_are_diagnosed(key, check):
    with pytest.raises(AssertionError) as info:
        check(functools.partial(checks._grad_mutant, key))
    assert checks._GRAD_DIAGNOSES[key] in str(info.value)


@pytest.mark.parametrize("key", ["drop_last", "sorted", "array_split_ceil", "reversed"])
def test_minibatch_mistakes_are_diagnosed(key):
    def student(n, b, rng):
        return checks._minibatch_mutants(rng.permutation(n), b)[key]

    with pytest.raises(AssertionError) as info:
        checks.check_minibatch_indices(student)
    assert checks._MINIBATCH_DIAGNOSES[key] in str(info.value)


@pytest.mark.parametrize(
    "key, check",
    [
        ("no_reshuffle", checks.check_train_matches_reference),
        ("no_shuffle", checks.check_train_matches_reference),
        ("drop_last", checks.check_train_matches_reference),
        ("full_gradient", checks.check_train_matches_reference),
        ("ignore_w0", checks.check_train_matches_reference),
        ("ascent", checks.check_train_matches_reference),
        ("history_before", checks.check_train_history),
        ("history_batch_mean", checks.check_train_history),
        ("history_last_batch", checks.check_train_history),
        ("no_reshuffle", checks.check_train_draws),
    ],
)
def test_train_mistakes_are_diagnosed(key, check):
    student = functools.partial(checks._train, mistakes=(key,))
    with pytest.raises(AssertionError) as info:
        check(student)
    if key == "no_shuffle":
        assert "was not used" in str(info.value)
    else:
        assert checks._TRAIN_DIAGNOSES[key] in str(info.value)


def test_plain_mutants_pass():
    """The mutant machinery without a mistake is a correct implementation."""
    checks.check_train_logistic_regression(checks._train)
    checks.check_minibatch_indices(checks._minibatch)
    checks.check_sigmoid(checks._sigmoid)
    checks.check_logistic_loss(checks._loss)
    checks.check_logistic_grad(checks._grad)


# --------------------------------------------------------------------------------------
# The catalog
# --------------------------------------------------------------------------------------


def test_catalog_size():
    assert len(WRONG) >= 12 and len(CORRECT) >= 2
    assert all(e.message for e in WRONG)


@pytest.mark.parametrize("entry", WRONG, ids=lambda e: e.name)
def test_wrong_entry_loses_exactly_the_listed_cells(entry):
    """Executing every test cell (visible and hidden) fails exactly ``loses:``, and the
    ``message:`` phrase appears in the feedback of a failing cell."""
    cells = _test_cells()
    assert set(entry.loses) <= set(cells), "loses names test cells of the notebook"
    failed = _failing(solution_namespace(ASSIGNMENT, entry.cells), cells)
    assert sorted(failed) == sorted(entry.loses), failed
    assert any(entry.message.lower() in text.lower() for text in failed.values()), failed
    for text in failed.values():  # what the feedback page shows is short enough to hold it
        assert "not implemented yet" not in text


@pytest.mark.parametrize("entry", CORRECT, ids=lambda e: e.name)
def test_correct_entry_passes_everything(entry):
    assert set(entry.cells) == set(CELLS), "a correct alternative replaces every solution cell"
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        ns = solution_namespace(ASSIGNMENT, entry.cells)
    for _, check in _hidden_checks(ns):
        check()
    assert _failing(ns, _test_cells()) == {}
