"""Fast tests of assignment A1 (generalization and bias-variance): reference solution, checks,
oracles and catalog.

No kernel and no nbgrader run: the notebook's cells are executed with ``exec`` in a plain
namespace (``catalog_tools.solution_namespace``), and the student view is made in memory with
nbgrader's own ``ClearSolutions`` / ``ClearHiddenTests`` preprocessors.
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
    solution_namespace,
    source_notebook,
    student_view,
)
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.metrics import mean_squared_error
from sklearn.model_selection import KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures

from autograder.checks import a1_generalization as checks

ASSIGNMENT = "a1_generalization"

# solution cell -> (function it defines, test-cell grade_id prefix)
CELLS = {
    "kfold_indices_implementation": ("kfold_indices", "kfold_indices_"),
    "polynomial_features_implementation": ("polynomial_features", "polynomial_features_"),
    "fit_ridge_implementation": ("fit_ridge", "fit_ridge_"),
    "mse_implementation": ("mse", "mse_"),
    "cross_val_mse_implementation": ("cross_val_mse", "cross_val_mse_"),
    "select_degree_implementation": ("select_degree", "select_degree_"),
    "bias_variance_decomposition_implementation": ("bias_variance_decomposition", "bias_variance_"),
}
FUNCTIONS = [name for name, _ in CELLS.values()]


def _hidden_checks(ns: dict) -> list[tuple[str, functools.partial]]:
    """(name, check bound to the namespace's functions) for every public check."""
    kf, poly, ridge, err = (
        ns[f] for f in ("kfold_indices", "polynomial_features", "fit_ridge", "mse")
    )
    cv, sel, bv = ns["cross_val_mse"], ns["select_degree"], ns["bias_variance_decomposition"]
    bound = [
        ("check_kfold_indices_matches_sklearn", (kf,)),
        ("check_kfold_indices_rejects_bad_k", (kf,)),
        ("check_kfold_indices_shuffle", (kf,)),
        ("check_polynomial_features", (poly,)),
        ("check_fit_ridge_matches_sklearn", (ridge,)),
        ("check_fit_ridge_minimum_norm", (ridge,)),
        ("check_fit_ridge_contract", (ridge,)),
        ("check_mse", (err,)),
        ("check_cross_val_mse_matches_sklearn", (cv, kf, poly, ridge, err)),
        ("check_cross_val_mse_contract", (cv,)),
        ("check_select_degree_matches_reference", (sel, cv)),
        ("check_select_degree_ties", (sel,)),
        ("check_bias_variance_matches_oracle", (bv,)),
        ("check_bias_variance_contract", (bv,)),
    ]
    return [(name, functools.partial(getattr(checks, name), *args)) for name, args in bound]


CHECK_NAMES = [name for name, _ in _hidden_checks(dict.fromkeys(FUNCTIONS, print))]
WRONG = entries(ASSIGNMENT, "wrong")
CORRECT = entries(ASSIGNMENT, "correct")


def _test_cells(nb=None) -> dict[str, str]:
    return graded_test_sources(nb if nb is not None else source_notebook(ASSIGNMENT))


@pytest.fixture(scope="module")
def reference():
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # the notebook's own cells run cleanly
        return solution_namespace(ASSIGNMENT)


def test_public_checks_are_all_bound():
    public = {n for n in checks.__all__ if n.startswith("check_")}
    assert public == set(CHECK_NAMES)


@pytest.mark.parametrize("name", CHECK_NAMES)
def test_reference_passes_every_check(reference, name):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning of any kind from the reference
        dict(_hidden_checks(reference))[name]()


def test_every_test_cell_passes_on_reference(reference):
    assert _failing(reference, _test_cells()) == {}


def test_visible_tests_pass_on_reference(reference):
    """The numbers written in the visible tests are right (hidden parts removed)."""
    visible = _test_cells(student_view(ASSIGNMENT))
    assert "BEGIN HIDDEN TESTS" not in "".join(visible.values())
    assert _failing(reference, visible) == {}


# --------------------------------------------------------------------------------------
# The reference against independent oracles, not through the checks module
# --------------------------------------------------------------------------------------


def test_visible_hand_numbers_are_right():
    """The hand-worked numbers of the visible tests, recomputed with scikit-learn."""
    folds = list(KFold(n_splits=3).split(np.zeros((7, 1))))
    assert [v.tolist() for _, v in folds] == [[0, 1, 2], [3, 4], [5, 6]]
    assert [t.tolist() for t, _ in folds] == [[3, 4, 5, 6], [0, 1, 2, 5, 6], [0, 1, 2, 3, 4]]
    Phi = PolynomialFeatures(3).fit_transform(np.array([[2.0], [-1.0], [0.0]]))
    assert Phi.tolist() == [[1, 2, 4, 8], [1, -1, 1, -1], [1, 0, 0, 0]]
    ones, y = np.ones((2, 1)), np.array([1.0, 3.0])
    assert Ridge(alpha=2.0, fit_intercept=False).fit(ones, y).coef_ == pytest.approx([1.0])
    w = Ridge(alpha=1.0, fit_intercept=False).fit(np.diag([1.0, 2.0]), np.array([3.0, 4.0])).coef_
    assert w == pytest.approx([1.5, 1.6])
    assert np.linalg.pinv(np.ones((2, 2))) @ np.array([2.0, 2.0]) == pytest.approx([1.0, 1.0])
    assert mean_squared_error([1, 2, 3], [1, 4, 0]) == pytest.approx(13 / 3)
    for y, expected in (([0.0, 2.0, 4.0, 10.0], 41.0), ([0.0, 0.0, 0.0, 0.0, 6.0], 13.5)):
        X = np.arange(float(len(y)))[:, None]
        scores = cross_val_score(
            make_pipeline(PolynomialFeatures(0), LinearRegression(fit_intercept=False)),
            X,
            np.array(y),
            cv=KFold(2),
            scoring="neg_mean_squared_error",
        )
        assert -scores.mean() == pytest.approx(expected)
    preds = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert np.mean((preds.mean(axis=0) - 1.0) ** 2) == 2.5 and preds.var(axis=0).mean() == 1.0


@pytest.mark.parametrize("seed", range(4))
def test_reference_kfold_equals_sklearn_and_draws_one_permutation(reference, seed):
    rng = np.random.default_rng(seed)
    for _ in range(10):
        n = int(rng.integers(2, 60))
        k = int(rng.integers(2, n + 1))
        ours = reference["kfold_indices"](n, k)
        theirs = list(KFold(n_splits=k).split(np.zeros((n, 1))))
        assert all(
            np.array_equal(t, tt) and np.array_equal(v, vv)
            for (t, v), (tt, vv) in zip(ours, theirs, strict=True)
        )
        gen = np.random.default_rng(n * 1000 + k)
        twin = copy.deepcopy(gen)
        shuffled = reference["kfold_indices"](n, k, shuffle=True, rng=gen)
        perm = twin.permutation(n)
        assert gen.bit_generator.state == twin.bit_generator.state
        assert np.array_equal(np.sort(np.concatenate([v for _, v in shuffled])), np.arange(n))
        assert np.array_equal(shuffled[0][1], np.sort(perm[: len(shuffled[0][1])]))


def test_reference_ridge_matches_sklearn_and_pinv(reference):
    rng = np.random.default_rng(3)
    for n, d, lam in [(30, 5, 0.3), (6, 10, 1.0), (40, 3, 25.0)]:
        Phi, y = rng.standard_normal((n, d)), rng.standard_normal(n)
        expected = Ridge(alpha=lam, fit_intercept=False).fit(Phi, y).coef_
        np.testing.assert_allclose(reference["fit_ridge"](Phi, y, lam), expected, rtol=1e-9)
    for Phi in (np.column_stack([np.ones(8), np.ones(8)]), rng.standard_normal((3, 6))):
        y = rng.standard_normal(Phi.shape[0])
        np.testing.assert_allclose(
            reference["fit_ridge"](Phi, y), np.linalg.pinv(Phi) @ y, rtol=1e-10, atol=1e-12
        )


@pytest.mark.parametrize(("n", "k", "degree", "lam"), [(23, 4, 3, 0.0), (17, 5, 2, 0.5)])
def test_reference_cross_val_mse_matches_cross_val_score(reference, n, k, degree, lam):
    """The real scikit-learn cross_val_score, which the check reimplements with its pieces."""
    x, y = checks._cv_data(n, 77)
    model = Ridge(alpha=lam, fit_intercept=False) if lam else LinearRegression(fit_intercept=False)
    scores = cross_val_score(
        make_pipeline(PolynomialFeatures(degree), model),
        x[:, None],
        y,
        cv=KFold(k),
        scoring="neg_mean_squared_error",
    )
    expected = -scores.mean()
    assert reference["cross_val_mse"](x, y, degree, k, lam) == pytest.approx(expected, rel=1e-9)
    assert checks._sklearn_cv(x, y, degree, k, lam) == pytest.approx(expected, rel=1e-9)
    assert checks._cv(x, y, degree, k, lam) == pytest.approx(expected, rel=1e-9)


def test_reference_bias_variance_identity(reference):
    """bias^2 + variance (ddof 0) is the mean squared deviation of all models from f_true."""
    rng = np.random.default_rng(5)
    preds, f = rng.standard_normal((30, 8)), rng.standard_normal(8)
    out = reference["bias_variance_decomposition"](preds, f, 0.2)
    assert out["bias_sq"] + out["variance"] == pytest.approx(np.mean((preds - f) ** 2))
    assert out["expected_error"] == pytest.approx(np.mean((preds - f) ** 2) + 0.2)


def test_blank_release_fails_every_check_as_not_implemented():
    """The student view as handed out: every hidden check says 'not implemented yet'."""
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
        with pytest.raises(AssertionError, match="not implemented yet"):
            check()
        assert name


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
        assert any("### BEGIN HIDDEN TESTS" in s for s in mine.values()), prefix
        assert any("### BEGIN HIDDEN TESTS" not in s for s in mine.values()), prefix
    hidden_calls = re.findall(
        r"from autograder\.checks\.a1_generalization import (\w+)", "".join(cells.values())
    )
    assert sorted(hidden_calls) == sorted(CHECK_NAMES), "one hidden check per public check"
    assert sum(_nbgrader(c).get("points", 0) for c in nb.cells) == 33


# --------------------------------------------------------------------------------------
# Known mistakes inside the checks module are diagnosed
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["remainder_last", "small_first", "ceil_chunks", "floor_drop"])
def test_kfold_size_mistakes_are_diagnosed(key):
    def student(n, k, shuffle=False, rng=None):
        if k < 2 or k > n:
            raise ValueError
        return checks._kfold_mutants(n, k).get(key, checks._kfold(n, k))

    with pytest.raises(AssertionError) as info:
        checks.check_kfold_indices_matches_sklearn(student)
    assert checks._KFOLD_DIAGNOSES[key] in str(info.value)
    assert "folds of unequal size" in str(info.value)


@pytest.mark.parametrize("key", ["no_bias", "decreasing", "one_short", "times"])
def test_poly_mistakes_are_diagnosed(key):
    with pytest.raises(AssertionError) as info:
        checks.check_polynomial_features(lambda x, d: checks._poly_mutants(x, d)[key])
    assert checks._POLY_DIAGNOSES[key] in str(info.value)


@pytest.mark.parametrize("key", ["half", "double", "times_n", "over_n", "no_penalty", "squared"])
def test_ridge_mistakes_are_diagnosed(key):
    def student(Phi, y, lam=0.0):
        return checks._ridge_mutants(Phi, y, lam)[key] if lam else checks._ridge(Phi, y, 0.0)

    with pytest.raises(AssertionError) as info:
        checks.check_fit_ridge_matches_sklearn(student)
    assert checks._RIDGE_DIAGNOSES[key] in str(info.value)


@pytest.mark.parametrize("key", ["sum", "rmse", "mae", "half", "squared_mean"])
def test_mse_mistakes_are_diagnosed(key):
    with pytest.raises(AssertionError) as info:
        checks.check_mse(lambda a, b: checks._mse_mutants(a, b)[key])
    assert checks._MSE_DIAGNOSES[key] in str(info.value)


@pytest.mark.parametrize(
    "key", ["pooled", "fit_all", "swapped", "no_lam", "degree_plus_one", "sum_folds", "skip_last"]
)
def test_cv_mistakes_are_diagnosed(key):
    student = functools.partial(checks._cv, mistakes=(key,))
    with pytest.raises(AssertionError) as info:
        checks.check_cross_val_mse_matches_sklearn(student)
    assert checks._CV_DIAGNOSES[key] in str(info.value)


def test_cv_seeded_shuffle_is_diagnosed():
    def student(x, y, degree, k, lam=0.0):
        return checks._cv(x, y, degree, k, lam, kfold=checks._seeded_kfold(42))

    with pytest.raises(AssertionError) as info:
        checks.check_cross_val_mse_matches_sklearn(student)
    assert checks._CV_DIAGNOSES["shuffled"] in str(info.value)


def test_cv_with_wrong_helper_passes_given_the_helper():
    """A right loop on top of a wrong kfold_indices costs kfold_indices' tests, not these."""

    def bad_kfold(n, k, shuffle=False, rng=None):
        return checks._kfold_mutants(n, k).get("remainder_last", checks._kfold(n, k))

    def student(x, y, degree, k, lam=0.0):
        return checks._cv(x, y, degree, k, lam, kfold=bad_kfold)

    with pytest.raises(AssertionError):
        checks.check_cross_val_mse_matches_sklearn(student)
    checks.check_cross_val_mse_matches_sklearn(
        student, bad_kfold, checks._poly, checks._ridge, checks._mse
    )


@pytest.mark.parametrize(
    "key", ["ddof1", "bias_abs", "bias_mean_sq", "bias_of_each_model", "no_noise", "axis1", "std"]
)
def test_bias_variance_mistakes_are_diagnosed(key):
    def student(preds, f_true, noise_var):
        return checks._bv_mutants(preds, f_true, noise_var).get(
            key, checks._bias_variance(preds, f_true, noise_var)
        )

    with pytest.raises(AssertionError) as info:
        checks.check_bias_variance_matches_oracle(student)
    assert checks._BV_DIAGNOSES[key] in str(info.value)


def test_select_degree_mistakes_are_diagnosed():
    def index(x, y, degrees, k):
        return int(np.argmin([checks._cv(x, y, d, k) for d in degrees]))

    with pytest.raises(AssertionError, match="POSITION of the best degree"):
        checks.check_select_degree_matches_reference(index)

    def larger(x, y, degrees, k):
        errors = [checks._cv(x, y, d, k) for d in degrees]
        return max(d for d, e in zip(degrees, errors, strict=True) if e == min(errors))

    with pytest.raises(AssertionError, match="LARGER degree"):
        checks.check_select_degree_ties(larger)

    def first(x, y, degrees, k):
        return degrees[int(np.argmin([checks._cv(x, y, d, k) for d in degrees]))]

    with pytest.raises(AssertionError, match="FIRST degree in the list"):
        checks.check_select_degree_ties(first)


def test_plain_mutants_pass():
    """The trusted implementations the mutants derive from pass every check."""
    ns = {
        "kfold_indices": checks._kfold,
        "polynomial_features": checks._poly,
        "fit_ridge": checks._ridge,
        "mse": checks._mse,
        "cross_val_mse": checks._cv,
        "select_degree": lambda x, y, degrees, k: checks._select(
            list(degrees), [checks._cv(x, y, d, k) for d in degrees]
        ),
        "bias_variance_decomposition": checks._bias_variance,
    }
    for _, check in _hidden_checks(ns):
        check()


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
    failed = _failing(solution_namespace(ASSIGNMENT, entry.cells), cells)
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
