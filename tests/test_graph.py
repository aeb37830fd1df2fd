from __future__ import annotations

import html
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from micrograd import Value
from micrograd.engine import topological_order
from micrograd.graph import NO_DOT_NOTE, draw, edges, nodes, swept_nodes, to_dot
from micrograd.tables import Table
from tests.helpers import warmup_expression

GOLDEN = Path(__file__).with_name("golden") / "warmup.dot"


def test_nodes_are_in_topological_order_with_stable_ids() -> None:
    _x, y = warmup_expression()
    grads = y.backward()
    rows = nodes(y, grads)
    assert rows[0] == {"id": 0, "label": "x", "op": "", "data": -4.0, "grad": 46.0}
    assert rows[-1]["label"] == "y"
    assert rows[-1]["data"] == -20.0
    assert rows[-1]["grad"] == 1.0
    assert [r["id"] for r in rows] == list(range(len(rows)))
    assert nodes(y)[-1]["grad"] is None
    _, again = warmup_expression()
    assert nodes(again, again.backward()) == rows  # a rebuilt expression gives the same rows


def test_edges_point_from_inputs_to_results() -> None:
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    c = (a * b).with_label("c")
    assert edges(c) == [
        {
            "input": 0,
            "input_label": "a",
            "output": 2,
            "output_label": "c",
            "output_op": "*",
            "local_gradient": 3.0,
        },
        {
            "input": 1,
            "input_label": "b",
            "output": 2,
            "output_label": "c",
            "output_op": "*",
            "local_gradient": 2.0,
        },
    ]
    _, y = warmup_expression()
    ids = {r["id"] for r in nodes(y)}
    rows = edges(y)
    assert len(rows) == sum(len(node.children) for node in topological_order(y))
    for row in rows:
        assert row["input"] < row["output"]
        assert {row["input"], row["output"]} <= ids


def test_to_dot_is_deterministic_and_matches_the_golden_file() -> None:
    _, y = warmup_expression()
    dot = to_dot(y, y.backward())
    _, rebuilt = warmup_expression()
    assert to_dot(rebuilt, rebuilt.backward()) == dot
    assert dot == GOLDEN.read_text()


def test_unlabelled_boxes_have_no_empty_cell() -> None:
    a = Value(2.0, label="a")
    dot = to_dot(a * 3, rankdir="TB")
    assert 'n0 [label="a | data 2.0000", shape=record];' in dot
    assert 'n1 [label="data 6.0000", shape=record];' in dot
    assert "|  |" not in dot
    assert "{  |" not in to_dot(a * 3)


def test_to_dot_refuses_huge_graphs_and_bad_arguments() -> None:
    big = Value.sum([Value(float(i)) for i in range(20)])
    with pytest.raises(
        ValueError, match="21 nodes, more than max_nodes=10; draw a smaller expression"
    ):
        to_dot(big, max_nodes=10)
    with pytest.raises(ValueError, match="rankdir must be one of"):
        to_dot(big, rankdir="XY")
    with pytest.raises(ValueError, match="max_nodes must be an int"):
        to_dot(big, max_nodes=0)
    with pytest.raises(TypeError, match="max_nodes must be an int"):
        to_dot(big, max_nodes=True)


HOSTILE = [
    "&amp;",
    "&lt;b&gt;",
    "nul\x00here",
    "esc\x1b[31m",
    "bell\x07 del\x7f c1\x85",
    "lone \ud800 surrogate",
    "tab\tcr\r",
    'say "hi"',
    "{braces}",
    "a|b",
    "<tag>",
    "back\\slash",
    "new\nline",
    "ünï ✓",
    "} | {",
    "\\",
]


def test_hostile_labels_are_accepted_by_graphviz(dot_program: str) -> None:
    leaves = [Value(float(i), label=label) for i, label in enumerate(HOSTILE)]
    root = Value.sum(leaves).with_label('"root"')
    for source in (to_dot(root, root.backward()), draw(root).source):
        done = subprocess.run(
            [dot_program, "-Tsvg"],
            input=source.encode("utf-8"),
            capture_output=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert done.stderr == b""
        assert b"<svg" in done.stdout


def test_draw_renders_svg(dot_program: str) -> None:
    _, y = warmup_expression()
    graph = draw(y, y.backward(), rankdir="TB")
    assert graph.format == "svg"
    svg = graph.pipe(encoding="utf-8")
    assert "<svg" in svg
    assert "data &#45;20.0000" in svg


def test_draw_without_the_graphviz_package_names_the_extra() -> None:
    script = (
        "import sys; sys.modules['graphviz'] = None\n"
        "from micrograd import Value\nfrom micrograd.graph import draw\ndraw(Value(1.0))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert done.returncode != 0
    assert "micrograd-book[graph]" in done.stderr


def _rendered_texts(dot_program: str, source: str) -> list[str]:
    done = subprocess.run(
        [dot_program, "-Tsvg"], input=source.encode("utf-8"), capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr
    svg = done.stdout.decode("utf-8")
    return [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]


@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_labels_render_exactly_as_typed(dot_program: str, rankdir: str) -> None:
    typed = ["&amp;", "&lt;b&gt;", "a & b", "x|y", "{z}"]
    root = Value.sum([Value(float(i), label=t) for i, t in enumerate(typed)]).with_label("&#38;")
    texts = _rendered_texts(dot_program, to_dot(root, rankdir=rankdir))
    for label in [*typed, "&#38;"]:
        assert label in texts


def test_control_characters_are_shown_as_escape_codes(dot_program: str) -> None:
    root = Value(1.0, label="a\x00b") + Value(2.0, label="c\x1bd")
    texts = _rendered_texts(dot_program, to_dot(root))
    assert "a\\x00b" in texts
    assert "c\\x1bd" in texts


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: nodes(3.0), r"root must be a Value \(the output node of a graph\), got 3\.0"),
        (lambda: edges("y"), r"root must be a Value \(the output node of a graph\), got str 'y'"),
        (lambda: to_dot(None), r"root must be a Value \(the output node of a graph\), got None"),
        (
            lambda: swept_nodes([]),
            r"root must be a Value \(the output node of a graph\), got list \[\]",
        ),
        (lambda: nodes(Value(1.0), {}), "grads must be the Gradients from backward"),
        (lambda: to_dot(Value(1.0), grads={}), "grads must be the Gradients from backward"),
        (lambda: to_dot(Value(1.0), max_nodes=2.5), r"max_nodes must be an int, got 2\.5"),
        (lambda: to_dot(Value(1.0), rankdir=None), "rankdir must be a str"),
    ],
)
def test_graph_functions_say_what_they_expected(call: Callable[[], object], message: str) -> None:
    with pytest.raises(TypeError, match=message):
        call()


def test_draw_without_dot_shows_text_and_tables_in_a_notebook(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no dot, as in a browser (JupyterLite)
    _, y = warmup_expression()
    grads = y.backward()
    bundle = draw(y, grads)._repr_mimebundle_()
    text = bundle["text/plain"]
    assert text.startswith(NO_DOT_NOTE)
    assert "n0 -> n" in text  # the DOT statements
    assert str(Table(nodes(y, grads))) in text
    assert str(Table(edges(y))) in text
    assert NO_DOT_NOTE in bundle["text/html"]
    assert "<table" in bundle["text/html"]


def test_swept_nodes_leave_out_what_only_a_zero_derivative_reaches() -> None:
    x, w, b = Value(2.0, label="x"), Value(-3.0, label="w"), Value(1.0, label="b")
    product = x * w
    off = product.relu()  # -6 -> 0: local derivative 0
    out = off + b + x  # x is also reached directly
    swept = swept_nodes(out)
    assert set(swept) == set(topological_order(out)) - {product, w}
    assert swept == sorted(swept, key=lambda n: n._serial)
    grads = out.backward()
    assert grads[w] == grads[product] == 0.0
    assert grads[x] == 1.0
    _, y = warmup_expression()
    assert set(swept_nodes(y)) == set(topological_order(y))  # nothing to leave out
