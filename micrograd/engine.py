"""Scalar reverse-mode automatic differentiation.

A :class:`Value` is one immutable float in a computation graph. Every operation
creates a new node that records its inputs (its *children*, an ordered tuple) and
the local derivative of its output with respect to each input (one float per
edge). :meth:`Value.backward` walks the graph once in reverse topological order,
multiplies local derivatives along the edges (the chain rule) and returns the
result as a read-only :class:`Gradients` mapping. Nothing in the graph changes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from operator import mul
from typing import TypeGuard, TypeVar, overload

__all__ = ["Gradients", "Number", "Value", "fused_linear", "lift", "topological_order"]

Number = int | float
"""A plain Python number accepted wherever a :class:`Value` is expected."""

_T = TypeVar("_T")


def _check_number(value: object, what: str) -> float:
    """Return ``value`` as a float, or raise ``TypeError`` if it is not an int/float."""
    if _is_number(value):
        return float(value)
    raise TypeError(f"{what} must be an int or a float, got {type(value).__name__}: {value!r}")


class Value:
    """One scalar in a computation graph, immutable once created.

    Args:
        data: The number this node holds (``int`` or ``float``; ``bool`` is rejected).
        label: An optional name, shown by :mod:`micrograd.graph`.

    Raises:
        TypeError: If ``data`` is not an int or a float, or ``label`` is not a string.

    Example:
        >>> x = Value(3.0, label="x")
        >>> y = x * x + 1
        >>> y.data
        10.0
        >>> y.backward()[x]
        6.0

    """

    __slots__ = ("__weakref__", "_children", "_data", "_label", "_local_grads", "_op")

    _data: float
    _children: tuple[Value, ...]
    _local_grads: tuple[float, ...]
    _op: str
    _label: str

    def __init__(self, data: Number, label: str = "") -> None:
        if not isinstance(label, str):
            raise TypeError(f"label must be a str, got {type(label).__name__}")
        self._data = _check_number(data, "Value data")
        self._children = ()
        self._local_grads = ()
        self._op = ""
        self._label = label

    # -- read-only view ------------------------------------------------------------

    @property
    def data(self) -> float:
        """The number this node holds."""
        return self._data

    @property
    def children(self) -> tuple[Value, ...]:
        """The inputs this node was computed from, in operand order (empty for leaves)."""
        return self._children

    @property
    def local_grads(self) -> tuple[float, ...]:
        """``d self / d child`` for each entry of :attr:`children`, in the same order."""
        return self._local_grads

    @property
    def op(self) -> str:
        """The operation that produced this node (``"+"``, ``"relu"``, ...; ``""`` for leaves)."""
        return self._op

    @property
    def label(self) -> str:
        """The node's name, ``""`` if it has none."""
        return self._label

    def with_label(self, label: str) -> Value:
        """Return a copy of this node, with the same inputs and edges, named ``label``."""
        if not isinstance(label, str):
            raise TypeError(f"label must be a str, got {type(label).__name__}")
        return _node(self._data, self._children, self._local_grads, self._op, label)

    def __repr__(self) -> str:
        parts = [f"data={self._data!r}"]
        if self._label:
            parts.append(f"label={self._label!r}")
        if self._op:
            parts.append(f"op={self._op!r}")
        return f"Value({', '.join(parts)})"

    def __float__(self) -> float:
        return self._data

    # Values are graph nodes, so equality and hashing are by identity (the defaults);
    # comparing numbers is done on ``.data``.

    # -- arithmetic ----------------------------------------------------------------

    def __add__(self, other: Value | Number) -> Value:
        if isinstance(other, Value):
            return _node(self._data + other._data, (self, other), (1.0, 1.0), "+")
        if _is_number(other):
            return _node(self._data + other, (self,), (1.0,), "+")
        return NotImplemented

    def __radd__(self, other: Number) -> Value:
        return self.__add__(other)

    def __mul__(self, other: Value | Number) -> Value:
        if isinstance(other, Value):
            return _node(self._data * other._data, (self, other), (other._data, self._data), "*")
        if _is_number(other):
            k = float(other)
            return _node(self._data * k, (self,), (k,), "*")
        return NotImplemented

    def __rmul__(self, other: Number) -> Value:
        return self.__mul__(other)

    def __pow__(self, exponent: Number) -> Value:
        if not _is_number(exponent):
            return NotImplemented
        k = float(exponent)
        try:
            out = self._data**k
            local = k * self._data ** (k - 1) if k != 0 else 0.0
        except OverflowError:
            raise OverflowError(f"{self._data!r} ** {k!r} is too large for a float") from None
        except ZeroDivisionError:
            raise ZeroDivisionError(f"0.0 ** {k!r} is undefined (division by zero)") from None
        if isinstance(out, complex) or isinstance(local, complex):
            raise ValueError(
                f"{self._data!r} ** {k!r} is not a real number: a negative base "
                "needs an integer exponent"
            )
        return _node(out, (self,), (local,), f"**{_format_exponent(k)}")

    def __neg__(self) -> Value:
        return _node(-self._data, (self,), (-1.0,), "neg")

    def __sub__(self, other: Value | Number) -> Value:
        if isinstance(other, Value):
            return _node(self._data - other._data, (self, other), (1.0, -1.0), "-")
        if _is_number(other):
            return _node(self._data - other, (self,), (1.0,), "-")
        return NotImplemented

    def __rsub__(self, other: Number) -> Value:
        if not _is_number(other):
            return NotImplemented
        return _node(other - self._data, (self,), (-1.0,), "-")

    def __truediv__(self, other: Value | Number) -> Value:
        if isinstance(other, Value):
            if other._data == 0.0:
                raise ZeroDivisionError(f"cannot divide {self!r} by {other!r}, whose data is zero")
            inverse = 1.0 / other._data
            quotient = self._data * inverse
            return _node(quotient, (self, other), (inverse, -quotient * inverse), "/")
        if _is_number(other):
            if other == 0:
                raise ZeroDivisionError(f"cannot divide {self!r} by zero")
            inverse = 1.0 / other
            return _node(self._data * inverse, (self,), (inverse,), "/")
        return NotImplemented

    def __rtruediv__(self, other: Number) -> Value:
        if not _is_number(other):
            return NotImplemented
        if self._data == 0.0:
            raise ZeroDivisionError(f"cannot divide {other!r} by {self!r}, whose data is zero")
        quotient = other / self._data
        return _node(quotient, (self,), (-quotient / self._data,), "/")

    # -- nonlinearities ------------------------------------------------------------

    def relu(self) -> Value:
        """``max(0, x)``; its derivative is 1 where ``x > 0`` and 0 elsewhere."""
        x = self._data
        if x > 0.0:
            return _node(x, (self,), (1.0,), "relu")
        return _node(0.0, (self,), (0.0,), "relu")

    def tanh(self) -> Value:
        """Hyperbolic tangent ``t``; its derivative is ``1 - t**2``."""
        t = math.tanh(self._data)
        return _node(t, (self,), (1.0 - t * t,), "tanh")

    def exp(self) -> Value:
        """Exponential, ``e**x``; its derivative is ``e**x`` too.

        Raises:
            OverflowError: If ``e**x`` does not fit in a float (``x`` above about 709.78).

        """
        try:
            e = math.exp(self._data)
        except OverflowError:
            raise OverflowError(
                f"exp({self._data!r}) is too large for a float (inputs up to about 709.78 fit)"
            ) from None
        return _node(e, (self,), (e,), "exp")

    def log(self) -> Value:
        """The natural logarithm; its derivative is ``1 / x``.

        Raises:
            ValueError: If the input is not positive.

        """
        x = self._data
        if not x > 0.0:
            raise ValueError(f"log is only defined for positive inputs, got {x!r}")
        return _node(math.log(x), (self,), (1.0 / x,), "log")

    # -- fused n-ary nodes ----------------------------------------------------------

    @staticmethod
    def sum(terms: Iterable[Value | Number]) -> Value:
        """Add many terms as one node with one edge (local derivative 1) per ``Value`` term.

        Plain numbers are folded into the result as constants. Equivalent to chaining
        ``+`` but the graph has one node instead of ``len(terms) - 1``.

        Raises:
            TypeError: If a term is neither a ``Value`` nor an int/float.

        """
        children: list[Value] = []
        total = 0.0
        for term in terms:
            if type(term) is Value:
                children.append(term)
                total += term._data
            else:
                total += _check_number(term, "a term of Value.sum")
        return _node(total, tuple(children), (1.0,) * len(children), "sum")

    @staticmethod
    def linear(
        weights: Sequence[Value], inputs: Sequence[Value | Number], bias: Value | Number = 0.0
    ) -> Value:
        """``sum(w * x for w, x in zip(weights, inputs)) + bias`` as one node.

        The node has an edge to each weight (local derivative: its input), to each
        ``Value`` input (local derivative: its weight) and to a ``Value`` bias
        (local derivative 1). This is a neuron's pre-activation.

        Raises:
            ValueError: If ``weights`` and ``inputs`` differ in length.
            TypeError: If a weight is not a ``Value`` or an input is not a number/``Value``.

        """
        if len(weights) != len(inputs):
            raise ValueError(
                f"linear needs as many inputs as weights: {len(weights)} weights, "
                f"{len(inputs)} inputs"
            )
        for w in weights:
            if type(w) is not Value:
                raise TypeError(f"weights must be Values, got {type(w).__name__}")
        input_nodes = tuple(lift(x) for x in inputs)
        bias_node = lift(bias)
        return fused_linear(
            tuple(weights),
            tuple(w._data for w in weights),
            input_nodes,
            tuple(x._data for x in input_nodes),
            bias_node,
        )

    # -- backpropagation -------------------------------------------------------------

    def backward(self) -> Gradients:
        """Differentiate this node with respect to every node it depends on.

        One reverse sweep over :func:`topological_order` applies the chain rule:
        each node's gradient is multiplied by the local derivative on each of its
        edges and added to the child's gradient. A node used several times
        (fan-out) collects the sum over all its uses.

        Returns:
            A new read-only :class:`Gradients` mapping ``node -> d self / d node``,
            with ``self`` itself at ``1.0``. Nothing is stored on any node, so
            calling this twice gives two equal, independent tables.

        """
        order = topological_order(self)
        grads = dict.fromkeys(order, 0.0)
        grads[self] = 1.0
        for node in reversed(order):
            g = grads[node]
            if g:  # a zero gradient adds nothing below it: skip its edges
                for child, local in zip(node._children, node._local_grads, strict=False):
                    grads[child] += g * local
        return Gradients(grads)


_set = object.__setattr__
_new = object.__new__


def _is_number(value: object) -> TypeGuard[int | float]:
    """True for ints and floats (and their subclasses), False for bools and the rest."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _format_exponent(k: float) -> str:
    return str(int(k)) if k.is_integer() else repr(k)


def _node(
    data: float,
    children: tuple[Value, ...],
    local_grads: tuple[float, ...],
    op: str,
    label: str = "",
) -> Value:
    """Create an interior node without argument checks (callers guarantee the types)."""
    node: Value = _new(Value)
    node._data = data
    node._children = children
    node._local_grads = local_grads
    node._op = op
    node._label = label
    return node


def lift(value: Value | Number) -> Value:
    """Return ``value`` if it is a :class:`Value`, else a new leaf holding the number.

    Raises:
        TypeError: If ``value`` is neither a ``Value`` nor an int/float.

    """
    if type(value) is Value:
        return value
    return Value(value)  # type: ignore[arg-type]


def fused_linear(
    weights: tuple[Value, ...],
    weight_data: tuple[float, ...],
    inputs: tuple[Value, ...],
    input_data: tuple[float, ...],
    bias: Value,
) -> Value:
    """The unchecked core of :meth:`Value.linear` for callers that cache the floats.

    ``weight_data`` and ``input_data`` must hold the ``data`` of ``weights`` and
    ``inputs``; :class:`micrograd.nn.Neuron` keeps its weights' floats so that the
    training loop's hottest path reads them once per model instead of once per call.
    """
    return _node(
        sum(map(mul, weight_data, input_data), bias._data),
        weights + inputs + (bias,),
        input_data + weight_data + (1.0,),
        "linear",
    )


def topological_order(root: Value) -> list[Value]:
    """Every node ``root`` depends on, inputs before the nodes computed from them.

    Iterative depth-first search, so graphs of any depth work (a recursive
    version fails near Python's recursion limit of about 1,000). Children are
    visited in operand order, so the order is the same on every run.
    """
    order: list[Value] = []
    visited = {root}
    stack: list[tuple[Value, Iterator[Value]]] = [(root, iter(root._children))]
    push = stack.append
    mark = visited.add
    while stack:
        node, pending = stack[-1]
        for child in pending:
            if child not in visited:
                mark(child)
                push((child, iter(child._children)))
                break
        else:
            stack.pop()
            order.append(node)
    return order


class Gradients(Mapping[Value, float]):
    """A read-only table ``node -> gradient`` returned by :meth:`Value.backward`.

    Keys are :class:`Value` nodes, compared by identity. Every node the
    differentiated output depends on is present. Use ``grads[x]`` for a node
    that must be in the graph and ``grads.get(x, 0.0)`` for one that may not be.

    Raises:
        KeyError: On ``grads[x]`` when ``x`` is not part of the graph.
        TypeError: On any attempt to assign or delete an entry.

    """

    __slots__ = ("_table",)

    _table: dict[Value, float]

    def __init__(self, table: Mapping[Value, float] | None = None) -> None:
        _set(self, "_table", dict(table) if table is not None else {})

    def __getitem__(self, node: Value) -> float:
        try:
            return self._table[node]
        except KeyError:
            raise KeyError(
                f"{node!r} is not part of the graph these gradients were computed for "
                "(the output does not depend on it); use grads.get(node, 0.0) to treat "
                "it as zero"
            ) from None

    @overload
    def get(self, node: Value, /) -> float | None: ...
    @overload
    def get(self, node: Value, default: float, /) -> float: ...
    @overload
    def get(self, node: Value, default: _T, /) -> float | _T: ...
    def get(self, node: Value, default: object = None, /) -> object:
        """``grads[node]`` if the node is in the graph, else ``default``."""
        return self._table.get(node, default)

    def __contains__(self, node: object) -> bool:
        return node in self._table

    def __iter__(self) -> Iterator[Value]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Gradients are read-only")

    def __repr__(self) -> str:
        return f"Gradients({len(self._table)} nodes)"
