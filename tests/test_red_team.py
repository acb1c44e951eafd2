"""Hostile and broken hand-ins (``red_team.py``) graded in one batch beside honest students.

For every attack: the attacker scores no more than the same hand-in without the attack, and
the feedback names what happened. For the batch: the honest students get exactly the scores
they get when graded alone, the gradebook passes SQLite's integrity check (also after any
detached child had time to act), no file outside the sandbox changed, no request reached a
server on the grader's loopback, and the batch finished within a bound.
"""

from __future__ import annotations

import hashlib
import html
import http.server
import os
import re
import sqlite3
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import grade, run_cli, tree_digest
from fixtures.hand_ins import CORRECT, PARTIAL, hand_in, release_of
from fixtures.make_toy_course import make_toy_course
from red_team import SCORE, attacks, build

from autograder.sandbox import isolation

# Generous: about 50 hand-ins at 3 s per test on 2 cores take about a minute. A hang (a
# notebook nobody stops) would blow far past it.
BATCH_BOUND_S = 900
HONEST = {"honest_correct": CORRECT, "honest_partial": PARTIAL}

pytestmark = [pytest.mark.xdist_group("red-team")]


@pytest.fixture(scope="module", autouse=True)
def sandbox_available():
    """Without bubblewrap the escapes would succeed: skip (saying why), or fail in CI."""
    iso = isolation()
    if not iso.sandboxed:
        message = f"no bubblewrap sandbox here ({iso.problem}); .ci/run installs it"
        if os.environ.get("COURSE_REQUIRE_SANDBOX") == "1":
            pytest.fail(message)
        pytest.skip(message)


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 - the http.server API
        _Counter.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"2")

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def red_batch(tmp_path_factory):
    course = make_toy_course(tmp_path_factory.mktemp("course"))
    assert run_cli("release", cwd=course).returncode == 0
    release = release_of(course)
    tmp = tmp_path_factory.mktemp("red")
    subs, out, secret = tmp / "submissions", tmp / "out", tmp / "instructor"
    subs.mkdir()
    secret.mkdir()
    canary = secret / "canary.txt"
    canary.write_text("the instructor's file")
    home_canary = Path.home() / ".autograder-red-team-canary"
    try:
        home_canary.write_text("the instructor's home")
    except OSError:
        home_canary = secret / "home-canary.txt"
        home_canary.write_text("the instructor's home")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    ctx = SimpleNamespace(
        course=course,
        submissions=subs,
        out=out,
        canary=canary,
        home_canary=home_canary,
        url=f"http://127.0.0.1:{server.server_address[1]}/score",
    )
    for sid, code in HONEST.items():
        (subs / sid).mkdir()
        (subs / sid / "toy.ipynb").write_text(_nb_text(hand_in(release, code)))
    folders = {}
    for attack in attacks(ctx):
        folder, files = build(attack, release, ctx)
        folders[attack.name] = folder
        (subs / folder).mkdir()
        for name, data in files.items():
            (subs / folder / name).write_bytes(data)
    before = tree_digest(course, subs, secret, home_canary)
    started = time.monotonic()
    run = grade("toy", subs, out, "--timeout", "3", "--jobs", "2", cwd=course)
    run.seconds = time.monotonic() - started
    run.gradebook_right_after = hashlib.sha256((out / "gradebook.db").read_bytes()).hexdigest()
    time.sleep(6)  # the detached child's delay is 4 s
    run.after = tree_digest(course, subs, secret, home_canary)
    run.before = before
    run.hits = list(_Counter.hits)
    run.folders = folders
    run.ctx = ctx
    server.shutdown()
    # The same honest hand-ins graded alone, for their exact scores.
    alone_subs = tmp / "alone"
    for sid, code in HONEST.items():
        (alone_subs / sid).mkdir(parents=True)
        (alone_subs / sid / "toy.ipynb").write_text(_nb_text(hand_in(release, code)))
    run.alone = grade("toy", alone_subs, tmp / "alone-out", "--timeout", "3", cwd=course)
    yield run
    if home_canary.parent == Path.home():
        home_canary.unlink(missing_ok=True)


def _nb_text(nb) -> str:
    import nbformat

    return nbformat.writes(nb)


def _feedback(run, sid) -> str:
    from autograder.output import feedback_name

    path = run.out / "feedback" / feedback_name(sid)
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    return re.sub(r"\s+", " ", html.unescape(text))


ATTACKS = attacks(
    SimpleNamespace(course="C", submissions="S", out="O", canary="K", home_canary="H", url="U")
)


def test_red_team_is_big_and_covers_every_kind():
    kinds = {a.kind for a in ATTACKS}
    assert len(ATTACKS) >= 30
    assert kinds == {"tampering", "cheating", "escape", "disruption", "file"}


def test_batch_finishes_and_grades_everyone(red_batch):
    assert red_batch.returncode == 0, red_batch.stderr[-3000:]
    assert red_batch.seconds < BATCH_BOUND_S, f"the batch took {red_batch.seconds:.0f} s"
    rows = red_batch.rows
    assert set(rows) == set(HONEST) | set(red_batch.folders.values())


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda a: a.name)
def test_attack_gains_nothing_and_is_named(red_batch, attack):
    sid = red_batch.folders[attack.name]
    row = red_batch.rows[sid]
    assert float(row["score"]) <= SCORE[attack.baseline], (
        f"{attack.description}: scored {row['score']}, more than the "
        f"{SCORE[attack.baseline]:g} of the same hand-in without the attack"
    )
    assert row["max_score"] == "6", "max score must come from the source, not the hand-in"
    if attack.kind == "file":
        assert row["status"] == "not graded" and float(row["score"]) == 0
        assert attack.expect in row["reason"], row["reason"]
    else:
        text = _feedback(red_batch, sid)
        assert attack.expect.lower() in text.lower(), (
            f"{attack.name}: {attack.expect!r} not in the feedback"
        )


def test_honest_students_keep_their_exact_scores(red_batch):
    alone = red_batch.alone.rows
    for sid in HONEST:
        mine, theirs = red_batch.rows[sid], alone[sid]
        cells = [k for k in theirs if k.startswith("double")]
        assert [mine[k] for k in ["score", *cells]] == [theirs[k] for k in ["score", *cells]]
    assert float(alone["honest_correct"]["score"]) == 3
    assert float(alone["honest_partial"]["score"]) == 1


def test_gradebook_is_intact_and_untouched_after_grading(red_batch):
    db = red_batch.out / "gradebook.db"
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        students = {r[0] for r in con.execute("select id from student")}
    assert students >= set(HONEST)
    assert hashlib.sha256(db.read_bytes()).hexdigest() == red_batch.gradebook_right_after, (
        "the gradebook changed after grading ended (a detached child?)"
    )


def test_no_file_outside_the_sandbox_changed(red_batch):
    assert red_batch.after == red_batch.before


def test_no_request_reached_the_graders_loopback(red_batch):
    assert red_batch.hits == []


def test_flags_column_names_tampering(red_batch):
    rows = red_batch.rows
    assert "edited test cells" in rows[red_batch.folders["edit_visible_test"]]["flags"]
    assert "forged outputs" in rows[red_batch.folders["forged_outputs"]]["flags"]
    assert "forbidden imports" in rows[red_batch.folders["forbidden_oracle"]]["flags"]
    assert rows["honest_correct"]["flags"] == ""


CHEAT_NUMPY = """
import numpy as np
np.allclose = lambda *a, **k: True
np.array_equal = lambda *a, **k: True
np.testing.assert_allclose = lambda *a, **k: None
import math, builtins
math.isclose = lambda *a, **k: True
builtins.abs = lambda x: 0
"""


def test_cheating_against_real_checks_gains_nothing(tmp_path):
    """On assignment A4's real checks (NumPy and torch oracles): a wrong SGD that also patches
    NumPy's and math's comparisons scores exactly what the wrong SGD alone scores."""
    from catalog_tools import build_submission, entries

    wrong = next(
        e for e in entries("a4_optimizers", "wrong") if e.name == "sgd_nesterov_as_plain_momentum"
    )
    cheat = {k: v + CHEAT_NUMPY for k, v in wrong.cells.items()}
    subs = tmp_path / "subs"
    for sid, cells in {"wrong": wrong.cells, "wrong_and_cheating": cheat}.items():
        (subs / sid).mkdir(parents=True)
        (subs / sid / "a4_optimizers.ipynb").write_text(
            _nb_text(build_submission("a4_optimizers", cells))
        )
    run = grade("a4_optimizers", subs, tmp_path / "out", "--jobs", "2")
    assert run.returncode == 0, run.stderr
    honest, cheater = run.rows["wrong"], run.rows["wrong_and_cheating"]
    sgd_cells = [k for k in honest if k.startswith("sgd_")]
    assert "0" in [honest[k] for k in sgd_cells], "the wrong SGD loses points on its own"
    assert [cheater[k] for k in sgd_cells] == [honest[k] for k in sgd_cells]
    assert float(cheater["score"]) <= float(honest["score"])
