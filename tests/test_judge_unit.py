"""Pieces of the grading path that need no sandbox: the plain-data codec between the grader
and the student's process, and the detection of tampered notebooks."""

from __future__ import annotations

import copy

import nbformat
import numpy as np
import pytest
from fixtures.make_toy_course import toy_notebook

from autograder.grading import tampering
from autograder.sandbox_worker import Codec


def _pair():
    """A judge-side and a worker-side codec; references cross as opaque numbers."""
    judge = Codec("judge", lambda ref, info: ("worker object", ref))
    worker = Codec("worker", lambda ref, info: ("judge object", ref))
    return judge, worker


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        3,
        2**80,
        -0.0,
        float("inf"),
        "text",
        (1, [2.5, "x"], {"k": (None,)}),
        {(1, 2): "tuple key", 3: [4]},
        np.float32(1.5),
        np.int64(-7),
    ],
    ids=repr,
)
def test_plain_values_cross_unchanged(value):
    judge, worker = _pair()
    back = judge.decode(worker.encode(worker.decode(judge.encode(value))))
    assert back == value and type(back) is type(value)


def test_nan_and_arrays_keep_dtype_shape_and_bits():
    judge, worker = _pair()
    assert np.isnan(worker.decode(judge.encode(float("nan"))))
    for array in (
        np.arange(12, dtype=np.float32).reshape(3, 4),
        np.array([[1 + 2j]]),
        np.array([True, False]),
        np.zeros((0, 3)),
        np.arange(10, dtype=np.int8)[::2],  # not contiguous
    ):
        out = worker.decode(judge.encode(array))
        assert out.dtype == array.dtype and out.shape == array.shape
        assert np.array_equal(out, array)
        assert out is not array


def test_an_array_handed_over_twice_is_the_same_object_in_the_worker():
    """A student may keep an argument and change it later: the grader must see that."""
    judge, worker = _pair()
    grad = np.ones(3)
    first = worker.decode(judge.encode(grad))
    second = worker.decode(judge.encode(grad))
    assert first is second
    first *= 2  # the student changes the array it kept
    changed, _ = worker.changed_mirrors()
    ((token, encoded),) = changed.items()
    assert judge.objects[int(token)] is grad
    assert np.array_equal(judge.decode(encoded), [2.0, 2.0, 2.0])
    # returned as is, it crosses back as the grader's own array
    assert judge.decode(worker.encode(first)) is grad


def test_generators_cross_by_state_and_report_their_draws():
    judge, worker = _pair()
    rng = np.random.default_rng(5)
    twin = np.random.default_rng(5)
    theirs = worker.decode(judge.encode(rng))
    theirs.random(4)
    changed, _ = worker.changed_mirrors()
    ((_, encoded),) = changed.items()
    twin.random(4)  # the same four draws
    assert judge.decode(encoded).bit_generator.state == twin.bit_generator.state


def test_other_objects_cross_as_references_never_pickles():
    judge, worker = _pair()

    class Thing:
        pass

    encoded = worker.encode(Thing())
    assert set(encoded) >= {"$worker", "type"} and encoded["type"] == "Thing"
    assert judge.decode(encoded)[0] == "worker object"
    objects = worker.encode(np.array([object()], dtype=object))
    assert "$worker" in objects, "an object array is not data"


@pytest.mark.parametrize(
    "forged",
    [
        {"$rng": ["seed", {}]},
        {"$nd": ["|O", [1], "AAAAAAAAAAA="]},
        {"$pickle": "gASVAAAA"},
    ],
    ids=["not a bit generator", "object dtype", "unknown tag"],
)
def test_the_grader_refuses_forged_values(forged):
    judge, _ = _pair()
    with pytest.raises((ValueError, TypeError)):
        judge.decode(forged)


def _gid(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def _kinds(nb):
    return [kind for kind, _ in tampering(nb, toy_notebook())]


def test_an_untouched_notebook_raises_no_flag():
    nb = toy_notebook()
    test = next(c for c in nb.cells if _gid(c) == "double_of_three")
    # a student's honest run: a failing visible test and a warning printed by their code
    test.outputs = [
        nbformat.v4.new_output("stream", name="stderr", text="RuntimeWarning: overflow\n"),
        nbformat.v4.new_output("error", ename="AssertionError", evalue="no", traceback=[]),
    ]
    assert _kinds(nb) == []


def test_each_kind_of_tampering_is_named():
    nb = toy_notebook()
    cells = {_gid(c): c for c in nb.cells}
    twin = copy.deepcopy(cells["double_of_three"])
    twin["id"] = "twin"
    nb.cells.append(twin)
    extra = nbformat.v4.new_code_cell("assert True")
    extra.metadata["nbgrader"] = {"grade": True, "grade_id": "bonus", "points": 9}
    nb.cells.append(extra)
    cells["double_hidden_cases"].metadata["nbgrader"]["points"] = 50
    cells["double_of_three"].outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="All tests passed\n")
    ]
    nb.metadata["kernelspec"] = {"name": "ir", "language": "R"}
    assert _kinds(nb) == [
        "duplicated graded cells",
        "added graded cells",
        "changed metadata",
        "forged outputs",
        "unknown kernel",
    ]
