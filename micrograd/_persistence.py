"""Pickling and copying of :class:`~micrograd.engine.Value` graphs and their gradients.

The engine's ``__copy__``, ``__deepcopy__`` and ``__reduce__`` delegate here.
Graphs of any depth must work, so nothing recurses once per node:

* ``copy.deepcopy`` copies every node in creation order, inputs first, each
  from copies already made.
* ``pickle`` would recurse into a node's inputs, their inputs and so on. When a
  node is pickled on its own, its whole graph is therefore written first, in
  creation order (:func:`reduce_value`), so every node only refers to inputs
  already in the pickler's memo and no recursion goes deeper than one node.

Pickles made before this module existed name ``micrograd.engine._node``,
``micrograd.engine._node_after_inputs`` and ``micrograd.engine._gradients_from_items``;
the engine keeps all three names, so those pickles still load.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from micrograd import engine

if TYPE_CHECKING:
    from micrograd.engine import Gradients, Value


class _PicklingSchedule(threading.local):
    """Which nodes are being pickled after all their inputs (per thread).

    This bookkeeping only decides how deep the pickler recurses; the pickled
    content is the same either way.
    """

    def __init__(self) -> None:
        self.pending: set[int] = set()

    def schedule(self, nodes: Iterable[Value]) -> None:
        """Mark ``nodes`` (in creation order) as about to be pickled, inputs first."""
        self.pending = {id(node) for node in nodes}

    def take(self, node: Value) -> bool:
        """Whether ``node``'s inputs are pickled before it (and forget the mark)."""
        if id(node) in self.pending:
            self.pending.discard(id(node))
            return True
        return False


_pickling = _PicklingSchedule()


def copy_value(node: Value) -> Value:
    """``copy.copy(node)``: a new node with the same inputs, edges, data and label."""
    return engine._node(node._data, node._children, node._local_grads, node._op, node._label)


def deepcopy_values(roots: Sequence[Value], memo: dict[int, Any]) -> list[Value]:
    """Deep copies of ``roots``, made inputs first; nodes already in ``memo`` are reused."""
    for node in engine._creation_order(roots):
        if id(node) not in memo:
            children = tuple([memo[id(child)] for child in node._children])
            memo[id(node)] = engine._node(
                node._data, children, node._local_grads, node._op, node._label
            )
    return [memo[id(root)] for root in roots]


def reduce_value(node: Value) -> tuple[Any, ...]:
    """``node.__reduce__()``: a leaf as ``Value(data, label)``, else its fields."""
    if not node._children:
        _pickling.take(node)  # leave no stale id behind for a later node to inherit
        return engine.Value, (node._data, node._label)
    state = (node._data, node._children, node._local_grads, node._op, node._label)
    if _pickling.take(node):
        return engine._node, state
    # Pickle every input first, in creation order: each one's own inputs are
    # then already in the pickler's memo, so no recursion goes deeper than one node.
    inputs = engine._creation_order((node,))[:-1]
    _pickling.schedule(inputs)
    return _node_after_inputs, (tuple(inputs), *state)


def _node_after_inputs(
    inputs: tuple[Value, ...],
    data: float,
    children: tuple[Value, ...],
    local_grads: tuple[float, ...],
    op: str,
    label: str,
) -> Value:
    """Unpickle a node whose ``inputs`` (its whole graph, unpickled first) are ready."""
    del inputs  # unpickled only so that they exist, and are shared, before this node
    return engine._node(data, children, local_grads, op, label)


def deepcopy_gradients(
    table: dict[Value, float], original: Gradients, memo: dict[int, Any]
) -> Gradients:
    """``copy.deepcopy`` of a whole gradient ``table``: its keys are the copied graph's nodes."""
    copies = deepcopy_values(list(table), memo)
    copy = engine.Gradients._wrap(dict(zip(copies, table.values(), strict=True)))
    memo[id(original)] = copy
    return copy


def reduce_gradients(table: dict[Value, float]) -> tuple[Any, ...]:
    """``Gradients.__reduce__()`` of a whole table: its nodes inputs first, then the floats."""
    nodes = sorted(table, key=engine._serial_of)  # inputs first: see reduce_value
    _pickling.schedule(nodes)
    return _gradients_from_items, (tuple(nodes), tuple(table[n] for n in nodes))


def _gradients_from_items(nodes: tuple[Value, ...], grads: tuple[float, ...]) -> Gradients:
    """Unpickle a :class:`~micrograd.engine.Gradients`."""
    return engine.Gradients._wrap(dict(zip(nodes, grads, strict=True)))
