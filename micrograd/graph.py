"""Inspect a computation graph as tables, as Graphviz DOT text, or as a drawing.

Node ids are positions in :func:`~micrograd.engine.topological_order` (inputs
first), not memory addresses, so the same expression always gives the same rows
and the same DOT text.
"""

from __future__ import annotations

import functools
import html
import shutil
from typing import TYPE_CHECKING, Any

from micrograd.engine import Gradients, Value, topological_order
from micrograd.tables import Table

if TYPE_CHECKING:
    import graphviz

__all__ = ["DEFAULT_MAX_NODES", "NO_DOT_NOTE", "draw", "edges", "nodes", "to_dot"]

DEFAULT_MAX_NODES = 1000
"""How many nodes :func:`to_dot` and :func:`draw` accept unless told otherwise."""

NO_DOT_NOTE = (
    "Graphviz's dot program is not available here (in a browser it never is), "
    "so the graph is shown as DOT text and as its node and edge tables."
)
"""What a drawing says in a notebook when it cannot be rendered."""


def nodes(root: Value, grads: Gradients | None = None) -> list[dict[str, Any]]:
    """One row per node ``root`` depends on, inputs first.

    Rows are ``{"id", "label", "op", "data", "grad"}``; ``grad`` is
    ``grads.get(node, 0.0)``, or ``None`` when no gradients are given.
    """
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

    Rows are ``{"from", "to", "child_op", "local_gradient"}``: the input node
    ``from`` feeds the node ``to``, whose operation is ``child_op``, and
    ``local_gradient`` is ``d to / d from``. An input used twice by the same
    node (``x * x``) has two rows.
    """
    order = topological_order(root)
    ids = {node: i for i, node in enumerate(order)}
    return [
        {"from": ids[child], "to": ids[node], "child_op": node.op, "local_gradient": local}
        for node in order
        for child, local in zip(node.children, node.local_grads, strict=True)
    ]


def _escape_record(text: str) -> str:
    """Escape text for a field of a Graphviz record label inside a quoted DOT string."""
    out = []
    for ch in text:
        if ch in '\\{}|<>"':
            out.append("\\" + ch)
        elif ch in "\r\n\t":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def _escape_string(text: str) -> str:
    """Escape text for a plain quoted DOT string."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _statements(root: Value, grads: Gradients | None, rankdir: str, max_nodes: int) -> list[str]:
    """The node and edge statements shared by :func:`to_dot` and :func:`draw`."""
    if rankdir not in ("LR", "RL", "TB", "BT"):
        raise ValueError(f"rankdir must be one of LR, RL, TB, BT, got {rankdir!r}")
    if not isinstance(max_nodes, int) or isinstance(max_nodes, bool) or max_nodes < 1:
        raise ValueError(f"max_nodes must be an int >= 1, got {max_nodes!r}")
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
        fields = [node.label, f"data {node.data:.4f}"]
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
    is safe.

    Args:
        root: The output node.
        grads: Gradients to show, e.g. ``root.backward()``.
        rankdir: Graphviz layout direction: ``"LR"``, ``"RL"``, ``"TB"`` or ``"BT"``.
        max_nodes: Refuse graphs larger than this.

    Raises:
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
            ``graph`` extra: ``pip install "micrograd-book[graph]"``).

    """
    try:
        drawing_class = _drawing_class()
    except ImportError as error:
        raise ImportError(
            "micrograd.graph.draw needs the graphviz Python package: "
            'pip install "micrograd-book[graph]" (and Graphviz\'s dot program for rendering)'
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
