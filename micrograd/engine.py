"""Scalar reverse-mode automatic differentiation.

A :class:`Value` is one immutable float in a computation graph. Every operation
creates a new node that records its inputs (its *children*, an ordered tuple) and
the local derivative of its output with respect to each input (one float per
edge). :meth:`Value.backward` walks the graph once in reverse topological order,
multiplies local derivatives along the edges (the chain rule) and returns the
result as a read-only :class:`Gradients` mapping. Nothing in the graph changes.

The module reads top to bottom: :class:`Value` and its operations, then
``backward`` and the helpers of its sweep, then :class:`Gradients`. Pickling and
copying live in the private module ``micrograd._persistence``.

Two orders, both topological (every node after the nodes it was computed from):

* **Creation order**, used by ``backward``. Every node gets a serial number when
  it is created, and its inputs exist before it does, so sorting the nodes by
  serial is a topological order: one C-level sort, no depth-first search.
  ``backward`` first walks from the output towards the inputs, level by level,
  collecting the nodes whose gradient can be non-zero; that walk is also where
  the zero-edge pruning happens, once: a node whose local derivatives are all
  zero (a ReLU that is off, a point already past the margin) passes nothing
  on, so its inputs are not followed through it. Then one sweep over those
  nodes, newest first, applies the chain rule.
* **Depth-first order**, :func:`topological_order`: children in operand order,
  the same on every run and independent of when the parts of a graph were
  built. It is the public order, for reading a graph: :mod:`micrograd.graph`
  numbers its node ids by it, and the chapters and the DOT files print it.

Floating-point rules (the same for every operation): results follow IEEE 754, so
a result too large for a float becomes ``inf`` or ``-inf`` (``Value(1e308) * 10``,
``Value(1e200) ** 3``, ``Value(1000.0).exp()``) and NaN inputs give NaN outputs;
training notices through its divergence check. Only a mathematical domain error
raises: division by zero (:class:`ZeroDivisionError`), ``log`` of a number that is
not positive and a negative base with a non-integer exponent (:class:`ValueError`).
An ``int`` operand too large to convert to a float raises :class:`OverflowError`,
exactly as Python's own ``1.0 + 10**400`` does.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import count
from operator import attrgetter, mul
from typing import Any, NoReturn, Self, TypeVar, overload

from micrograd import _persistence
from micrograd._checks import check_instance, fail, is_number

# Pickles written before pickling moved to micrograd._persistence name these here.
from micrograd._persistence import _gradients_from_items, _node_after_inputs  # noqa: F401

__all__ = [
    "Gradients",
    "Number",
    "Value",
    "is_number",
    "lift",
    "topological_order",
]

Number = int | float
"""A plain Python number accepted wherever a :class:`Value` is expected."""

_T = TypeVar("_T")


class Value:
    """One scalar in a computation graph, immutable once created.

    Args:
        data: The number this node holds (``int`` or ``float``; ``bool`` is rejected).
        label: An optional name, shown by :mod:`micrograd.graph`.

    Raises:
        TypeError: If ``data`` is not an int or a float, or ``label`` is not a string.
        OverflowError: If ``data`` is an int too large for a float.

    Truth value: like a Python float and like a one-element PyTorch tensor,
    ``bool(v)`` is ``bool(v.data)``: ``False`` for ``0.0`` and ``-0.0``, ``True``
    otherwise (NaN included). So ``if loss:`` asks "is the loss non-zero?".

    Conversion: ``float(v)`` is ``v.data``, a plain number outside the graph.
    So ``math.exp(v)`` (any ``math`` function) returns a float that
    ``backward()`` cannot see: use ``v.exp()``, ``v.tanh()``, ``v ** 0.5``.

    Pickling and copying: ``pickle``, ``copy.copy`` and ``copy.deepcopy`` keep
    the data, labels, operations and the graph's shape; a node shared by several
    paths stays one node, and graphs of any depth work (they are written
    iteratively, inputs first). ``copy.copy`` gives a new node with the same
    inputs; ``copy.deepcopy`` copies the whole graph.

    Immutability: the public attributes are read-only properties and there is
    no ``__dict__``, so ``v.data = 1`` and ``v.grad = 0`` raise
    ``AttributeError``; calling ``v.__init__(...)`` again on an existing node
    changes nothing (nodes are built in ``__new__``). The private slots (``v._data``...) can still be assigned, as
    can anything through ``object.__setattr__``: a refusing ``__setattr__``
    would slow every node's creation by about a sixth of a training step, so
    the leading underscore is the only guard there. Don't write them.

    Examples:
        >>> from micrograd import Value
        >>> x = Value(3.0, label="x")
        >>> y = x * x + 1
        >>> y.data
        10.0
        >>> y.backward()[x]
        6.0

    """

    __slots__ = ("__weakref__", "_children", "_data", "_label", "_local_grads", "_op", "_serial")

    _data: float
    _children: tuple[Value, ...]
    _local_grads: tuple[float, ...]
    _op: str
    _label: str
    _serial: int

    def __new__(cls, data: Number, label: str = "") -> Self:
        """Create a leaf (built here, with no ``__init__``, so that nothing can re-run it)."""
        if not is_number(data):
            fail("data", "a real number (int or float)", data, TypeError)
        check_instance("label", label, str, "a str")
        return _node(float(data), (), (), "", label)  # type: ignore[return-value]

    # -- read-only view ------------------------------------------------------------

    @property
    def data(self) -> float:
        """The number this node holds (read-only, since nodes never change)."""
        return self._data

    @data.setter
    def data(self, _value: object) -> NoReturn:
        raise AttributeError(_IMMUTABLE_DATA)

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
        check_instance("label", label, str, "a str")
        return _node(self._data, self._children, self._local_grads, self._op, label)

    def __repr__(self) -> str:
        parts = [f"data={self._data!r}"]
        if self._label:
            parts.append(f"label={self._label!r}")
        if self._op:
            parts.append(f"op={self._op!r}")
        return f"Value({', '.join(parts)})"

    def __float__(self) -> float:
        """``float(v)`` is ``v.data``: a plain number, outside the graph.

        Python's ``math`` functions convert their argument with it, so
        ``math.exp(v)``, ``math.tanh(v)`` or ``math.sqrt(v)`` return a float, not a
        ``Value``, and nothing computed from that float reaches ``backward()``.
        Use the node's own operations (``v.exp()``, ``v.tanh()``, ``v ** 0.5``).
        ``float(v)`` stays, as for a Python number or a one-element PyTorch
        tensor: printing, plotting and comparing need the number, and a
        ``Value`` cannot tell ``math.exp`` from ``float(loss)``.
        """
        return self._data

    def __bool__(self) -> bool:
        return self._data != 0.0

    # Values are graph nodes, so equality and hashing are by identity (the defaults);
    # comparing numbers is done on ``.data``.

    # -- habits from micrograd: a pointer instead of a bare AttributeError -----------
    # A property, not a __getattr__ fallback: defining __getattr__ would slow every
    # attribute read of every node (Python's fast paths skip such classes).

    @property
    def grad(self) -> NoReturn:
        """Not stored on nodes, so reading it raises; use ``grads = loss.backward(); grads[x]``."""
        raise AttributeError(_NO_GRAD, name="grad", obj=self)

    @grad.setter
    def grad(self, _value: object) -> NoReturn:
        raise AttributeError(_NO_GRAD_TO_SET, name="grad", obj=self)

    # -- arithmetic ----------------------------------------------------------------

    def __add__(self, other: Value | Number) -> Value:
        if isinstance(other, Value):
            return _node(self._data + other._data, (self, other), (1.0, 1.0), "+")
        if is_number(other):
            return _node(self._data + other, (self,), (1.0,), "+")
        return NotImplemented

    def __radd__(self, other: Number) -> Value:
        return self.__add__(other)

    def __mul__(self, other: Value | Number) -> Value:
        if isinstance(other, Value):
            return _node(self._data * other._data, (self, other), (other._data, self._data), "*")
        if is_number(other):
            k = float(other)
            return _node(self._data * k, (self,), (k,), "*")
        return NotImplemented

    def __rmul__(self, other: Number) -> Value:
        return self.__mul__(other)

    def __pow__(self, exponent: Number) -> Value:
        """``self ** exponent`` for a constant exponent; derivative ``k * x ** (k - 1)``.

        At ``0.0`` with ``0 < k < 1`` (``Value(0.0) ** 0.5``) the value is ``0.0``
        and only the derivative is infinite: the local derivative is ``inf``.

        Raises:
            ZeroDivisionError: If ``self`` is zero and ``exponent`` is negative.
            ValueError: If ``self`` is negative and ``exponent`` is not an integer.

        """
        if not is_number(exponent):
            return NotImplemented
        x, k = self._data, float(exponent)
        if x == 0.0 and k < 0.0:
            raise ZeroDivisionError(f"{x!r} ** {k!r} divides by zero (a negative power of 0)")
        if x < 0.0 and not k.is_integer():
            raise ValueError(
                f"{x!r} ** {k!r} is not a real number: a negative base needs an integer exponent"
            )
        local = k * _power(x, k - 1.0) if k != 0.0 else 0.0
        return _node(_power(x, k), (self,), (local,), f"**{_format_exponent(k)}")

    def __neg__(self) -> Value:
        return _node(-self._data, (self,), (-1.0,), "neg")

    def __sub__(self, other: Value | Number) -> Value:
        if isinstance(other, Value):
            return _node(self._data - other._data, (self, other), (1.0, -1.0), "-")
        if is_number(other):
            return _node(self._data - other, (self,), (1.0,), "-")
        return NotImplemented

    def __rsub__(self, other: Number) -> Value:
        if not is_number(other):
            return NotImplemented
        return _node(other - self._data, (self,), (-1.0,), "-")

    def __truediv__(self, other: Value | Number) -> Value:
        """``self / other``, exactly Python's quotient; derivatives ``1/b`` and ``-a/b**2``.

        ``-a/b**2`` is computed as ``-(quotient / b)``, so it is finite whenever
        the true derivative fits in a float (``b**2`` alone could underflow to 0).

        Raises:
            ZeroDivisionError: If the divisor is zero.

        """
        if isinstance(other, Value):
            b = other._data
            if b == 0.0:
                raise ZeroDivisionError(f"cannot divide {self!r} by {other!r}, whose data is zero")
            quotient = self._data / b
            return _node(quotient, (self, other), (1.0 / b, -(quotient / b)), "/")
        if is_number(other):
            if other == 0:
                raise ZeroDivisionError(f"cannot divide {self!r} by zero")
            return _node(self._data / other, (self,), (1.0 / other,), "/")
        return NotImplemented

    def __rtruediv__(self, other: Number) -> Value:
        if not is_number(other):
            return NotImplemented
        b = self._data
        if b == 0.0:
            raise ZeroDivisionError(f"cannot divide {other!r} by {self!r}, whose data is zero")
        quotient = other / b
        return _node(quotient, (self,), (-(quotient / b),), "/")

    # -- nonlinearities ------------------------------------------------------------

    def relu(self) -> Value:
        """``max(0, x)``; its derivative is 1 where ``x > 0`` and 0 where ``x <= 0``.

        NaN propagates: ``relu(nan)`` is NaN, as in PyTorch, and so is its local
        derivative, so gradients through it are NaN rather than silently zero.
        """
        x = self._data
        if x > 0.0:
            return _node(x, (self,), (1.0,), "relu")
        if x <= 0.0:
            return _node(0.0, (self,), (0.0,), "relu")
        return _node(math.nan, (self,), (math.nan,), "relu")  # x is NaN

    def tanh(self) -> Value:
        """Hyperbolic tangent ``t``; its derivative is ``1 - t**2``."""
        t = math.tanh(self._data)
        return _node(t, (self,), (1.0 - t * t,), "tanh")

    def exp(self) -> Value:
        """Exponential, ``e**x``; its derivative is ``e**x`` too.

        Above ``x`` of about 709.78 the result is ``inf`` (IEEE overflow).
        """
        try:
            e = math.exp(self._data)
        except OverflowError:
            e = math.inf
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
            elif is_number(term):
                total += term  # an int too large for a float raises OverflowError, as in Python
            else:
                fail(
                    "a term of Value.sum",
                    "a Value or a real number (int or float)",
                    term,
                    TypeError,
                )
        return _node(total, tuple(children), (1.0,) * len(children), "sum")

    @staticmethod
    def linear(
        weights: Sequence[Value], inputs: Sequence[Value | Number], bias: Value | Number = 0.0
    ) -> Value:
        """``sum(w * x for w, x in zip(weights, inputs)) + bias`` as one node.

        The node's children are the weights, the bias, then the inputs (plain
        numbers become leaves). Local derivatives: each weight's input, 1 for
        the bias, each input's weight. This is a neuron's pre-activation.

        Raises:
            ValueError: If ``weights`` and ``inputs`` differ in length.
            TypeError: If a weight is not a ``Value`` or an input is not a number/``Value``.

        """
        if len(weights) != len(inputs):
            raise ValueError(
                f"linear needs as many inputs as weights: {len(weights)} weights, "
                f"{len(inputs)} inputs"
            )
        for i, w in enumerate(weights):
            if type(w) is not Value:
                fail(f"weights[{i}]", "a Value", w, TypeError)
        input_nodes = tuple([lift(x) for x in inputs])
        neuron = ((*weights, lift(bias)), tuple([w._data for w in weights]), False)
        return _neuron_outputs((neuron,), input_nodes, (*[x._data for x in input_nodes], 1.0))[0]

    # -- backpropagation -------------------------------------------------------------

    def backward(self) -> Gradients:
        """Differentiate this node with respect to every node it depends on.

        Two phases (see the module docstring). First, the nodes whose gradient
        can be non-zero, in creation order: a node whose local derivatives are
        all zero (a ReLU that is off, a point already outside the margin) passes
        nothing on, so the nodes reached only through it are left out: their
        gradient is zero. Then one sweep from ``self`` back to the inputs
        applies the chain rule: each node's gradient is multiplied by the local
        derivative on each of its edges and added to the child's gradient. A
        node used several times (fan-out) collects the sum over all its uses.

        Returns:
            A new read-only :class:`Gradients` mapping ``node -> d self / d node``,
            with ``self`` itself at ``1.0`` and every node ``self`` depends on
            present (the zeros of the nodes left out are filled in when first
            asked for). Nothing is stored on any node, so calling this twice
            gives two equal, independent tables.

        Raises:
            TypeError: If called on something that is not a ``Value``.

        Examples:
            The book's warm-up: ``x`` is used three times, and its gradient is
            the sum over those uses.

            >>> from micrograd import Value
            >>> x = Value(-4.0, label="x")
            >>> z = 2 * x + 2 + x
            >>> grads = z.backward()
            >>> grads[x], grads[z]
            (3.0, 1.0)

        """
        root = _check_root(self, "Value.backward's self")
        grads = _sweep(*_sweep_plan(root), root)
        if math.isfinite(sum(grads.values())):
            return Gradients._wrap(grads, root)
        # A non-finite gradient times a zero local derivative is NaN, not zero: with
        # a non-finite gradient anywhere, every edge counts (rare: a diverging model).
        everything = _creation_order((root,))
        return Gradients._wrap(_sweep(everything, everything, root))

    # -- copying and pickling: see micrograd._persistence -----------------------------

    def __copy__(self) -> Value:
        return _persistence.copy_value(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> Value:
        return _persistence.deepcopy_values([self], memo)[0]

    def __reduce__(self) -> tuple[Any, ...]:
        return _persistence.reduce_value(self)


def _sweep(order: list[Value], nodes: Iterable[Value], root: Value) -> dict[Value, float]:
    """The chain rule over ``order`` (a creation order ending at ``root``), inputs last.

    ``nodes`` are all the nodes that get a gradient, oldest first: those of
    ``order``, whose edges are followed, and those that pass nothing on (see
    :func:`_sweep_plan`).
    """
    grads = dict.fromkeys(nodes, 0.0)
    grads[root] = 1.0
    for node in reversed(order):
        g = grads[node]
        if g:  # a zero gradient adds nothing below it: skip its edges
            # zip without strict=: the keyword makes each zip() call several times slower
            for child, local in zip(node._children, node._local_grads):  # noqa: B905
                grads[child] += g * local
    return grads


def _live_nodes(root: Value) -> set[Value]:
    """The nodes whose gradient can be non-zero, in no particular order.

    The walk goes level by level from ``root``; each level's inputs are gathered
    with one C-level set union, so the Python loop runs once per node rather
    than once per edge. This is where the zero-edge pruning happens: a node
    whose local derivatives are all zero (and every leaf) passes nothing on, so
    its inputs are not followed (they are still reached if another path leads
    to them).
    """
    frontier: set[Value] = {root}
    reached = set(frontier)
    while frontier:
        inputs = [node._children for node in frontier if any(node._local_grads)]
        frontier = set().union(*inputs) - reached
        reached |= frontier
    return reached


def _sweep_plan(root: Value) -> tuple[list[Value], list[Value]]:
    """What ``backward`` sweeps when every gradient is finite: ``(passing, nodes)``.

    ``nodes`` is every node :func:`_live_nodes` reached, oldest first; ``passing``
    those of them that pass gradient on (the walk followed their inputs), in the
    same order. They are picked from the sorted list rather than level by level
    in the walk, which costs a list per level (a chain has a level per node).
    """
    nodes = _swept_order(root)
    return [node for node in nodes if any(node._local_grads)], nodes


def _creation_order(roots: Iterable[Value]) -> list[Value]:
    """Every node the ``roots`` depend on, roots included, oldest first.

    A node's inputs exist before the node does, so creation order puts inputs
    before the nodes computed from them (see the module docstring). Found level
    by level, like :func:`_live_nodes`, without the pruning.
    """
    frontier = set(roots)
    reached = set(frontier)
    while frontier:
        frontier = set().union(*[node._children for node in frontier]) - reached
        reached |= frontier
    return sorted(reached, key=_serial_of)


def _swept_order(root: Value) -> list[Value]:
    """The nodes ``backward`` sweeps when every gradient is finite, oldest first."""
    return sorted(_live_nodes(root), key=_serial_of)


_NO_GRAD = (
    "a Value has no .grad: gradients are not stored on nodes, backward() returns them: "
    "grads = loss.backward(); grads[x]"
)
_NO_GRAD_TO_SET = (
    "a Value has no .grad to set or reset: gradients are not stored on nodes, so there is "
    "nothing to zero; each backward() returns fresh ones: grads = loss.backward(); grads[x]"
)
_IMMUTABLE_DATA = (
    "a Value is immutable, its .data cannot change: to update a model use "
    "model.apply_gradients(grads, learning_rate), which returns a new model "
    "(for one number, make a new Value(x.data - step))"
)

_new = object.__new__
_next_serial = count().__next__
_serial_of = attrgetter("_serial")


def _node(
    data: float,
    children: tuple[Value, ...],
    local_grads: tuple[float, ...],
    op: str,
    label: str = "",
) -> Value:
    """Create a node without argument checks (callers guarantee the types)."""
    node: Value = _new(Value)
    node._data = data
    node._children = children
    node._local_grads = local_grads
    node._op = op
    node._label = label
    node._serial = _next_serial()
    return node


def _check_root(root: object, name: str = "root") -> Value:
    return check_instance(name, root, Value, "a Value (the output node of a graph)")


def lift(value: Value | Number) -> Value:
    """Return ``value`` if it is a :class:`Value`, else a new leaf holding the number.

    Raises:
        TypeError: If ``value`` is neither a ``Value`` nor an int/float.

    """
    if type(value) is Value:
        return value
    return Value(value)  # type: ignore[arg-type]


NeuronSpec = tuple[tuple[Value, ...], tuple[float, ...], bool]
"""A neuron as :func:`_neuron_outputs` takes it: ``(w_1, ..., w_n, b)``, the weights' floats, ReLU."""

_RELU_ON = (1.0,)
_RELU_OFF = (0.0,)


def _neuron_outputs(
    neurons: Iterable[NeuronSpec], inputs: tuple[Value, ...], input_data_and_one: tuple[float, ...]
) -> tuple[Value, ...]:
    """The output nodes of neurons that all read ``inputs``, unchecked.

    This is the core of :meth:`Value.linear` and of :mod:`micrograd.nn`'s forward pass.
    Each neuron is one fused ``"linear"`` node: its children are the parameters,
    then the inputs; its local derivatives each weight's input, 1 for the bias,
    then each input's weight. ``input_data_and_one`` is the floats of ``inputs``
    followed by ``1.0``, built once for all the neurons, so a node costs a dot
    product and two tuple concatenations. A ReLU neuron adds a ``"relu"`` node
    with :meth:`Value.relu`'s three cases. This is training's hottest loop, so
    both nodes are built inline rather than through :func:`_node` (that saves
    about a tenth of the forward pass).
    """
    outputs = []
    for parameters, weight_data, relu in neurons:
        z = sum(map(mul, weight_data, input_data_and_one), parameters[-1]._data)
        node = _new(Value)
        node._data = z
        node._children = parameters + inputs
        node._local_grads = input_data_and_one + weight_data
        node._op = "linear"
        node._label = ""
        node._serial = _next_serial()
        if relu:
            act = _new(Value)
            if z > 0.0:
                act._data, act._local_grads = z, _RELU_ON
            elif z <= 0.0:
                act._data, act._local_grads = 0.0, _RELU_OFF
            else:  # z is NaN
                act._data, act._local_grads = math.nan, (math.nan,)
            act._children = (node,)
            act._op = "relu"
            act._label = ""
            act._serial = _next_serial()
            node = act
        outputs.append(node)
    return tuple(outputs)


def _format_exponent(k: float) -> str:
    return str(int(k)) if k.is_integer() else repr(k)


def _power(x: float, k: float) -> float:
    """``x ** k`` with IEEE results where Python raises: overflow and ``0.0 ** -k`` give inf."""
    try:
        result: float = x**k  # real: callers rule out a negative base with a fractional k
    except (OverflowError, ZeroDivisionError):
        odd_integer = k.is_integer() and k % 2.0 == 1.0
        return math.copysign(math.inf, x) if odd_integer else math.inf
    return result


def topological_order(root: Value) -> list[Value]:
    """Every node ``root`` depends on, inputs before the nodes computed from them.

    Iterative depth-first search, so graphs of any depth work (a recursive
    version fails near Python's recursion limit of about 1,000). Children are
    visited in operand order, so the order is the same on every run; node ids in
    :mod:`micrograd.graph` are positions in this order. (``backward`` uses
    creation order instead: see the module docstring.)

    Raises:
        TypeError: If ``root`` is not a :class:`Value`.

    """
    _check_root(root)
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


_set = object.__setattr__


class Gradients(Mapping[Value, float]):
    """A read-only table ``node -> gradient`` returned by :meth:`Value.backward`.

    Keys are :class:`Value` nodes, compared by identity. Every node the
    differentiated output depends on is present. Use ``grads[x]`` for a node
    that must be in the graph and ``grads.get(x, 0.0)`` for one that may not be.

    ``backward`` only computes the gradients that can be non-zero; the zeros of
    the other nodes (those reached only through a zero local derivative) are
    filled in, once, the first time something needs the whole table: a lookup
    of such a node, ``in``, ``len``, iteration, copying or pickling. The answers
    are the same either way; ``grads.get(x, 0.0)`` never needs the fill.

    ``pickle``, ``copy.copy`` and ``copy.deepcopy`` work; pickled (or deep-copied)
    together with the graph, for example ``pickle.dumps((loss, grads))``, the
    copy's keys are the copied graph's nodes.

    Raises:
        KeyError: On ``grads[x]`` when ``x`` is not part of the graph.
        TypeError: On any attempt to assign or delete an entry.

    Examples:
        >>> from micrograd import Value
        >>> a, b = Value(2.0, label="a"), Value(3.0, label="b")
        >>> grads = (a * b + b).backward()
        >>> grads[a], grads[b]
        (3.0, 3.0)
        >>> grads.get(Value(1.0), 0.0)  # a node of another graph
        0.0
        >>> grads[a] = 0.0
        Traceback (most recent call last):
            ...
        TypeError: 'Gradients' object does not support item assignment

    """

    __slots__ = ("_root", "_table")

    _table: dict[Value, float]
    _root: Value | None  # set while the zeros of the nodes left out are not filled in

    def __init__(self, table: Mapping[Value, float] | None = None) -> None:
        _set(self, "_table", dict(table) if table is not None else {})
        _set(self, "_root", None)

    @classmethod
    def _wrap(cls, table: dict[Value, float], root: Value | None = None) -> Gradients:
        """A ``Gradients`` that takes ownership of ``table`` (no copy; nobody else may keep it).

        With ``root``, ``table`` may leave out nodes whose gradient is zero; they
        are added (in creation order) when the whole table is first needed.
        """
        grads: Gradients = _new(cls)
        _set(grads, "_table", table)
        _set(grads, "_root", root)
        return grads

    def _whole(self) -> dict[Value, float]:
        """The table with every node of the graph, the zeros filled in if still missing."""
        root = self._root
        if root is not None:
            known = self._table
            whole = {node: known.get(node, 0.0) for node in _creation_order((root,))}
            _set(self, "_table", whole)
            _set(self, "_root", None)
            return whole
        return self._table

    def __getitem__(self, node: Value) -> float:
        try:
            return self._table[node]
        except KeyError:
            pass
        try:
            return self._whole()[node]
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
        root = self._root  # read first: _whole() fills the table, then clears the root
        found = self._table.get(node, _MISSING)
        if found is not _MISSING:
            return found
        if root is None or _is_positive_zero(default):
            return default  # with a default of 0.0 the answer is 0.0 in or out of the graph
        return self._whole().get(node, default)

    def __contains__(self, node: object) -> bool:
        return node in self._table or node in self._whole()

    def __iter__(self) -> Iterator[Value]:
        return iter(self._whole())

    def __len__(self) -> int:
        return len(self._whole())

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Gradients are read-only")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("Gradients are read-only")

    # -- copying and pickling: see micrograd._persistence -----------------------------

    def __copy__(self) -> Gradients:
        return Gradients._wrap(dict(self._whole()))

    def __deepcopy__(self, memo: dict[int, Any]) -> Gradients:
        return _persistence.deepcopy_gradients(self._whole(), self, memo)

    def __reduce__(self) -> tuple[Any, ...]:
        return _persistence.reduce_gradients(self._whole())

    def __repr__(self) -> str:
        return f"Gradients({len(self)} nodes)"


_MISSING = object()


def _is_positive_zero(value: object) -> bool:
    return type(value) is float and value == 0.0 and math.copysign(1.0, value) == 1.0
