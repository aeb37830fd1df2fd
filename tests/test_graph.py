from __future__ import annotations

import html
import json
import math
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from micrograd import Value
from micrograd.engine import topological_order
from micrograd.graph import (
    NO_DOT_NOTE,
    PLAYER_NO_DOT_NOTE,
    BackwardPlayer,
    backward_frames,
    draw,
    edges,
    nodes,
    swept_nodes,
    to_dot,
)
from micrograd.nn import Neuron, Unfused
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
    assert 'n0 [label="{ a | data 2 }", shape=record];' in dot
    assert 'n1 [label="{ data 6 }", shape=record];' in dot
    assert "|  |" not in dot
    assert 'n1 [label="data 6", shape=record];' in to_dot(a * 3)


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
    assert "data &#45;20" in svg


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


# -- drawings that teach -------------------------------------------------------------------


def test_every_edge_into_an_operation_is_labelled_with_its_local_derivative() -> None:
    _, y = warmup_expression()
    dot = to_dot(y)
    labelled = re.findall(r"  n(\d+) -> n(\d+)_op \[label=\"([^\"]*)\"\];", dot)
    rows = edges(y)
    assert len(labelled) == len(rows)
    for (child, output, label), row in zip(labelled, rows, strict=True):
        assert (int(child), int(output)) == (row["input"], row["output"])
        assert float(label) == row["local_gradient"]
    assert 'fontname="Helvetica"' in dot


@pytest.mark.parametrize(
    ("build", "oval"),
    [
        (lambda x: 2 * x, "\N{MULTIPLICATION SIGN} 2"),
        (lambda x: x * 0.5, "\N{MULTIPLICATION SIGN} 0.5"),
        (lambda x: x + 2, "+ 2"),
        (lambda x: 2 + x, "+ 2"),
        (lambda x: x - 3, "\N{MINUS SIGN} 3"),
        (lambda x: 5 - x, "5 \N{MINUS SIGN}"),
        (lambda x: x / 4, "\N{DIVISION SIGN} 4"),
        (lambda x: 8 / x, "8 \N{DIVISION SIGN}"),
        (lambda x: x + 0.1, "+ 0.1"),
        (lambda x: x * x, "\N{MULTIPLICATION SIGN}"),
        (lambda x: x.relu(), "relu"),
        (lambda x: x**2, "**2"),
    ],
)
def test_a_constant_operand_is_shown_in_its_operation(
    build: Callable[[Value], Value], oval: str
) -> None:
    dot = to_dot(build(Value(-4.0, label="x")))
    assert f'n1_op [label="{oval}", shape=ellipse];' in dot


def test_a_constant_that_rounding_swallowed_is_not_guessed() -> None:
    big = Value(1e20)
    assert (big + 1).data == big.data  # the 1 is lost: data - x recovers 0, not 1
    assert 'label="+ a constant"' in to_dot(big + 1)
    assert 'label="\N{MINUS SIGN} a constant"' in to_dot(big - 1)
    assert 'label="+ 1e+20"' in to_dot(Value(1.0) + 1e20)  # x is lost instead; c is exact
    assert 'label="\N{DIVISION SIGN} 4"' in to_dot(Value(1e300) / 4)  # relative to c, not data


def _imitation_of_graphviz_pure(tmp_path: Path, dot_program: str) -> Path:
    """A ``dot`` that warns as graphviz-pure does about non-ASCII widths, then runs dot."""
    fake = tmp_path / "dot"
    fake.write_text(
        "#!/bin/sh\n"
        "echo 'Warning: Warning: no value for width of non-ASCII character 194. "
        "Falling back to width of space character' >&2\n"
        f'exec "{dot_program}" "$@"\n'
    )
    fake.chmod(0o755)
    return fake


def test_graphviz_pure_warnings_are_caught_and_the_drawing_is_the_same(
    dot_program: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    x = Value(-4.0, label="x")
    y = ((2 * x).with_label("z·x") + x).with_label("y")
    grads = y.backward()
    real = draw(y, grads)._repr_mimebundle_()
    player = BackwardPlayer(y).to_html()
    capfd.readouterr()
    _imitation_of_graphviz_pure(tmp_path, dot_program)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    assert shutil.which("dot") == str(tmp_path / "dot")
    assert draw(y, grads)._repr_mimebundle_() == real
    assert BackwardPlayer(y).to_html() == player
    assert capfd.readouterr() == ("", "")


def test_other_messages_of_dot_still_reach_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    fake = tmp_path / "dot"
    fake.write_text("#!/bin/sh\necho 'Warning: something else' >&2\necho '<svg></svg>'\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert draw(Value(1.0))._repr_mimebundle_() == {"image/svg+xml": "<svg></svg>\n"}
    assert "Warning: something else" in capfd.readouterr().err
    fake.write_text("#!/bin/sh\necho 'Error: broken' >&2\nexit 3\n")
    with pytest.raises(RuntimeError, match="dot failed with exit status 3: Error: broken"):
        draw(Value(1.0))._repr_mimebundle_()


# -- stepping through the backward pass ----------------------------------------------------


def _graphs() -> dict[str, Value]:
    _, warm_up = warmup_expression()
    x, w, b = Value(2.0, label="x"), Value(-3.0, label="w"), Value(1.0, label="b")
    off = (x * w).relu()  # -6 -> 0: nothing passes through
    a, c = Value(3.0, label="a"), Value(0.0, label="c")
    zero_gradient = ((a * a) * c).with_label("y")  # a*a's gradient is c = 0
    neuron = Neuron(2, seed=4)
    unfused = Unfused(neuron)([Value(1.0, label="x1"), Value(-2.0, label="x2")])
    huge = Value(1e300, label="h")
    return {
        "warm-up": warm_up,
        "relu off": off + b + x,
        "zero gradient": zero_gradient,
        "unfused neuron": unfused,
        "fused neuron": neuron([Value(1.0), Value(-2.0)]),
        "leaf": Value(5.0),
        "overflow": (huge * huge) * Value(0.0).relu() + huge,  # inf * 0 in the sweep
        "x - x": a - a,
    }


@pytest.mark.parametrize("name", list(_graphs()))
def test_frames_follow_backward_order_and_end_at_its_gradients(name: str) -> None:
    root = _graphs()[name]
    order = topological_order(root)
    ids = {node: i for i, node in enumerate(order)}
    frames = backward_frames(root)
    grads = root.backward()
    assert frames[0].node is None
    processed = [frame.node for frame in frames[1:]]
    if all(math.isfinite(g) for g in grads.values()):
        # backward passes gradient on from the swept nodes with a non-zero local derivative
        passing = [n for n in swept_nodes(root) if any(n.local_grads)]
        assert processed == [ids[n] for n in reversed(passing)]
    else:  # backward's fallback sweeps every node
        assert processed == [ids[n] for n in sorted(order, key=lambda n: n._serial, reverse=True)]
    last = frames[-1]
    for node, i in ids.items():
        assert (
            math.isnan(last.grads[i]) if math.isnan(grads[node]) else last.grads[i] == grads[node]
        )
    assert set(last.states) <= {"final", "unswept"}
    assert "waiting" not in last.edges
    for frame in frames:
        assert len(frame.grads) == len(frame.states) == len(order)
        assert len(frame.edges) == len(edges(root))


def test_edges_that_only_zeros_reach_are_skipped() -> None:
    x, w, b = Value(2.0, label="x"), Value(-3.0, label="w"), Value(1.0, label="b")
    product = (x * w).with_label("xw")
    off = product.relu().with_label("off")
    out = (off + b + x).with_label("out")
    order = topological_order(out)
    ids = {n.label: i for i, n in enumerate(order) if n.label}
    rows = edges(out)
    frames = backward_frames(out)
    first, last = frames[0], frames[-1]
    # xw and w are never swept: their edges are skipped from the start
    assert first.states[ids["xw"]] == first.states[ids["w"]] == "unswept"
    into_xw = [k for k, r in enumerate(rows) if r["output"] == ids["xw"]]
    assert [first.edges[k] for k in into_xw] == ["skipped", "skipped"]
    # the relu that is off gets its gradient but passes nothing on: backward never
    # processes it, and its one edge is skipped throughout
    (relu_edge,) = [k for k, r in enumerate(rows) if r["output"] == ids["off"]]
    assert {f.edges[relu_edge] for f in frames} == {"skipped"}
    assert ids["off"] not in [f.node for f in frames]
    assert "never follows the edges below off: all its local derivatives are 0" in first.text
    assert last.states[ids["off"]] == "final"
    assert last.grads[ids["off"]] == 1.0
    assert last.grads[ids["x"]] == 1.0
    assert "2 nodes that only zeros can reach are left out" in first.text
    assert [last.edges[k] for k, r in enumerate(rows) if r["output"] == ids["out"]] == ["sent"] * 2


def test_a_node_with_a_zero_gradient_sends_nothing() -> None:
    a, c = Value(3.0, label="a"), Value(0.0, label="c")
    aa = (a * a).with_label("aa")
    y = (aa * c).with_label("y")
    ids = {n.label: i for i, n in enumerate(topological_order(y))}
    frames = backward_frames(y)
    at_aa = next(f for f in frames if f.node == ids["aa"])
    assert "its gradient is 0" in at_aa.text
    assert {at_aa.edges[k] for k, r in enumerate(edges(y)) if r["output"] == ids["aa"]} == {
        "skipped"
    }
    assert frames[-1].states[ids["a"]] == "final"
    assert frames[-1].grads[ids["a"]] == 0.0


def test_a_fan_out_sum_grows_as_its_contributions_arrive() -> None:
    x, y = warmup_expression()
    frames = backward_frames(y)
    i = topological_order(y).index(x)
    assert frames[0].expected[i] == 4  # x feeds 2x, z, z·x and q·x
    arrivals = [(f.received[i], f.grads[i], f.states[i]) for f in frames]
    changes = [a for a, b in zip(arrivals[1:], arrivals, strict=False) if a[0] != b[0]]
    assert [(r, g) for r, g, _ in changes] == [(1, 40.0), (2, 70.0), (3, 62.0), (4, 46.0)]
    assert [s for _, _, s in changes] == ["partial", "partial", "partial", "final"]
    assert arrivals[0] == (0, 0.0, "waiting")
    at_qx = frames[arrivals.index(changes[0])]
    assert "x gets 1 \N{MULTIPLICATION SIGN} 40 = 40, sum so far 40 (1 of 4)" in at_qx.text
    assert frames[-1].text.endswith(
        "sum so far 46 (4 of 4). Final now, with nothing to pass on: x."
    )


def test_the_player_is_one_self_contained_fragment(dot_program: str) -> None:
    _, y = warmup_expression()
    player = BackwardPlayer(y)
    page = player._repr_html_()
    assert page == player.to_html()  # the same markup every time
    assert page.count("<svg") == 1  # one layout; frames only change classes and texts
    assert page.count('class="mg-node ') == len(nodes(y))
    assert page.count('class="mg-edge ') == len(edges(y))
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in page
    data = re.search(r'<script type="application/json" class="mg-data">(.*?)</script>', page)
    assert data is not None
    payload = json.loads(data.group(1))
    assert len(payload["t"]) == len(player.frames) == len(payload["s"]) == len(payload["g"])
    assert payload["g"][-1][0] == "grad 46 = sum of 4"
    assert payload["t"] == [f.text for f in player.frames]
    assert repr(player) == f"BackwardPlayer(12 nodes, {len(player.frames)} steps)"


def test_player_text_cannot_break_out_of_its_markup(dot_program: str) -> None:
    root = (Value(1.0, label="</script><b>") * Value(2.0, label='"&amp;')).with_label("<y>")
    page = BackwardPlayer(root).to_html()
    assert "</script><b>" not in page
    assert page.count("</script>") == 2
    data = re.search(r'class="mg-data">(.*?)</script>', page)
    assert data is not None
    assert "</script><b>" in json.loads(data.group(1))["t"][1]


def test_player_without_dot_lists_the_steps(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    _, y = warmup_expression()
    player = BackwardPlayer(y)
    page = player._repr_html_()
    assert page.startswith(f"<p>{html.escape(PLAYER_NO_DOT_NOTE)}</p>")
    assert "<table" in page
    assert html.escape(player.frames[-1].text, quote=False) in page
    with pytest.raises(FileNotFoundError, match="dot program is not on the PATH"):
        player.to_html()


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: backward_frames(3.0), TypeError, "root must be a micrograd Value, got 3.0"),
        (lambda: backward_frames(Value(1.0), max_nodes=0), ValueError, "max_nodes must be an int"),
        (lambda: backward_frames(Value(1.0), max_nodes=1.5), TypeError, "max_nodes must be an int"),
        (lambda: BackwardPlayer("y"), TypeError, "root must be a micrograd Value"),
        (lambda: BackwardPlayer(Value(1.0), rankdir="up"), ValueError, "rankdir must be one of"),
        (lambda: BackwardPlayer(Value(1.0), rankdir=1), TypeError, "rankdir must be a str"),
        (lambda: BackwardPlayer(Value(1.0), alt=None), TypeError, "alt must be a str"),
    ],
)
def test_player_arguments_are_checked(
    call: Callable[[], object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        call()


def test_backward_frames_refuse_huge_graphs() -> None:
    big = Value.sum([Value(float(i)) for i in range(20)])
    with pytest.raises(ValueError, match="21 nodes, more than max_nodes=10; step through"):
        backward_frames(big, max_nodes=10)
