"""Fast tests of assignment A2 (bootstrap, bagging, boosting): reference solution, checks,
oracles and catalog.

No kernel and no nbgrader run: the notebook's cells are executed with ``exec`` in a plain
namespace, and the student view is made in memory with nbgrader's own ``ClearSolutions`` /
``ClearHiddenTests`` preprocessors.
"""

from __future__ import annotations

import copy
import functools
import re
import warnings

import numpy as np
import pytest
from catalog_tools import (
    entries,
    failing_cells as _failing,
    graded_test_sources,
    nbgrader_meta as _nbgrader,
    reference_solutions,
    solution_namespace,
    source_notebook,
    student_view,
)

from autograder.checks import a2_bagging_boosting as checks

ASSIGNMENT = "a2_bagging_boosting"

# solution cell -> (function it defines, test-cell grade_id prefix)
CELLS = {
    "bootstrap_indices_implementation": ("bootstrap_indices", "bootstrap_indices_"),
    "bootstrap_ci_implementation": ("bootstrap_confidence_interval", "bootstrap_ci_"),
    "bagging_predict_implementation": ("bagging_predict", "bagging_predict_"),
    "stump_predict_implementation": ("stump_predict", "stump_predict_"),
    "fit_stump_implementation": ("fit_stump", "fit_stump_"),
    "adaboost_fit_implementation": ("adaboost_fit", "adaboost_fit_"),
    "adaboost_predict_implementation": ("adaboost_predict", "adaboost_predict_"),
}
WRONG = entries(ASSIGNMENT, "wrong")
CORRECT = entries(ASSIGNMENT, "correct")


def _hidden_checks(ns: dict) -> list[tuple[str, functools.partial]]:
    """(name, check bound to the namespace's functions) for every public check."""
    boot, ci = ns["bootstrap_indices"], ns["bootstrap_confidence_interval"]
    fit, predict = ns["fit_stump"], ns["stump_predict"]
    return [
        ("check_bootstrap_indices", functools.partial(checks.check_bootstrap_indices, boot)),
        (
            "check_bootstrap_ci_matches_reference",
            functools.partial(checks.check_bootstrap_ci_matches_reference, ci, boot),
        ),
        (
            "check_bootstrap_ci_contract",
            functools.partial(checks.check_bootstrap_ci_contract, ci, boot),
        ),
        (
            "check_bagging_predict_votes",
            functools.partial(checks.check_bagging_predict_votes, ns["bagging_predict"]),
        ),
        (
            "check_bagging_predict_contract",
            functools.partial(checks.check_bagging_predict_contract, ns["bagging_predict"]),
        ),
        ("check_stump_predict", functools.partial(checks.check_stump_predict, predict)),
        (
            "check_fit_stump_matches_exhaustive_search",
            functools.partial(checks.check_fit_stump_matches_exhaustive_search, fit),
        ),
        ("check_fit_stump_tie_rule", functools.partial(checks.check_fit_stump_tie_rule, fit)),
        ("check_fit_stump_contract", functools.partial(checks.check_fit_stump_contract, fit)),
        (
            "check_adaboost_fit_matches_reference",
            functools.partial(
                checks.check_adaboost_fit_matches_reference, ns["adaboost_fit"], fit, predict
            ),
        ),
        (
            "check_adaboost_fit_edge_cases",
            functools.partial(
                checks.check_adaboost_fit_edge_cases, ns["adaboost_fit"], fit, predict
            ),
        ),
        (
            "check_adaboost_predict",
            functools.partial(checks.check_adaboost_predict, ns["adaboost_predict"], predict),
        ),
    ]


@functools.cache
def _hidden_checks_names() -> list[str]:
    dummy = dict.fromkeys([f for f, _ in CELLS.values()], print)
    return [name for name, _ in _hidden_checks(dummy)]


def _namespace(overrides: dict[str, str] | None = None) -> dict:
    """Setup and solution cells only (the experiment cell is skipped: a wrong entry may make
    it fail, as it would in the student's kernel, without affecting the grade)."""
    answers = {**reference_solutions(ASSIGNMENT), **(overrides or {})}
    ns: dict = {"__name__": f"submission_{ASSIGNMENT}"}
    for cell in source_notebook(ASSIGNMENT).cells:
        meta = _nbgrader(cell)
        if cell.cell_type == "code" and (
            meta.get("solution") or meta["grade_id"] == "setup_imports"
        ):
            exec(compile(answers.get(meta["grade_id"], cell.source), meta["grade_id"], "exec"), ns)
    return ns


def _test_cells(nb=None) -> dict[str, str]:
    return graded_test_sources(nb if nb is not None else source_notebook(ASSIGNMENT))


@pytest.fixture(scope="module")
def reference():
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # the notebook's own cells run cleanly
        return solution_namespace(ASSIGNMENT)  # the experiment cell included


@pytest.mark.parametrize("index", range(12), ids=lambda i: _hidden_checks_names()[i])
def test_reference_passes_every_check(reference, index):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning of any kind from the reference
        _hidden_checks(reference)[index][1]()


def test_every_test_cell_passes_on_reference(reference):
    assert _failing(reference, _test_cells()) == {}


def test_visible_tests_pass_on_reference(reference):
    visible = _test_cells(student_view(ASSIGNMENT))
    assert "BEGIN HIDDEN TESTS" not in "".join(visible.values())
    assert _failing(reference, visible) == {}


def test_visible_hand_numbers_are_right():
    """The hand-worked numbers of the visible tests, recomputed independently."""
    assert np.random.default_rng(0).integers(0, 5, size=5).tolist() == [4, 3, 2, 1, 1]
    # fit_stump_matches_hand_example: brute force over every stump of x = 1..5
    x = np.arange(1.0, 6.0)
    y = np.array([-1, -1, 1, -1, 1])
    w = np.array([0.3, 0.3, 0.5, 0.1, 0.8])
    errs = {
        (t, p): w[np.where(x > t, p, -p) != y].sum() / w.sum()
        for t in (0.0, 1.5, 2.5, 3.5, 4.5)
        for p in (1, -1)
    }
    assert min(errs, key=errs.get) == (2.5, 1) and errs[(2.5, 1)] == pytest.approx(0.05)
    # adaboost_fit_matches_hand_computed_rounds: errors 1/5 then 1/4, by hand
    y = np.array([-1, -1, 1, 1, -1])
    w = np.full(5, 0.2)
    h1 = np.where(x > 2.5, 1, -1)
    assert w[h1 != y].sum() == pytest.approx(0.2)
    a1 = 0.5 * np.log(4.0)
    w = w * np.exp(-a1 * y * h1)
    w = w / w.sum()
    np.testing.assert_allclose(w, [1 / 8, 1 / 8, 1 / 8, 1 / 8, 1 / 2])
    best2 = min(
        w[np.where(x > t, p, -p) != y].sum() for t in (0.0, 1.5, 2.5, 3.5, 4.5) for p in (1, -1)
    )
    assert best2 == pytest.approx(0.25)


# --------------------------------------------------------------------------------------
# Independent oracles: scikit-learn
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 3, 5])
def test_reference_adaboost_matches_sklearn_samme(reference, seed):
    """On these data sets scikit-learn's gini stumps are the minimum-error stumps, so its SAMME
    AdaBoost (alpha = ln((1 - err) / err) for two classes) must give twice our alphas, the
    same splits and the same predictions."""
    from sklearn.ensemble import AdaBoostClassifier
    from sklearn.tree import DecisionTreeClassifier

    rng = np.random.default_rng(seed)
    X = rng.normal(size=(40, 2))
    y = np.where(X[:, 0] + 0.5 * X[:, 1] > 0.1 * rng.normal(size=40), 1, -1)
    model = reference["adaboost_fit"](X, y, 6)
    sk = AdaBoostClassifier(DecisionTreeClassifier(max_depth=1), n_estimators=6).fit(X, y)
    np.testing.assert_allclose(sk.estimator_weights_, [2 * a for a, _ in model], rtol=1e-6)
    for tree, (_, stump) in zip(sk.estimators_, model, strict=True):
        assert tree.tree_.feature[0] == stump["feature"]
        assert tree.tree_.threshold[0] == pytest.approx(stump["threshold"], rel=1e-6)
    Xt = rng.normal(size=(100, 2))
    assert np.array_equal(sk.predict(Xt), reference["adaboost_predict"](model, Xt))


@pytest.mark.parametrize("seed", range(6))
def test_reference_stump_is_no_worse_than_sklearn_tree(reference, seed):
    """scikit-learn's depth-1 tree (gini, weighted) is one of the candidates: our stump's
    weighted error is at most the tree's, and it equals sklearn's weighted zero-one loss."""
    from sklearn.metrics import zero_one_loss
    from sklearn.tree import DecisionTreeClassifier

    rng = np.random.default_rng(seed)
    X = np.round(rng.normal(size=(50, 3)), 1)
    y = np.where(X[:, seed % 3] + rng.normal(size=50) > 0, 1, -1)
    w = rng.uniform(0.1, 3.0, size=50)
    stump = reference["fit_stump"](X, y, w)
    tree = DecisionTreeClassifier(max_depth=1).fit(X, y, sample_weight=w)
    tree_error = zero_one_loss(y, tree.predict(X), sample_weight=w)
    assert stump["error"] <= tree_error + 1e-12
    ours = zero_one_loss(y, reference["stump_predict"](stump, X), sample_weight=w)
    assert stump["error"] == pytest.approx(ours, rel=1e-12)


def test_reference_votes_match_scipy_mode(reference):
    from scipy.stats import mode

    rng = np.random.default_rng(9)
    for dtype in (np.int64, np.float64):
        preds = rng.integers(-3, 3, size=(6, 200)).astype(dtype)
        out = reference["bagging_predict"](preds, "classification")
        assert out.dtype == dtype
        assert np.array_equal(out, mode(preds, axis=0, keepdims=False).mode)


def test_reference_bootstrap_draws_and_percentiles(reference):
    """Independently of the checks: n_boot consecutive integer draws and np.percentile."""
    data = np.random.default_rng(4).exponential(size=13)
    rng = np.random.default_rng(5)
    twin = copy.deepcopy(rng)
    lo, hi = reference["bootstrap_confidence_interval"](data, np.median, 40, 0.2, rng)
    stats = [np.median(data[twin.integers(0, 13, size=13)]) for _ in range(40)]
    assert (lo, hi) == tuple(np.percentile(stats, [10.0, 90.0]))
    assert rng.bit_generator.state == twin.bit_generator.state


# --------------------------------------------------------------------------------------
# The blank release and the notebook's structure
# --------------------------------------------------------------------------------------


def test_blank_release_fails_every_check_as_not_implemented():
    stubs = {
        _nbgrader(c)["grade_id"]: c.source
        for c in student_view(ASSIGNMENT).cells
        if c.cell_type == "code" and _nbgrader(c).get("solution")
    }
    assert all("raise NotImplementedError()" in s for s in stubs.values())
    ns: dict = {"__name__": f"submission_{ASSIGNMENT}", "np": np}
    for source in stubs.values():
        exec(compile(source, "<stub>", "exec"), ns)
    for name, check in _hidden_checks(ns):
        try:
            check()
        except AssertionError as exc:
            assert "not implemented yet" in str(exc), f"{name}: {exc}"
        else:
            pytest.fail(f"{name} passed on the blank release")


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
            before = cell.source.split("### BEGIN SOLUTION")[0]
            assert before.lstrip().startswith("def ") and '"""' in before, "signature + docstring"
            imports = re.findall(r"^\s*(?:import|from)\s+(\w+)", cell.source, re.MULTILINE)
            assert set(imports) <= {"numpy", "math"}, imports
        elif meta.get("grade") and cell.cell_type == "code":
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


@pytest.mark.parametrize("key", ["high_n_minus_1", "no_replacement", "one_based"])
def test_bootstrap_mistakes_are_diagnosed(key):
    with pytest.raises(AssertionError) as info:
        checks.check_bootstrap_indices(functools.partial(checks._bootstrap, mistake=key))
    assert checks._BOOT_DIAGNOSES[key] in str(info.value)


@pytest.mark.parametrize(
    "key, check",
    [
        ("alpha_not_halved", checks.check_bootstrap_ci_matches_reference),
        ("fractions", checks.check_bootstrap_ci_matches_reference),
        ("sorted_floor", checks.check_bootstrap_ci_matches_reference),
        ("whole_data", checks.check_bootstrap_ci_matches_reference),
        ("alpha_not_halved", checks.check_bootstrap_ci_contract),
        ("fractions", checks.check_bootstrap_ci_contract),
    ],
)
def test_ci_mistakes_are_diagnosed(key, check):
    def student(data, statistic, n_boot, alpha, rng):
        return checks._ci(data, statistic, n_boot, alpha, rng, key)

    with pytest.raises(AssertionError) as info:
        check(student)
    assert checks._CI_DIAGNOSES[key] in str(info.value)


@pytest.mark.parametrize("key", ["ties_largest", "ties_first_seen", "int_dtype"])
def test_vote_mistakes_are_diagnosed(key):
    with pytest.raises(AssertionError) as info:
        checks.check_bagging_predict_votes(functools.partial(checks._bagging, mistake=key))
    assert checks._BAG_DIAGNOSES[key] in str(info.value)


def test_regression_median_is_diagnosed():
    with pytest.raises(AssertionError) as info:
        checks.check_bagging_predict_contract(functools.partial(checks._bagging, mistake="median"))
    assert checks._BAG_DIAGNOSES["median"] in str(info.value)


@pytest.mark.parametrize("key", ["geq", "no_polarity", "zero_one"])
def test_stump_predict_mistakes_are_diagnosed(key):
    with pytest.raises(AssertionError) as info:
        checks.check_stump_predict(functools.partial(checks._stump_predict, mistake=key))
    assert checks._PREDICT_DIAGNOSES[key] in str(info.value)


@pytest.mark.parametrize(
    "key, check",
    [
        ("no_min_minus_1", checks.check_fit_stump_matches_exhaustive_search),
        ("data_values", checks.check_fit_stump_matches_exhaustive_search),
        ("unweighted", checks.check_fit_stump_matches_exhaustive_search),
        ("not_normalized", checks.check_fit_stump_matches_exhaustive_search),
        ("last_feature", checks.check_fit_stump_tie_rule),
        ("polarity_minus_first", checks.check_fit_stump_tie_rule),
        ("highest_threshold", checks.check_fit_stump_tie_rule),
        ("last_candidate", checks.check_fit_stump_tie_rule),
        ("exact_ties", checks.check_fit_stump_tie_rule),
        ("not_normalized", checks.check_fit_stump_contract),
    ],
)
def test_fit_stump_mistakes_are_diagnosed(key, check):
    with pytest.raises(AssertionError) as info:
        check(functools.partial(checks._fit_stump, mistake=key))
    assert checks._STUMP_DIAGNOSES[key] in str(info.value)


@pytest.mark.parametrize(
    "key, check",
    [
        ("no_half", checks.check_adaboost_fit_matches_reference),
        ("sign_flipped", checks.check_adaboost_fit_matches_reference),
        ("no_half", checks.check_adaboost_fit_edge_cases),
        ("clip_1e-8", checks.check_adaboost_fit_edge_cases),
        ("no_clip", checks.check_adaboost_fit_edge_cases),
        ("no_renormalize", checks.check_adaboost_fit_edge_cases),
    ],
)
def test_adaboost_mistakes_are_diagnosed(key, check):
    with pytest.raises(AssertionError) as info:
        check(functools.partial(checks._adaboost_fit, mistake=key))
    assert checks._ADA_DIAGNOSES[key] in str(info.value)


@pytest.mark.parametrize("key", ["zero_kept", "zero_to_minus", "unweighted"])
def test_adaboost_predict_mistakes_are_diagnosed(key):
    with pytest.raises(AssertionError) as info:
        checks.check_adaboost_predict(functools.partial(checks._adaboost_predict, mistake=key))
    assert checks._ADA_PREDICT_DIAGNOSES[key] in str(info.value)


def test_plain_references_pass():
    """The references of the checks module, without a mistake, pass every check."""
    checks.check_bootstrap_indices(checks._bootstrap)
    checks.check_bootstrap_ci_matches_reference(checks._ci)
    checks.check_bootstrap_ci_contract(checks._ci)
    checks.check_bagging_predict_votes(checks._bagging)
    checks.check_bagging_predict_contract(checks._bagging)
    checks.check_stump_predict(checks._stump_predict)
    checks.check_fit_stump_matches_exhaustive_search(checks._fit_stump)
    checks.check_fit_stump_tie_rule(checks._fit_stump)
    checks.check_fit_stump_contract(checks._fit_stump)
    checks.check_adaboost_fit_matches_reference(checks._adaboost_fit)
    checks.check_adaboost_fit_edge_cases(checks._adaboost_fit)
    checks.check_adaboost_predict(checks._adaboost_predict)


# --------------------------------------------------------------------------------------
# The catalog
# --------------------------------------------------------------------------------------


def test_catalog_size():
    assert len(WRONG) >= 15 and len(CORRECT) >= 2
    assert all(e.message for e in WRONG)


@pytest.mark.parametrize("entry", WRONG, ids=lambda e: e.name)
def test_wrong_entry_loses_exactly_the_listed_cells(entry):
    """Executing every test cell (visible and hidden) fails exactly ``loses:``, and the
    ``message:`` phrase appears in the feedback of a failing cell."""
    cells = _test_cells()
    assert set(entry.loses) <= set(cells), "loses names test cells of the notebook"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        failed = _failing(_namespace(entry.cells), cells)
    assert sorted(failed) == sorted(entry.loses), failed
    assert any(entry.message.lower() in text.lower() for text in failed.values()), failed
    for text in failed.values():
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


def test_alpha_clipped_at_zero_fails_the_worse_than_chance_case():
    """A learner of error 0.8 must get the formula's negative alpha; clipping it is caught."""
    clipped = reference_solutions(ASSIGNMENT)["adaboost_fit_implementation"].replace(
        "alpha = 0.5 * np.log((1 - err) / err)", "alpha = max(0.5 * np.log((1 - err) / err), 0.0)"
    )
    assert clipped != reference_solutions(ASSIGNMENT)["adaboost_fit_implementation"]
    ns = _namespace({"adaboost_fit_implementation": clipped})
    checks.check_adaboost_fit_matches_reference(ns["adaboost_fit"], ns["fit_stump"])
    with pytest.raises(AssertionError, match="negative alpha"):
        checks.check_adaboost_fit_edge_cases(ns["adaboost_fit"], ns["fit_stump"])
    assert ns["fit_stump"] is not checks._worse_than_chance, "the student's fit_stump is restored"
