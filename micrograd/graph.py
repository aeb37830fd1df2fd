"""Inspect a computation graph as tables, as Graphviz DOT text, or as a drawing.

Node ids are positions in :func:`~micrograd.engine.topological_order` (inputs
first), not memory addresses, so the same expression always gives the same rows
and the same DOT text.
"""

from __future__ import annotations

import functools
import html
import shutil
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from micrograd import engine
from micrograd._checks import check_instance, check_int, fail
from micrograd.engine import Gradients, Value, topological_order
from micrograd.tables import Table

if TYPE_CHECKING:
    import graphviz

__all__ = ["DEFAULT_MAX_NODES", "NO_DOT_NOTE", "draw", "edges", "nodes", "swept_nodes", "to_dot"]

DEFAULT_MAX_NODES = 1000
"""How many nodes :func:`to_dot` and :func:`draw` accept unless told otherwise."""

NO_DOT_NOTE = (
    "Graphviz's dot program is not available here (in a browser it never is), "
    "so the graph is shown as DOT text and as its node and edge tables."
)
"""What a drawing says in a notebook when it cannot be rendered."""


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
    if check_instance("rankdir", rankdir, str, "a str") not in ("LR", "RL", "TB", "BT"):
        fail("rankdir", "one of LR, RL, TB, BT", rankdir)
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
        fields.append(f"data {node.data:.4f}")
        if grads is not None:
            fields.append(f"grad {grads.get(node, 0.0):.4f}")
        label = " | ".join(_escape_record(f) for f in fields)
        if horizontal:  # braces turn a record's fields across the layout direction
            label = f"{{ {label} }}"
        lines.append(f'  n{i} [label="{label}", shape=record];')
        if node.op:
            lines.append(f'  n{i}_op [label="{_escape_string(node.op)}"];')
            lines.append(f"  n{i}_op -> n{i};")
        for child in node.children:
            lines.append(f"  n{ids[child]} -> n{i}_op;")
    return lines


def to_dot(
    root: Value,
    grads: Gradients | None = None,
    rankdir: str = "LR",
    max_nodes: int = DEFAULT_MAX_NODES,
) -> str:
    """The graph of ``root`` as Graphviz DOT text, one record per node.

    Each node shows its label, its data and, if ``grads`` is given, its
    gradient; each operation is a small oval between its inputs and its result
    (the drawing of micrograd's ``draw_dot``). Labels are escaped, so any text
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

    """
    body = _statements(root, grads, rankdir, max_nodes)
    return "\n".join(["digraph micrograd {", f"  rankdir={rankdir};", *body, "}"]) + "\n"


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
        "micrograd", format="svg", graph_attr={"rankdir": rankdir}, body=[b + "\n" for b in body]
    )
    drawing.tables = (Table(nodes(root, grads)), Table(edges(root)))
    return drawing


@functools.cache
def _drawing_class() -> type[graphviz.Digraph]:
    """A ``graphviz.Digraph`` that a notebook shows as text where ``dot`` cannot run."""
    import graphviz  # noqa: PLC0415 - optional dependency

    class Drawing(graphviz.Digraph):  # type: ignore[misc]
        tables: tuple[Table, ...] = ()

        def _repr_mimebundle_(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
            if shutil.which("dot") is not None:
                try:
                    return super()._repr_mimebundle_(*args, **kwargs)  # type: ignore[no-any-return]
                except graphviz.ExecutableNotFound:
                    pass
            text = [NO_DOT_NOTE, self.source, *map(str, self.tables)]
            markup = [f"<p>{NO_DOT_NOTE}</p>", f"<pre>{html.escape(self.source)}</pre>"]
            markup += [table._repr_html_() for table in self.tables]
            return {"text/plain": "\n\n".join(text), "text/html": "\n".join(markup)}

    return Drawing
