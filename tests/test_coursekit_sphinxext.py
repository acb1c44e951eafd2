"""The book's Sphinx extension and the figure descriptions it turns into alt text."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser
from docutils.utils import new_document
from sphinx.builders.html._assets import _JavaScript

from coursekit import sphinxext
from coursekit.plotting import describe_figure


def test_describe_figure_uses_titles_and_axis_labels():
    fig, (left, right) = plt.subplots(1, 2)
    fig.suptitle("Two optimizers")
    left.set_title("SGD")
    left.set_xlabel("step")
    left.set_ylabel("loss")
    right.set_title("Adam")
    text = describe_figure(fig)
    plt.close(fig)
    assert text == "Two optimizers. SGD (x: step; y: loss). Adam"


def test_describe_figure_turns_mathtext_into_plain_text():
    fig, ax = plt.subplots()
    ax.set_xlabel("step $t$")
    ax.set_ylabel(r"$f(\theta_t) - f^\star$")
    assert describe_figure(fig) == "(x: step t; y: f(θ_t) - f^*)"
    plt.close(fig)


def test_describe_figure_without_any_text_still_says_figure():
    fig, _ = plt.subplots()
    assert describe_figure(fig) == "Figure"
    plt.close(fig)


def test_png_description_reads_what_matplotlib_wrote(tmp_path):
    fig, ax = plt.subplots()
    ax.set_title("Loss against epochs")
    fig.savefig(tmp_path / "f.png", metadata={"Description": describe_figure(fig)})
    fig.savefig(tmp_path / "plain.png")
    plt.close(fig)
    assert sphinxext.png_description(tmp_path / "f.png") == "Loss against epochs"
    assert sphinxext.png_description(tmp_path / "plain.png") is None
    assert sphinxext.png_description(tmp_path / "missing.png") is None


def test_inline_scripts_registered_twice_appear_once():
    """Sphinx 7.4 registers an inline script with filename None and again with ''."""
    body = {"body": 'const THEBE_JS_URL = "x"'}
    context = {
        "script_files": [
            _JavaScript("_static/doctools.js"),
            _JavaScript(None, **body),
            _JavaScript("", **body),
            _JavaScript("", body="let other = 1;"),
        ]
    }
    sphinxext._dedupe_assets(None, "page", "page.html", context, None)
    kept = [(js.filename, js.attributes.get("body")) for js in context["script_files"]]
    assert kept == [
        ("_static/doctools.js", None),
        (None, 'const THEBE_JS_URL = "x"'),
        ("", "let other = 1;"),
    ]


def test_short_output_is_left_alone_and_long_output_keeps_head_and_tail():
    short = "\n".join(str(i) for i in range(sphinxext.MAX_OUTPUT_LINES))
    assert sphinxext.trim_lines(short) == short
    long = "\n".join(f"line {i}" for i in range(100))
    lines = sphinxext.trim_lines(long).splitlines()
    assert lines[: sphinxext.KEEP_HEAD] == [f"line {i}" for i in range(sphinxext.KEEP_HEAD)]
    assert lines[-sphinxext.KEEP_TAIL :] == [f"line {i}" for i in range(90, 100)]
    assert lines[sphinxext.KEEP_HEAD] == "... (65 more lines not shown) ..."


def test_only_cell_outputs_are_trimmed():
    document = new_document("page", get_default_settings(Parser))
    long = "\n".join(str(i) for i in range(80))
    output = nodes.literal_block(long, long, classes=["output", "stream"])
    source = nodes.literal_block(long, long, classes=["cell_input"])
    document += [output, source]
    sphinxext._trim_long_outputs(None, document, "page")
    assert len(output.astext().splitlines()) == sphinxext.KEEP_HEAD + 1 + sphinxext.KEEP_TAIL
    assert output.rawsource == output.astext()
    assert source.astext() == long
