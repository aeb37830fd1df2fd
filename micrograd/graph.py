"""Inspect a computation graph as tables, as Graphviz DOT text, or as a drawing.

Node ids are positions in :func:`~micrograd.engine.topological_order` (inputs
first), not memory addresses, so the same expression always gives the same rows
and the same DOT text.
"""

from __future__ import annotations

import functools
import html
import json
import math
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from micrograd import engine
from micrograd._checks import check_instance, check_int, fail
from micrograd.engine import Gradients, Value, topological_order
from micrograd.tables import Table

if TYPE_CHECKING:
    import graphviz

__all__ = [
    "DEFAULT_MAX_NODES",
    "EDGE_STATES",
    "NODE_STATES",
    "NO_DOT_NOTE",
    "PLAYER_NO_DOT_NOTE",
    "BackwardPlayer",
    "SweepFrame",
    "backward_frames",
    "draw",
    "edges",
    "nodes",
    "swept_nodes",
    "to_dot",
]

DEFAULT_MAX_NODES = 1000
"""How many nodes :func:`to_dot` and :func:`draw` accept unless told otherwise."""

NO_DOT_NOTE = (
    "Graphviz's dot program is not available here (in a browser it never is), "
    "so the graph is shown as DOT text and as its node and edge tables."
)
"""What a drawing says in a notebook when it cannot be rendered."""


def _check_rankdir(rankdir: object) -> str:
    if check_instance("rankdir", rankdir, str, "a str") not in ("LR", "RL", "TB", "BT"):
        fail("rankdir", "one of LR, RL, TB, BT", rankdir)
    return rankdir  # type: ignore[return-value]


def _check_grads(grads: object) -> Gradients | None:
    if grads is not None and not isinstance(grads, Gradients):
        fail("grads", "the Gradients from backward(), or None", grads, TypeError)
    return grads


def nodes(root: Value, grads: Gradients | None = None) -> list[dict[str, Any]]:
    """One row per node ``root`` depends on, inputs first.

    Rows are ``{"id", "label", "op", "data", "grad"}``; ``grad`` is
    ``grads.get(node, 0.0)``, or ``None`` when no gradients are given.

    Raises:
        TypeError: If ``root`` is not a ``Value`` or ``grads`` is neither
            ``None`` nor the :class:`~micrograd.engine.Gradients` from ``backward()``.

    """
    _check_grads(grads)
    return [
        {
            "id": i,
            "label": node.label,
            "op": node.op,
            "data": node.data,
            "grad": None if grads is None else grads.get(node, 0.0),
        }
        for i, node in enumerate(topological_order(root))
    ]


def edges(root: Value) -> list[dict[str, Any]]:
    """One row per edge, in the order of :func:`nodes` then operand order.

    Rows are ``{"input", "input_label", "output", "output_label", "output_op",
    "local_gradient"}``: node ``input`` (named ``input_label``) feeds node
    ``output`` (named ``output_label``), computed by operation ``output_op``,
    and ``local_gradient`` is ``d output / d input``. Ids are those of
    :func:`nodes`; a label is ``""`` for an unnamed node. An input used twice
    by the same node (``x * x``) has two rows.
    """
    order = topological_order(root)
    ids = {node: i for i, node in enumerate(order)}
    return [
        {
            "input": ids[child],
            "input_label": child.label,
            "output": ids[node],
            "output_label": node.label,
            "output_op": node.op,
            "local_gradient": local,
        }
        for node in order
        for child, local in zip(node.children, node.local_grads, strict=True)
    ]


def swept_nodes(root: Value) -> list[Value]:
    """The nodes ``root.backward()`` sweeps, oldest first.

    A node whose local derivatives are all zero (a ReLU that is off, a hinge
    already past its margin) passes no gradient to its inputs, so backward does
    not follow them: a node reached only through such nodes has gradient zero
    and is left out of the sweep (its zero is still in the returned
    :class:`~micrograd.engine.Gradients`). This lists the nodes that are swept:
    compare its length with ``len(topological_order(root))``. (When a gradient
    turns out NaN or infinite, backward sweeps every node instead, since
    ``inf * 0`` is NaN, not zero.)

    Raises:
        TypeError: If ``root`` is not a ``Value``.

    """
    return engine._swept_order(engine._check_root(root))  # noqa: SLF001


def _visible(ch: str) -> str:
    r"""A control character or lone surrogate as the text ``\xNN``/``\uNNNN``; else itself.

    Graphviz stops at a NUL and chokes on other control bytes and on text that
    is not UTF-8, so these are shown as their escape codes instead.
    """
    code = ord(ch)
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return f"\\x{code:02x}"
    if 0xD800 <= code <= 0xDFFF:
        return f"\\u{code:04x}"
    return ch


def _escape(text: str, specials: str, breaks: Mapping[str, str]) -> str:
    """Escape ``text`` for a quoted DOT string.

    ``specials`` get a backslash, ``&`` becomes ``&amp;`` (Graphviz would
    otherwise turn a typed ``&amp;`` into ``&``), characters in ``breaks`` are
    replaced and other control characters are shown as their escape codes.
    """
    out = []
    for ch in text:
        if ch in breaks:
            out.append(breaks[ch])
            continue
        for part in _visible(ch):
            out.append("\\" + part if part in specials else "&amp;" if part == "&" else part)
    return "".join(out)


def _escape_record(text: str) -> str:
    """Escape text for a field of a Graphviz record label (line breaks become spaces)."""
    return _escape(text, '\\{}|<>"', {"\r": " ", "\n": " ", "\t": " "})


def _escape_string(text: str) -> str:
    """Escape text for a plain quoted DOT string (a newline stays a line break)."""
    return _escape(text, '\\"', {"\n": "\\n"})


def _statements(root: Value, grads: Gradients | None, rankdir: str, max_nodes: int) -> list[str]:
    """The node and edge statements shared by :func:`to_dot` and :func:`draw`."""
    _check_grads(grads)
    _check_rankdir(rankdir)
    check_int("max_nodes", max_nodes, minimum=1)
    order = topological_order(root)
    if len(order) > max_nodes:
        raise ValueError(
            f"the graph has {len(order):,} nodes, more than max_nodes={max_nodes:,}; "
            "draw a smaller expression (a training loss has tens of thousands of nodes) "
            "or raise max_nodes"
        )
    ids = {node: i for i, node in enumerate(order)}
    horizontal = rankdir in ("LR", "RL")
    lines = []
    for node, i in ids.items():
        fields = [node.label] if node.label else []
        fields.append(f"data {_short(node.data)}")
        if grads is not None:
            fields.append(f"grad {_short(grads.get(node, 0.0))}")
        label = " | ".join(_escape_record(f) for f in fields)
        if not horizontal:  # braces stack the fields, which a narrow screen needs
            label = f"{{ {label} }}"
        lines.append(f'  n{i} [label="{label}", shape=record];')
        if node.op:
            lines.append(f'  n{i}_op [label="{_escape_string(_op_text(node))}", shape=ellipse];')
            lines.append(f"  n{i}_op -> n{i};")
        for child, local in zip(node.children, node.local_grads, strict=True):
            lines.append(f'  n{ids[child]} -> n{i}_op [label="{_short(local)}"];')
    return lines


def to_dot(
    root: Value,
    grads: Gradients | None = None,
    rankdir: str = "LR",
    max_nodes: int = DEFAULT_MAX_NODES,
) -> str:
    """The graph of ``root`` as Graphviz DOT text, one record per node.

    Each node shows its label, its data and, if ``grads`` is given, its
    gradient (four significant digits); each operation is a small oval between
    its inputs and its result (the drawing of micrograd's ``draw_dot``), and
    every edge into it is labelled with its local derivative. An operation
    with a constant operand shows it where it is known exactly: ``x * 2`` is
    drawn as ``\N{MULTIPLICATION SIGN} 2`` (its local derivative), ``x + 2`` as ``+ 2``, and a
    constant that cannot be recovered to the digits shown as ``a constant``.
    The font is sans-serif. Labels are escaped, so any text
    is safe: it renders as typed (``&amp;`` stays five characters), and
    control characters, which would break ``dot``, are shown as escape codes
    such as the four characters backslash, x, 0, 0 for NUL.

    Args:
        root: The output node.
        grads: Gradients to show, e.g. ``root.backward()``.
        rankdir: Graphviz layout direction: ``"LR"``, ``"RL"``, ``"TB"`` or ``"BT"``.
        max_nodes: Refuse graphs larger than this.

    Raises:
        TypeError: If ``root`` is not a ``Value``, ``grads`` not ``Gradients`` or
            ``None``, or ``rankdir``/``max_nodes`` of the wrong type.
        ValueError: If the graph has more than ``max_nodes`` nodes or ``rankdir``
            is not one of the four directions.

    Examples:
        >>> from micrograd import Value
        >>> from micrograd.graph import to_dot
        >>> dot = to_dot(Value(2.0, label="a") * 3)
        >>> dot.splitlines()[0]
        'digraph micrograd {'
        >>> [line.strip() for line in dot.splitlines() if "->" in line]  # a's edge: d/da = 3
        ['n1_op -> n1;', 'n0 -> n1_op [label="3"];']

    """
    body = _statements(root, grads, rankdir, max_nodes)
    head = ["digraph micrograd {", f"  rankdir={rankdir};", *_STYLE]
    return "\n".join([*head, *body, "}"]) + "\n"


def draw(
    root: Value,
    grads: Gradients | None = None,
    rankdir: str = "LR",
    max_nodes: int = DEFAULT_MAX_NODES,
) -> graphviz.Digraph:
    """The graph of ``root`` as a ``graphviz.Digraph`` that notebooks render as SVG.

    Same drawing and arguments as :func:`to_dot`. Rendering needs Graphviz's
    ``dot`` program on the ``PATH``; without it (in JupyterLite, say) a notebook
    shows :data:`NO_DOT_NOTE`, the DOT text and the :func:`nodes` and :func:`edges`
    tables instead, while ``pipe()`` and ``render()`` still raise.

    Raises:
        ImportError: If the ``graphviz`` Python package is missing (install the
            ``graph`` extra, ``micrograd-book[graph]``; see Getting started).

    """
    try:
        drawing_class = _drawing_class()
    except ImportError as error:
        raise ImportError(
            "micrograd.graph.draw needs the graphviz Python package: "
            'pip install "micrograd-book[graph] @ git+https://github.com/micrograd-book/micrograd-book" (and Graphviz\'s dot program)'
        ) from error
    body = _statements(root, grads, rankdir, max_nodes)
    drawing = drawing_class(
        "micrograd",
        format="svg",
        graph_attr={"rankdir": rankdir},
        body=[b + "\n" for b in [*_STYLE, *body]],
    )
    drawing.tables = (Table(nodes(root, grads)), Table(edges(root)))
    return drawing


@functools.cache
def _drawing_class() -> type[graphviz.Digraph]:
    """A ``graphviz.Digraph`` that a notebook shows as text where ``dot`` cannot run."""
    import graphviz  # noqa: PLC0415 - optional dependency

    class Drawing(graphviz.Digraph):  # type: ignore[misc]
        tables: tuple[Table, ...] = ()

        def _repr_mimebundle_(self, *_args: Any, **_kwargs: Any) -> dict[str, Any]:
            if shutil.which("dot") is not None:
                try:
                    return {"image/svg+xml": _run_dot(self.source, "svg")}
                except FileNotFoundError:
                    pass
            text = [NO_DOT_NOTE, self.source, *map(str, self.tables)]
            markup = [f"<p>{NO_DOT_NOTE}</p>", f"<pre>{html.escape(self.source)}</pre>"]
            markup += [table._repr_html_() for table in self.tables]
            return {"text/plain": "\n\n".join(text), "text/html": "\n".join(markup)}

    return Drawing


# -- drawings that teach: edge labels, visible constants, one way to run dot ------------------

_FONT = "Helvetica"  # in SVG, dot writes font-family="Helvetica,sans-Serif"
_STYLE = [
    f'  graph [fontname="{_FONT}", nodesep=0.3, ranksep=0.3];',
    f'  node [fontname="{_FONT}", fontsize=14];',
    f'  edge [fontname="{_FONT}", fontsize=13, fontcolor="#1f4e79"];',
]
"""Graph-wide DOT statements: a sans-serif font, edge labels in a colour of their own."""

_HARMLESS_DOT_WARNING = "no value for width of non-ASCII character"
"""graphviz-pure's note that it estimates the width of a character such as ``·``."""


def _short(number: float) -> str:
    """A number for a drawing: four significant digits, ``-0`` shown as ``0``."""
    text = f"{number:.4g}"
    return "0" if text == "-0" else text


def _robust(number: float, slack: float) -> str | None:
    """``_short(number)``, or ``None`` if any number within ``slack`` of it reads otherwise."""
    if not math.isfinite(number) or not math.isfinite(slack):
        return None
    text = _short(number)
    return text if _short(number - slack) == text == _short(number + slack) else None


def _ulp_slack(*numbers: float) -> float:
    """A bound on the rounding error of one or two float operations on ``numbers``."""
    return 2.0 * sum(math.ulp(n) for n in numbers)


def _op_text(node: Value) -> str:
    """What a drawing writes in a node's operation oval, with its constant operand if it has one.

    The engine keeps no constant: ``x + 2`` and ``2 * x`` have one edge. Where
    the constant is known exactly (``\N{MULTIPLICATION SIGN} 2`` is the local derivative) or can be
    recovered to every digit shown (``+ 2`` is ``data - x``), it is written
    next to the operation; otherwise the oval says ``a constant``.
    """
    op = node.op
    symbol = _SYMBOLS.get(op, op)
    if op not in ("+", "-", "*", "/") or len(node.children) != 1:
        return symbol
    x, data, local = node.children[0].data, node.data, node.local_grads[0]
    if op == "*":  # x * k: the local derivative is k itself
        return f"{symbol} {_short(local)}"
    if op == "+":  # x + c
        c, before = data - x, False
    elif op == "-":  # x - c (local derivative 1) or c - x (-1)
        before = local != 1.0
        c = data + x if before else x - data
    if op in ("+", "-"):
        slack = _ulp_slack(data, c)  # data was rounded, then c recovered from it
    else:  # c / x, whose local derivative is -(c/x)/x, or x / c, whose is 1/c
        before = x != 0.0 and local == -(data / x)
        c = data * x if before else (1.0 / local if local else math.inf)
        slack = _ulp_slack(c, c)  # a few roundings relative to c
    constant = _robust(c, slack) or "a constant"
    return f"{constant} {symbol}" if before else f"{symbol} {constant}"


_SYMBOLS = {"*": "\N{MULTIPLICATION SIGN}", "/": "\N{DIVISION SIGN}", "-": "\N{MINUS SIGN}"}


def _run_dot(source: str, output_format: str) -> str:
    """``source`` laid out by Graphviz's ``dot`` in ``output_format`` ("svg", "json").

    graphviz-pure's warning that it guesses the width of a non-ASCII character
    is dropped (the drawing is the same); any other message dot writes goes to
    stderr as usual.

    Raises:
        FileNotFoundError: If there is no ``dot`` program on the ``PATH``.
        RuntimeError: If ``dot`` fails.

    """
    program = shutil.which("dot")
    if program is None:
        raise FileNotFoundError("Graphviz's dot program is not on the PATH")
    done = subprocess.run(
        [program, f"-T{output_format}"],
        input=source.encode("utf-8"),
        capture_output=True,
        check=False,
    )
    messages = done.stderr.decode("utf-8", "replace").splitlines()
    other = [line for line in messages if _HARMLESS_DOT_WARNING not in line]
    if done.returncode != 0:
        raise RuntimeError(f"dot failed with exit status {done.returncode}: " + "\n".join(other))
    if other:
        sys.stderr.write("\n".join(other) + "\n")
    return done.stdout.decode("utf-8")


# -- stepping through the backward pass --------------------------------------------------------

NODE_STATES = ("waiting", "partial", "final", "unswept")
"""The states of a node in a :class:`SweepFrame`, in the order of their codes in the player."""

EDGE_STATES = ("waiting", "sending", "sent", "skipped")
"""The states of an edge in a :class:`SweepFrame`, in the order of their codes in the player."""


@dataclass(frozen=True)
class SweepFrame:
    """One step of the sweep :meth:`~micrograd.engine.Value.backward` makes.

    Node ids and edge indices are those of :func:`nodes` and :func:`edges`.

    Attributes:
        node: The id of the node processed at this step, ``None`` at the start.
        text: What happens at this step, in a sentence or two.
        grads: Each node's gradient as backward holds it after this step: the
            sum of the contributions received so far (the output starts at 1).
        received: How many contributions each node has received so far.
        expected: How many contributions each node receives in the whole sweep.
        states: Each node's state: ``"waiting"`` (no use of it processed yet),
            ``"partial"`` (some uses processed, some not), ``"final"`` (every
            use processed: its gradient will not change) or ``"unswept"`` (left
            out of the sweep because only zeros reach it; its gradient is 0).
        edges: Each edge's state: ``"waiting"``, ``"sending"`` (its
            contribution is added at this step), ``"sent"`` or ``"skipped"``
            (backward does not follow it: the node it feeds has only zero local
            derivatives, a zero gradient, or is left out of the sweep).

    """

    node: int | None
    text: str
    grads: tuple[float, ...]
    received: tuple[int, ...]
    expected: tuple[int, ...]
    states: tuple[str, ...]
    edges: tuple[str, ...]


def _check_graph_size(order: list[Value], max_nodes: object) -> None:
    limit = check_int("max_nodes", max_nodes, minimum=1)
    if len(order) > limit:
        raise ValueError(
            f"the graph has {len(order):,} nodes, more than max_nodes={limit:,}; "
            "step through a smaller expression or raise max_nodes"
        )


def _name(node: Value) -> str:
    """How the player's text names a node: its label, else what it is and holds."""
    if node.label:
        return "".join(_visible(ch) for ch in node.label)
    if not node.children:
        return f"the leaf holding {_short(node.data)}"
    return f"the {_op_text(node)} node ({_short(node.data)})"


def _capitalized(text: str) -> str:
    """``text`` with "the" at its start written "The" (a label is left as typed)."""
    return "The" + text[3:] if text.startswith("the ") else text


def backward_frames(root: Value, max_nodes: int = DEFAULT_MAX_NODES) -> list[SweepFrame]:
    """The sweep of ``root.backward()`` as frames: the start, then one per node it processes.

    The frames follow backward's own order, newest node first (creation order
    reversed; see :func:`swept_nodes`), and its own arithmetic: the last
    frame's ``grads`` equal ``root.backward()`` exactly. Edges backward does
    not follow are marked ``"skipped"``; nodes it leaves out, ``"unswept"``.

    Args:
        root: The output node.
        max_nodes: Refuse graphs larger than this.

    Raises:
        TypeError: If ``root`` is not a ``Value`` or ``max_nodes`` not an int.
        ValueError: If the graph has more than ``max_nodes`` nodes.

    Examples:
        >>> from micrograd import Value
        >>> from micrograd.graph import backward_frames
        >>> x = Value(3.0, label="x")
        >>> frames = backward_frames(x * x)
        >>> [frame.node for frame in frames], frames[-1].grads
        ([None, 1], (6.0, 1.0))

    """
    check_instance("root", root, Value, "a micrograd Value")
    order = topological_order(root)
    _check_graph_size(order, max_nodes)
    sweep = _Sweep(root, order, live_only=True)  # its gradients are final once it is made
    if not math.isfinite(sum(sweep.grads.values())):
        # backward's own fallback: with a non-finite gradient, every edge counts
        sweep = _Sweep(root, order, live_only=False)
    frames = [sweep.frame(None, sweep.start_text())]
    for node, sent in sweep.steps:
        frames.append(sweep.frame(sweep.ids[node], sweep.advance(node, sent)))
    return frames


class _Sweep:
    """Backward's sweep over ``order``, replayed one node at a time for :func:`backward_frames`."""

    def __init__(self, root: Value, order: list[Value], *, live_only: bool) -> None:
        self.root, self.order, self.live_only = root, order, live_only
        self.ids = {node: i for i, node in enumerate(order)}
        self.edge_rows: list[tuple[int, int, float]] = []
        self.first_edge: dict[Value, int] = {}
        for node in order:
            self.first_edge[node] = len(self.edge_rows)
            for child, local in zip(node.children, node.local_grads, strict=True):
                self.edge_rows.append((self.ids[child], self.ids[node], local))
        # engine.Value.backward's two sweeps: the nodes that pass gradient on, in
        # creation order, and every node that gets a gradient; or every node twice
        self.reached: Iterable[Value]
        if live_only:
            self.swept, self.reached = engine._sweep_plan(root)  # noqa: SLF001
        else:
            self.swept = self.reached = engine._creation_order((root,))  # noqa: SLF001
        self.in_sweep = [False] * len(order)  # has an entry in backward's table
        for node in self.reached:
            self.in_sweep[self.ids[node]] = True
        processed = set(self.swept)
        self.ends = [node for node in order if self.in_sweep[self.ids[node]]]
        self.ends = [node for node in self.ends if node not in processed]
        self.processed = [node in processed for node in order]
        self.grads, self.steps = self._run()
        self.expected = [0] * len(order)
        for _, sent in self.steps:
            for edge, _contribution in sent or ():
                self.expected[self.edge_rows[edge][0]] += 1
        self.uses_left = [0] * len(order)
        for child_id, output, _ in self.edge_rows:
            if self.processed[output]:
                self.uses_left[child_id] += 1
        self.total_uses = list(self.uses_left)
        self.partial = [0.0] * len(order)
        self.partial[self.ids[root]] = 1.0
        self.received = [0] * len(order)
        self.edge_states = [
            "waiting" if self.processed[output] else "skipped" for _, output, _ in self.edge_rows
        ]

    def _run(self) -> tuple[dict[Value, float], list[tuple[Value, list[tuple[int, float]] | None]]]:
        """engine._sweep's arithmetic in its order, noting what each node sends down which edge."""
        grads = dict.fromkeys(self.reached, 0.0)
        grads[self.root] = 1.0
        steps: list[tuple[Value, list[tuple[int, float]] | None]] = []
        for node in reversed(self.swept):
            g = grads[node]
            if g:
                sent: list[tuple[int, float]] = []
                first = self.first_edge[node]
                for j, (child, local) in enumerate(
                    zip(node.children, node.local_grads, strict=True)
                ):
                    grads[child] += g * local
                    sent.append((first + j, g * local))
                steps.append((node, sent))
            else:
                steps.append((node, None))
        return grads, steps

    def state(self, i: int) -> str:
        if not self.in_sweep[i]:
            return "unswept"
        if self.uses_left[i] == 0:
            return "final"
        return "partial" if self.uses_left[i] < self.total_uses[i] else "waiting"

    def frame(self, node: int | None, text: str) -> SweepFrame:
        return SweepFrame(
            node=node,
            text=text,
            grads=tuple(self.partial),
            received=tuple(self.received),
            expected=tuple(self.expected),
            states=tuple(self.state(i) for i in range(len(self.order))),
            edges=tuple(self.edge_states),
        )

    def start_text(self) -> str:
        text = (
            f"Start at {_name(self.root)}: its gradient with respect to itself is 1. "
            f"backward sweeps {len(self.swept)} nodes, newest first "
            "(the reverse of the order they were created in)."
        )
        stoppers = [n for n in self.ends if n.children]
        if stoppers:
            names = ", ".join(sorted(_name(n) for n in stoppers))
            text += (
                f" It never follows the edges below {names}: "
                "all its local derivatives are 0, so it passes nothing on."
                if len(stoppers) == 1
                else f" It never follows the edges below {names}: "
                "all their local derivatives are 0, so they pass nothing on."
            )
        left_out = self.in_sweep.count(False)
        if left_out:
            text += (
                f" {left_out} nodes that only zeros can reach are left out: their gradient is 0."
            )
        if not self.live_only:
            text += " A gradient is not finite here, so every edge is followed."
        return text

    def advance(self, node: Value, sent: list[tuple[int, float]] | None) -> str:
        """Process ``node``: update the sums and states; say what happened."""
        i = self.ids[node]
        self.edge_states = ["sent" if s == "sending" else s for s in self.edge_states]
        text = f"{_capitalized(_name(node))}: gradient {_short(self.partial[i])}, final."
        if not node.children:
            text += " An input of the graph: nothing to pass on."
        elif sent is None:
            text += " Its edges are skipped: its gradient is 0, so they would only add zeros."
            first = self.first_edge[node]
            for j in range(first, first + len(node.children)):
                self.edge_states[j] = "skipped"
        else:
            parts = "; ".join(self._send(i, edge, contribution) for edge, contribution in sent)
            text += (
                f" Gradient \N{MULTIPLICATION SIGN} local derivative goes down each edge: {parts}."
            )
        for child in node.children:
            self.uses_left[self.ids[child]] -= 1
        finished = [
            _name(self.order[c])
            for c in dict.fromkeys(self.ids[child] for child in node.children)
            if self.uses_left[c] == 0 and not self.processed[c] and self.in_sweep[c]
        ]
        if finished:
            text += f" Final now, with nothing to pass on: {', '.join(finished)}."
        return text

    def _send(self, i: int, edge: int, contribution: float) -> str:
        child, _, local = self.edge_rows[edge]
        self.partial[child] += contribution
        self.received[child] += 1
        self.edge_states[edge] = "sending"
        text = (
            f"{_name(self.order[child])} gets {_short(self.partial[i])} \N{MULTIPLICATION SIGN} "
            f"{_short(local)} = {_short(contribution)}"
        )
        if self.expected[child] > 1:
            text += (
                f", sum so far {_short(self.partial[child])} "
                f"({self.received[child]} of {self.expected[child]})"
            )
        return text


PLAYER_NO_DOT_NOTE = (
    "Graphviz's dot program is not available here (in a browser it never is), "
    "so the steps of the backward pass are listed as a table instead of played on the graph."
)
"""What a :class:`BackwardPlayer` says in a notebook when it cannot lay out the graph."""

_LAYOUT_FONT_SIZE = 16
"""The font size dot sizes boxes for; the player draws 14 px text in them, leaving room."""
_FONT_SIZE = 14
_SMALLEST_TEXT = 10
"""The player never shrinks its text below this many CSS pixels: a narrow screen scrolls."""
_NODE_CODES = {"waiting": "w", "partial": "p", "final": "f", "unswept": "u"}
_EDGE_CODES = {"waiting": "w", "sending": "s", "sent": "d", "skipped": "k"}


def _grad_text(frame: SweepFrame, i: int) -> str:
    """The gradient line of node ``i``'s box at ``frame``."""
    state, value, expected = frame.states[i], frame.grads[i], frame.expected[i]
    if state == "unswept":
        return "grad 0, not swept"
    if state == "waiting":
        return "grad ?"
    if state == "partial":
        return f"so far {_short(value)} ({frame.received[i]} of {expected})"
    return f"grad {_short(value)}" + (f" = sum of {expected}" if expected > 1 else "")


def _one_line(text: str) -> str:
    return "".join(" " if ch in "\r\n\t" else _visible(ch) for ch in text)


def _box_lines(node: Value) -> list[str]:
    lines = [_one_line(node.label)] if node.label else []
    return [*lines, f"data {_short(node.data)}"]


def _layout_source(order: list[Value], frames: list[SweepFrame], rankdir: str) -> str:
    """DOT for the player's layout: each box sized for the longest text it will show."""
    ids = {node: i for i, node in enumerate(order)}
    lines = [
        "digraph micrograd {",
        f"  rankdir={rankdir};",
        f'  graph [fontname="{_FONT}", nodesep=0.3, ranksep=0.3];',
        f'  node [fontname="{_FONT}", fontsize={_LAYOUT_FONT_SIZE}, margin="0.2,0.06"];',
        f'  edge [fontname="{_FONT}", fontsize={_LAYOUT_FONT_SIZE}];',
    ]
    k = 0
    for node, i in ids.items():
        widest = max((_grad_text(f, i) for f in frames), key=len)
        label = "\\n".join(_escape_string(t) for t in [*_box_lines(node), widest])
        lines.append(f'  n{i} [id="n{i}", label="{label}", shape=box];')
        if node.op:
            op = _escape_string(_op_text(node))
            lines.append(f'  n{i}_op [id="o{i}", label="{op}", shape=ellipse];')
            lines.append(f'  n{i}_op -> n{i} [id="r{i}"];')
        for child, local in zip(node.children, node.local_grads, strict=True):
            lines.append(f'  n{ids[child]} -> n{i}_op [id="e{k}", label="{_short(local)}"];')
            k += 1
    return "\n".join([*lines, "}"]) + "\n"


def _points(text: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in (p.split(",") for p in text.split())]


class _Canvas:
    """SVG markup in the coordinates of a dot layout (points, y up), flipped for the screen."""

    PAD = 6.0

    def __init__(self, bb: str) -> None:
        x0, y0, x1, y1 = (float(v) for v in bb.split(","))
        self.x0, self.y1 = x0, y1
        self.width = x1 - x0 + 2 * self.PAD
        self.height = y1 - y0 + 2 * self.PAD

    def xy(self, x: float, y: float) -> str:
        return f"{x - self.x0 + self.PAD:.1f},{self.y1 - y + self.PAD:.1f}"

    def x(self, x: float) -> str:
        return f"{x - self.x0 + self.PAD:.1f}"

    def y(self, y: float) -> str:
        return f"{self.y1 - y + self.PAD:.1f}"

    def edge(self, pos: str) -> str:
        """A dot edge's spline (``pos``) as a path and its arrowhead as a polygon."""
        tip = None
        spline = []
        for token in pos.split():
            if token.startswith("e,"):
                tip = _points(token[2:])[0]
            elif not token.startswith("s,"):
                spline.append(_points(token)[0])
        path = "M" + self.xy(*spline[0])
        for j in range(1, len(spline) - 2, 3):
            path += " C" + " ".join(self.xy(*p) for p in spline[j : j + 3])
        markup = f'<path d="{path}"/>'
        if tip is not None:
            (bx, by), (tx, ty) = spline[-1], tip
            dx, dy = tx - bx, ty - by
            length = math.hypot(dx, dy) or 1.0
            nx, ny = -dy / length * 3.5, dx / length * 3.5
            corners = [(tx, ty), (bx + nx, by + ny), (bx - nx, by - ny)]
            markup += f'<polygon points="{" ".join(self.xy(*c) for c in corners)}"/>'
        return markup

    def text(self, x: float, y: float, content: str, css: str = "") -> str:
        klass = f' class="{css}"' if css else ""
        return f'<text x="{self.x(x)}" y="{self.y(y)}"{klass}>{html.escape(content, quote=False)}</text>'


def _player_svg(
    order: list[Value], frames: list[SweepFrame], layout: dict[str, Any], alt: str
) -> str:
    """The graph at the layout's positions, drawn in the state of ``frames[0]``."""
    canvas = _Canvas(layout["bb"])
    objects = {obj["name"]: obj for obj in layout.get("objects", [])}
    first = frames[0]
    parts = []
    for edge in sorted(layout.get("edges", []), key=lambda e: (e["id"][0], int(e["id"][1:]))):
        if edge["id"].startswith("r"):
            parts.append(f'<g class="mg-result">{canvas.edge(edge["pos"])}</g>')
            continue
        k = int(edge["id"][1:])
        lx, ly = _points(edge["lp"])[0]
        label = canvas.text(lx, ly, edge["label"])
        code = _EDGE_CODES[first.edges[k]]
        parts.append(f'<g class="mg-edge mg-{code}">{canvas.edge(edge["pos"])}{label}</g>')
    line = _FONT_SIZE * 1.25
    for i, node in enumerate(order):
        if node.op:
            op = objects[f"n{i}_op"]
            x, y = _points(op["pos"])[0]
            rx, ry = float(op["width"]) * 36, float(op["height"]) * 36
            parts.append(
                f'<g class="mg-op" data-node="{i}"><ellipse cx="{canvas.x(x)}" cy="{canvas.y(y)}" '
                f'rx="{rx:.1f}" ry="{ry:.1f}"/>{canvas.text(x, y, _op_text(node))}</g>'
            )
    for i, node in enumerate(order):
        box = objects[f"n{i}"]
        x, y = _points(box["pos"])[0]
        w, h = float(box["width"]) * 72, float(box["height"]) * 72
        texts = [*_box_lines(node), _grad_text(first, i)]
        top = y + line * (len(texts) - 1) / 2
        body = "".join(
            canvas.text(x, top - j * line, t, "mg-grad" if j == len(texts) - 1 else "")
            for j, t in enumerate(texts)
        )
        code = _NODE_CODES[first.states[i]]
        parts.append(
            f'<g class="mg-node mg-{code}"><rect x="{canvas.x(x - w / 2)}" '
            f'y="{canvas.y(y + h / 2)}" width="{w:.1f}" height="{h:.1f}" rx="4"/>{body}</g>'
        )
    width, height = canvas.width, canvas.height
    smallest = width * _SMALLEST_TEXT / _FONT_SIZE
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" aria-label="{html.escape(alt)}" '
        f'style="width:100%;max-width:{width:.0f}px;min-width:{smallest:.0f}px;height:auto">'
        + "".join(parts)
        + "</svg>"
    )


_PLAYER_CSS = """
.mg-player{--mg-f-fg:#1b1b1b;--mg-f-muted:#6b6b6b;--mg-f-bg:#fff;--mg-f-box:#f2f4f7;
--mg-f-accent:#0b62a8;--mg-f-final:#1b7a33;--mg-f-partial:#a34d00;
--mg-fg:var(--pst-color-text-base,var(--jp-content-font-color1,var(--mg-f-fg)));
--mg-muted:var(--pst-color-text-muted,var(--jp-content-font-color2,var(--mg-f-muted)));
--mg-bg:var(--pst-color-background,var(--jp-layout-color0,var(--mg-f-bg)));
--mg-box:var(--pst-color-surface,var(--jp-layout-color2,var(--mg-f-box)));
--mg-accent:var(--pst-color-primary,var(--jp-brand-color1,var(--mg-f-accent)));
--mg-final:var(--pst-color-success,var(--jp-success-color1,var(--mg-f-final)));
--mg-partial:var(--pst-color-warning,var(--jp-warn-color1,var(--mg-f-partial)));
color:var(--mg-fg);font-family:system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;
margin:.5em 0 1em}
@media (prefers-color-scheme:dark){.mg-player{--mg-f-fg:#e8e8e8;--mg-f-muted:#a8a8a8;
--mg-f-bg:#121212;--mg-f-box:#262a30;--mg-f-accent:#5fb0f5;--mg-f-final:#5cc878;
--mg-f-partial:#f0a050}}
.mg-player .mg-bar{position:sticky;top:var(--mg-top,0);z-index:2;background:var(--mg-bg);
padding:.3em 0}
.mg-player .mg-controls{display:flex;flex-wrap:wrap;align-items:center;gap:.5em}
.mg-player button{font:inherit;min-height:2.5em;padding:0 .9em;border-radius:.3em;cursor:pointer;
color:var(--mg-fg);background:var(--mg-box);border:1px solid var(--mg-muted)}
.mg-player button[aria-disabled=true]{opacity:.45;cursor:default}
.mg-player button:focus-visible,.mg-player input:focus-visible,.mg-player .mg-scroll:focus-visible{
outline:3px solid var(--mg-accent);outline-offset:2px}
.mg-player input[type=range]{flex:1 1 8em;min-width:8em;height:2.5em;margin:0;accent-color:var(--mg-accent)}
.mg-player .mg-count{font-variant-numeric:tabular-nums;white-space:nowrap}
.mg-player .mg-text{margin:.4em 0 0;min-height:4.2em;line-height:1.4}
.mg-player .mg-hint{margin:.2em 0;font-size:.9em;color:var(--mg-muted)}
.mg-player .mg-scroll{overflow-x:auto;max-width:100%}
.mg-player svg{display:block;background:transparent}
.mg-player svg text{font-size:14px;font-family:inherit;text-anchor:middle;
dominant-baseline:central;fill:var(--mg-fg)}
.mg-player .mg-node rect{fill:var(--mg-box);stroke:var(--mg-fg);stroke-width:1}
.mg-player .mg-node.mg-w .mg-grad{fill:var(--mg-muted)}
.mg-player .mg-node.mg-p .mg-grad{fill:var(--mg-partial);font-style:italic}
.mg-player .mg-node.mg-p rect{stroke:var(--mg-partial);stroke-width:2}
.mg-player .mg-node.mg-f .mg-grad{fill:var(--mg-final);font-weight:700}
.mg-player .mg-node.mg-f rect{stroke:var(--mg-final);stroke-width:2}
.mg-player .mg-node.mg-u{opacity:.5}
.mg-player .mg-node.mg-u rect{stroke-dasharray:4 3}
.mg-player .mg-node.mg-cur rect{stroke:var(--mg-accent);stroke-width:4}
.mg-player .mg-op ellipse{fill:var(--mg-bg);stroke:var(--mg-fg)}
.mg-player .mg-op.mg-cur ellipse{stroke:var(--mg-accent);stroke-width:3}
.mg-player .mg-edge path,.mg-player .mg-result path{fill:none;stroke:var(--mg-muted);stroke-width:1.2}
.mg-player .mg-edge polygon,.mg-player .mg-result polygon{fill:var(--mg-muted);stroke:none}
.mg-player .mg-edge text{fill:var(--mg-accent)}
.mg-player .mg-edge.mg-d path{stroke:var(--mg-fg)}
.mg-player .mg-edge.mg-d polygon{fill:var(--mg-fg)}
.mg-player .mg-edge.mg-s path{stroke:var(--mg-accent);stroke-width:3.5}
.mg-player .mg-edge.mg-s polygon{fill:var(--mg-accent)}
.mg-player .mg-edge.mg-s text{font-weight:700}
.mg-player .mg-edge.mg-k path{stroke-dasharray:5 4;opacity:.6}
.mg-player .mg-edge.mg-k text{fill:var(--mg-muted);text-decoration:line-through}
.mg-player .mg-key{margin:.3em 0 0;font-size:.85em;color:var(--mg-muted)}
"""

_PLAYER_JS = """(function(){
var box=document.currentScript.parentElement;
var d=JSON.parse(box.querySelector(".mg-data").textContent);
function all(s){return box.querySelectorAll(s);}
function one(s){return box.querySelector(s);}
var nodes=all(".mg-node"),grads=all(".mg-grad"),ops=all(".mg-op"),edges=all(".mg-edge");
var slider=one(".mg-slider"),prev=one(".mg-prev"),next=one(".mg-next"),text=one(".mg-text");
var count=one(".mg-count"),scroller=one(".mg-scroll"),hint=one(".mg-hint"),bar=one(".mg-bar");
var last=d.t.length-1,at=0;
function reveal(el){
var r=el.getBoundingClientRect(),s=scroller.getBoundingClientRect(),top=bar.getBoundingClientRect().bottom;
if(r.left<s.left||r.right>s.right){scroller.scrollLeft+=r.left-s.left-(s.width-r.width)/2;}
if(r.top<top){window.scrollBy(0,r.top-top-12);}
else if(r.bottom>window.innerHeight){window.scrollBy(0,r.bottom-window.innerHeight+12);}}
function show(k,follow){
at=Math.max(0,Math.min(last,k));var s=d.s[at],e=d.e[at],c=d.c[at],i;
for(i=0;i<nodes.length;i++){
nodes[i].setAttribute("class","mg-node mg-"+s[i]+(i===c?" mg-cur":""));
grads[i].textContent=d.g[at][i];}
for(i=0;i<ops.length;i++){
ops[i].setAttribute("class","mg-op"+(+ops[i].getAttribute("data-node")===c?" mg-cur":""));}
for(i=0;i<edges.length;i++){edges[i].setAttribute("class","mg-edge mg-"+e[i]);}
text.textContent=d.t[at];slider.value=at;
count.textContent="Step "+(at+1)+" of "+(last+1);
prev.setAttribute("aria-disabled",String(at===0));
next.setAttribute("aria-disabled",String(at===last));
if(follow&&c>=0){reveal(nodes[c]);}}
prev.addEventListener("click",function(){show(at-1,true);});
next.addEventListener("click",function(){show(at+1,true);});
slider.addEventListener("input",function(){show(+slider.value,true);});
box.addEventListener("keydown",function(ev){
if(ev.target===slider||ev.altKey||ev.ctrlKey||ev.metaKey){return;}
var k={ArrowLeft:at-1,ArrowRight:at+1,Home:0,End:last}[ev.key];
if(k===undefined){return;}ev.preventDefault();show(k,true);});
function fit(){hint.hidden=scroller.scrollWidth<=scroller.clientWidth+1;}
window.addEventListener("resize",fit);fit();show(0,false);
})();"""


class BackwardPlayer:
    """The backward pass of ``root``, played one node at a time in a notebook or a page.

    Displayed (its ``_repr_html_``), it is a self-contained HTML player: the
    graph laid out once by Graphviz's ``dot``, previous and next buttons, a
    slider and a line of text saying what happens at each step of
    :func:`backward_frames`. The node being processed is highlighted, every
    edge shows its local derivative, a gradient turns bold once it is final,
    and a node used several times shows its sum so far as its contributions
    arrive. The arrow keys, Home and End step too. Nothing is loaded from the
    network and no kernel is needed, so it works in a static page. Where
    ``dot`` is missing (in JupyterLite, say), the notebook shows
    :data:`PLAYER_NO_DOT_NOTE` and the steps as a table instead.

    Args:
        root: The output node.
        rankdir: Graphviz layout direction: ``"TB"``, ``"BT"``, ``"LR"`` or ``"RL"``.
        max_nodes: Refuse graphs larger than this.
        alt: What the drawing shows, for readers who cannot see it.

    Raises:
        TypeError: If ``root`` is not a ``Value`` or another argument has the wrong type.
        ValueError: If the graph has more than ``max_nodes`` nodes or
            ``rankdir`` is not one of the four directions.

    """

    def __init__(
        self,
        root: Value,
        rankdir: str = "TB",
        max_nodes: int = DEFAULT_MAX_NODES,
        alt: str = "Computation graph whose backward pass the buttons below step through",
    ) -> None:
        check_instance("root", root, Value, "a micrograd Value")
        _check_rankdir(rankdir)
        self._alt = check_instance("alt", alt, str, "a str")
        self._order = topological_order(root)
        self.frames: list[SweepFrame] = backward_frames(root, max_nodes)
        """The steps played, from :func:`backward_frames`."""
        self._rankdir = rankdir

    def __repr__(self) -> str:
        return f"BackwardPlayer({len(self._order)} nodes, {len(self.frames)} steps)"

    def to_html(self) -> str:
        """The player as one HTML fragment: inline SVG, CSS and JavaScript.

        Raises:
            FileNotFoundError: If Graphviz's ``dot`` program is not on the ``PATH``.
            RuntimeError: If ``dot`` fails.

        """
        source = _layout_source(self._order, self.frames, self._rankdir)
        layout = json.loads(_run_dot(source, "json"))
        svg = _player_svg(self._order, self.frames, layout, self._alt)
        data = {
            "t": [f.text for f in self.frames],
            "c": [-1 if f.node is None else f.node for f in self.frames],
            "s": ["".join(_NODE_CODES[s] for s in f.states) for f in self.frames],
            "e": ["".join(_EDGE_CODES[s] for s in f.edges) for f in self.frames],
            "g": [[_grad_text(f, i) for i in range(len(self._order))] for f in self.frames],
        }
        # "<" escaped so that no text can close the script element early
        payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace(
            "<", "\\u003c"
        )
        last = len(self.frames) - 1
        key = (
            "Blue: the node being processed and the edges it sends down; orange: a sum "
            "still collecting; green: a final gradient; dashed: an edge backward skips."
        )
        return (
            '<div class="mg-player" role="group" aria-label="The backward pass, step by step">'
            f"<style>{_PLAYER_CSS}</style>"
            '<div class="mg-bar"><div class="mg-controls">'
            '<button type="button" class="mg-prev" aria-disabled="true">◀ Previous</button>'
            f'<input type="range" class="mg-slider" min="0" max="{last}" value="0" step="1" '
            'aria-label="Step of the backward pass">'
            '<button type="button" class="mg-next">Next ▶</button>'
            f'<span class="mg-count">Step 1 of {last + 1}</span></div>'
            f'<p class="mg-text" aria-live="polite">{html.escape(self.frames[0].text)}</p></div>'
            '<p class="mg-hint" hidden>The graph is wider than the screen: scroll it sideways.</p>'
            '<div class="mg-scroll" tabindex="0" aria-label="Graph; the arrow keys step through it">'
            f"{svg}</div>"
            f'<p class="mg-key">{key}</p>'
            f'<script type="application/json" class="mg-data">{payload}</script>'
            f"<script>{_PLAYER_JS}</script></div>"
        )

    def _repr_html_(self) -> str:
        if shutil.which("dot") is not None:
            try:
                return self.to_html()
            except FileNotFoundError:
                pass
        rows = [
            {
                "step": k + 1,
                "node": "" if f.node is None else _name(self._order[f.node]),
                "what happens": f.text,
            }
            for k, f in enumerate(self.frames)
        ]
        return f"<p>{html.escape(PLAYER_NO_DOT_NOTE)}</p>" + Table(rows)._repr_html_()
