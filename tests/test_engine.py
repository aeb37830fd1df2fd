from __future__ import annotations

import copy
import math
import pickle
import sys
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from micrograd import Gradients, Value, _persistence
from micrograd.datasets import moons
from micrograd.engine import topological_order
from micrograd.nn import MLP, Layer, Neuron, Unfused
from micrograd.trainer import train
from tests.helpers import CLONERS, pickled, warmup_expression

EPS = 1e-6


def numeric_derivative(f: Callable[[float], float], x: float) -> float:
    """Central finite difference."""
    return (f(x + EPS) - f(x - EPS)) / (2 * EPS)


UNARY_CASES: list[tuple[str, Callable[[Value], Value], Callable[[float], float], float]] = [
    # name, op on Value, hand-derived derivative, point
    ("relu+", lambda v: v.relu(), lambda x: 1.0, 1.5),
    ("relu-", lambda v: v.relu(), lambda x: 0.0, -1.5),
    ("tanh", lambda v: v.tanh(), lambda x: 1 - math.tanh(x) ** 2, 0.3),
    ("exp", lambda v: v.exp(), math.exp, 0.7),
    ("log", lambda v: v.log(), lambda x: 1 / x, 2.5),
    ("neg", lambda v: -v, lambda x: -1.0, 0.4),
    ("square", lambda v: v**2, lambda x: 2 * x, -3.0),
    ("cube", lambda v: v**3, lambda x: 3 * x * x, 1.2),
    ("sqrt", lambda v: v**0.5, lambda x: 0.5 / math.sqrt(x), 4.0),
    ("reciprocal", lambda v: v**-1, lambda x: -1 / x**2, 2.0),
    ("pow0", lambda v: v**0, lambda x: 0.0, 2.0),
    ("add_const", lambda v: v + 3, lambda x: 1.0, 1.0),
    ("radd_const", lambda v: 3 + v, lambda x: 1.0, 1.0),
    ("sub_const", lambda v: v - 3, lambda x: 1.0, 1.0),
    ("rsub_const", lambda v: 3 - v, lambda x: -1.0, 1.0),
    ("mul_const", lambda v: v * 2.5, lambda x: 2.5, 1.0),
    ("rmul_const", lambda v: 2.5 * v, lambda x: 2.5, 1.0),
    ("div_const", lambda v: v / 4, lambda x: 0.25, 1.0),
    ("rdiv_const", lambda v: 4 / v, lambda x: -4 / x**2, 2.0),
    ("self_mul", lambda v: v * v, lambda x: 2 * x, 3.0),
    ("self_div", lambda v: (v + 1) / v, lambda x: -1 / x**2, 2.0),
    ("self_sub", lambda v: v - v, lambda x: 0.0, 2.0),
]


@pytest.mark.parametrize(("name", "op", "derivative", "point"), UNARY_CASES)
def test_unary_ops_match_hand_derivatives_and_finite_differences(
    name: str, op: Callable[[Value], Value], derivative: Callable[[float], float], point: float
) -> None:
    x = Value(point)
    y = op(x)
    grad = y.backward()[x]
    assert grad == pytest.approx(derivative(point), abs=1e-12)
    if not name.startswith("relu"):
        assert grad == pytest.approx(
            numeric_derivative(lambda t: op(Value(t)).data, point), rel=1e-5, abs=1e-7
        )


BINARY_CASES: list[
    tuple[str, Callable[[Value, Value], Value], Callable[[float, float], tuple[float, float]]]
] = [
    ("add", lambda a, b: a + b, lambda a, b: (1.0, 1.0)),
    ("sub", lambda a, b: a - b, lambda a, b: (1.0, -1.0)),
    ("mul", lambda a, b: a * b, lambda a, b: (b, a)),
    ("div", lambda a, b: a / b, lambda a, b: (1 / b, -a / b**2)),
]


@pytest.mark.parametrize(("name", "op", "derivatives"), BINARY_CASES)
def test_binary_ops(
    name: str,
    op: Callable[[Value, Value], Value],
    derivatives: Callable[[float, float], tuple[float, float]],
) -> None:
    a, b = Value(1.7), Value(-2.3)
    grads = op(a, b).backward()
    da, db = derivatives(1.7, -2.3)
    assert grads[a] == pytest.approx(da)
    assert grads[b] == pytest.approx(db)
    assert grads[a] == pytest.approx(
        numeric_derivative(lambda t: op(Value(t), b).data, 1.7), rel=1e-6
    )
    assert grads[b] == pytest.approx(
        numeric_derivative(lambda t: op(a, Value(t)).data, -2.3), rel=1e-6
    )


def test_op_names_and_edges_record_local_derivatives() -> None:
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    c = a * b
    assert c.op == "*"
    assert c.children == (a, b)
    assert c.local_grads == (3.0, 2.0)
    assert (a**2).op == "**2"
    assert (a + 1).op == "+"
    assert a.relu().op == "relu"
    assert a.op == ""
    assert a.children == ()
    assert a.local_grads == ()


def test_warmup_expression_from_the_seeds() -> None:
    x, y = warmup_expression()
    grads = y.backward()
    assert y.data == -20.0
    assert grads[x] == 46.0
    assert x.data == -4.0  # backward changes nothing
    assert grads[y] == 1.0


def test_fan_out_accumulates_every_use() -> None:
    x = Value(3.0)
    terms = [x * float(k) for k in range(1, 11)]
    y = Value.sum(terms) + x * x
    assert y.backward()[x] == pytest.approx(sum(range(1, 11)) + 2 * 3.0)
    # a diamond: x feeds two paths that meet again
    a = x * 2
    b = x + 1
    d = a * b
    assert d.backward()[x] == pytest.approx(2 * 4.0 + 6.0 * 1)


def test_fused_sum_and_linear() -> None:
    ws = [Value(0.5), Value(-2.0)]
    xs = [Value(3.0), 4.0]
    b = Value(0.25)
    out = Value.linear(ws, xs, b)
    assert out.op == "linear"
    assert out.data == pytest.approx(0.5 * 3 - 2 * 4 + 0.25)
    grads = out.backward()
    assert grads[ws[0]] == 3.0
    assert grads[ws[1]] == 4.0
    assert grads[xs[0]] == 0.5
    assert grads[b] == 1.0
    total = Value.sum([ws[0], 2.0, ws[1]])
    assert total.data == pytest.approx(0.5)
    assert total.children == (ws[0], ws[1])
    with pytest.raises(ValueError, match="2 weights, 1 inputs"):
        Value.linear(ws, [1.0])
    with pytest.raises(TypeError, match=r"weights\[0\] must be a Value, got 1\.0"):
        Value.linear([1.0], [1.0])  # type: ignore[list-item]
    with pytest.raises(TypeError, match=r"a term of Value\.sum"):
        Value.sum([ws[0], "3"])  # type: ignore[list-item]


def test_backward_twice_gives_equal_independent_tables() -> None:
    x, y = warmup_expression()
    first, second = y.backward(), y.backward()
    assert first == second
    assert first is not second
    assert first[x] == 46.0  # no accumulation across calls


def test_gradients_is_a_read_only_mapping() -> None:
    x, y = warmup_expression()
    grads = y.backward()
    assert isinstance(grads, Gradients)
    assert x in grads
    assert len(grads) == len(topological_order(y))
    with pytest.raises(TypeError):
        grads[x] = 1.0  # type: ignore[index]
    with pytest.raises(TypeError):
        del grads[x]  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        grads._table = {}
    stranger = Value(1.0, label="stranger")
    with pytest.raises(KeyError, match="not part of the graph"):
        grads[stranger]
    assert grads.get(stranger, 0.0) == 0.0
    assert grads.get(stranger) is None
    assert "nodes" in repr(grads)


def test_values_are_immutable() -> None:
    x = Value(2.0, label="x")
    with pytest.raises(AttributeError):
        x.data = 3.0  # type: ignore[misc]
    with pytest.raises(AttributeError):
        x.label = "y"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        x.grad = 1.0  # type: ignore[attr-defined]
    renamed = x.with_label("renamed")
    assert (x.label, renamed.label, renamed.data) == ("x", "renamed", 2.0)


@pytest.mark.parametrize("bad", [True, "1.0", None, [1.0], complex(1, 1)])
def test_value_rejects_non_numbers(bad: object) -> None:
    with pytest.raises(TypeError, match=r"data must be a real number \(int or float\), got"):
        Value(bad)  # type: ignore[arg-type]


def test_bad_operands_and_labels() -> None:
    x = Value(2.0)
    with pytest.raises(TypeError):
        x + "a"  # type: ignore[operator]
    with pytest.raises(TypeError):
        x * True  # type: ignore[operator]
    with pytest.raises(TypeError):
        x ** Value(2.0)  # type: ignore[operator]
    with pytest.raises(TypeError, match="label must be a str"):
        Value(1.0, label=3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="label must be a str"):
        x.with_label(None)  # type: ignore[arg-type]


def test_domain_errors_say_what_is_allowed() -> None:
    with pytest.raises(ValueError, match=r"positive inputs, got 0\.0"):
        Value(0.0).log()
    with pytest.raises(ValueError, match=r"positive inputs, got -1\.0"):
        Value(-1.0).log()
    with pytest.raises(ValueError, match="negative base"):
        Value(-8.0) ** 0.5
    with pytest.raises(ZeroDivisionError):
        Value(1.0) / 0
    with pytest.raises(ZeroDivisionError):
        Value(1.0) / Value(0.0)
    with pytest.raises(ZeroDivisionError):
        1.0 / Value(0.0)
    with pytest.raises(ZeroDivisionError, match="negative power of 0"):
        Value(0.0) ** -1


# Far deeper than any recursive walk could go (`nox -s bench` times a million)
DEEP = 50 * sys.getrecursionlimit()


def test_deep_chain_backpropagates_without_recursion_error() -> None:
    x = Value(1.0)
    y = x
    for _ in range(DEEP):
        y = y + 1.0
    grads = y.backward()
    assert y.data == DEEP + 1.0
    assert grads[x] == 1.0
    assert len(grads) == DEEP + 1


def test_repr_and_float() -> None:
    x = Value(2.0, label="x")
    assert repr(x) == "Value(data=2.0, label='x')"
    assert repr(x * 2) == "Value(data=4.0, op='*')"
    assert float(x) == 2.0


# -- hypothesis: random expressions against finite differences -----------------------

finite = st.floats(min_value=-3.0, max_value=3.0, allow_nan=False, allow_infinity=False)
UNARY = ["tanh", "exp", "square", "neg", "scale", "shift"]
BINARY = ["add", "sub", "mul"]


@st.composite
def expressions(draw: st.DrawFn) -> list[tuple[str, int, int]]:
    """A random program over two inputs: each step applies an op to earlier results."""
    steps = []
    for i in range(draw(st.integers(min_value=1, max_value=8))):
        available = i + 2
        if draw(st.booleans()):
            steps.append((draw(st.sampled_from(UNARY)), draw(st.integers(0, available - 1)), 0))
        else:
            steps.append(
                (
                    draw(st.sampled_from(BINARY)),
                    draw(st.integers(0, available - 1)),
                    draw(st.integers(0, available - 1)),
                )
            )
    return steps


OPS: dict[str, Callable[[Value, Value], Value]] = {
    "tanh": lambda u, v: u.tanh(),
    "exp": lambda u, v: (u * 0.3).exp(),
    "square": lambda u, v: u * u * 0.5,
    "neg": lambda u, v: -u,
    "scale": lambda u, v: u * 0.7,
    "shift": lambda u, v: u + 0.5,
    "add": lambda u, v: u + v,
    "sub": lambda u, v: u - v,
    "mul": lambda u, v: u * v,
}


def evaluate(program: list[tuple[str, int, int]], a: Value, b: Value) -> Value:
    values = [a, b]
    for op, i, j in program:
        values.append(OPS[op](values[i], values[j]))
    return values[-1]


@settings(max_examples=200, deadline=None)
@given(expressions(), finite, finite)
def test_random_expressions_match_finite_differences(
    program: list[tuple[str, int, int]], a0: float, b0: float
) -> None:
    a, b = Value(a0), Value(b0)
    out = evaluate(program, a, b)
    if not math.isfinite(out.data) or abs(out.data) > 1e6:
        return
    grads = out.backward()
    numeric_a = numeric_derivative(lambda t: evaluate(program, Value(t), Value(b0)).data, a0)
    numeric_b = numeric_derivative(lambda t: evaluate(program, Value(a0), Value(t)).data, b0)
    assert grads.get(a, 0.0) == pytest.approx(numeric_a, rel=1e-4, abs=1e-4)
    assert grads.get(b, 0.0) == pytest.approx(numeric_b, rel=1e-4, abs=1e-4)


# -- NaN, division, overflow, truth value (issue 8, items 2, 3 and 8) -------------------


def test_relu_propagates_nan_like_pytorch() -> None:
    x = Value(math.nan)
    y = x.relu()
    assert math.isnan(y.data)
    assert math.isnan(y.local_grads[0])
    assert math.isnan(y.backward()[x])
    assert Value(0.0).relu().local_grads == (0.0,)
    assert Value(-0.0).relu().data == 0.0


any_float = st.floats(allow_nan=False, allow_infinity=False)
nonzero_float = any_float.filter(lambda b: b != 0.0)


@settings(max_examples=500, deadline=None)
@given(any_float, nonzero_float)
def test_division_is_pythons_quotient(a: float, b: float) -> None:
    quotient = a / b
    for node, local in (
        (Value(a) / Value(b), (1 / b, -(quotient / b))),
        (Value(a) / b, (1 / b,)),
        (a / Value(b), (-(quotient / b),)),
    ):
        assert node.data == quotient
        assert node.local_grads[-len(local) :] == local


@settings(max_examples=500, deadline=None)
@given(any_float, nonzero_float)
@example(1e-320, 1e-309)  # 1/b overflows, yet -a/b**2 is about -1e298
@example(1e-300, 1e-160)  # b**2 underflows to 0
def test_division_derivatives_are_finite_when_the_true_value_fits(a: float, b: float) -> None:
    node = Value(a) / Value(b)
    exact = {"da": 1 / Fraction(b), "db": -Fraction(a) / Fraction(b) ** 2}
    for computed, true in zip(node.local_grads, exact.values(), strict=True):
        if abs(true) < Fraction(2**1000):  # representable with room for rounding
            assert math.isfinite(computed)
            assert computed == pytest.approx(float(true), rel=1e-15, abs=1e-300)


def test_division_at_the_edges_of_the_float_range() -> None:
    assert (Value(0.0) / Value(1e-320)).data == 0.0
    assert (Value(1e-310) / Value(1e-310)).data == 1.0
    assert (Value(1e-310) / 1e-310).data == 1.0
    assert (1e-310 / Value(1e-310)).data == 1.0
    tiny = Value(1e-160) / Value(1e-160)  # b**2 underflows to 0, -a/b**2 does not overflow
    assert tiny.local_grads == (1e160, -1e160)


def test_truth_value_follows_the_number_like_pytorch() -> None:
    assert not Value(0.0)
    assert not Value(-0.0)
    assert not (Value(2.0) - 2.0)
    assert Value(1e-300)
    assert Value(-3.0)
    assert Value(math.nan)


def test_square_root_of_zero_is_zero_with_an_infinite_derivative() -> None:
    x = Value(0.0)
    y = x**0.5
    assert y.data == 0.0
    assert y.local_grads == (math.inf,)
    assert y.backward()[x] == math.inf
    assert (Value(-0.0) ** 0.5).data == 0.0


HUGE = 1e308
OVERFLOWING_OPS: list[tuple[str, Callable[[Value], Value], float]] = [
    ("mul", lambda v: v * 10, math.inf),
    ("mul_value", lambda v: v * Value(10.0), math.inf),
    ("add", lambda v: v + v, math.inf),
    ("sub", lambda v: -v - v, -math.inf),
    ("pow", lambda v: v**3, math.inf),
    ("pow_negative_base", lambda v: (-v) ** 3, -math.inf),
    ("pow_fractional", lambda v: v**1.5, math.inf),
    ("exp", lambda v: (v * 1e-305).exp(), math.inf),
    ("div", lambda v: v / 1e-10, math.inf),
    ("div_value", lambda v: v / Value(1e-10), math.inf),
    ("rdiv", lambda v: 1e300 / (1.0 / v), math.inf),
    ("sum", lambda v: Value.sum([v, v]), math.inf),
    ("linear", lambda v: Value.linear([v], [10.0]), math.inf),
]


@pytest.mark.parametrize(("name", "op", "expected"), OVERFLOWING_OPS)
def test_every_operation_overflows_to_infinity_without_raising(
    name: str, op: Callable[[Value], Value], expected: float
) -> None:
    x = Value(HUGE)
    y = op(x)
    assert y.data == expected
    grads = y.backward()  # non-finite, but no exception either
    assert x in grads


TOO_BIG_INT = 10**400


@pytest.mark.parametrize(
    "op",
    [
        lambda v: v + TOO_BIG_INT,
        lambda v: TOO_BIG_INT + v,
        lambda v: v - TOO_BIG_INT,
        lambda v: TOO_BIG_INT - v,
        lambda v: v * TOO_BIG_INT,
        lambda v: v / TOO_BIG_INT,
        lambda v: TOO_BIG_INT / v,
        lambda v: v**TOO_BIG_INT,
        lambda v: Value.sum([v, TOO_BIG_INT]),
        lambda v: Value(TOO_BIG_INT),
    ],
)
def test_an_int_operand_too_large_for_a_float_raises_overflow_error(
    op: Callable[[Value], Value],
) -> None:
    with pytest.raises(OverflowError, match="too large to convert to float"):
        op(Value(2.0))


# -- immutability and argument checks (items 9 and 11) -----------------------------------


def test_calling_init_again_changes_nothing() -> None:
    x = Value(2.0, label="x")
    y = x * 3.0
    y.__init__(7.0)  # type: ignore[misc]
    x.__init__(7.0, label="changed")  # type: ignore[misc]
    assert (y.data, y.op, y.children, y.local_grads) == (6.0, "*", (x,), (3.0,))
    assert (x.data, x.label) == (2.0, "x")
    with pytest.raises(AttributeError):
        del x.data  # type: ignore[misc]


@pytest.mark.parametrize("bad", [None, 3.0, [Value(1.0)], "x"])
def test_graph_entry_points_say_they_expected_a_value(bad: object) -> None:
    with pytest.raises(
        TypeError, match=r"root must be a Value \(the output node of a graph\), got"
    ):
        topological_order(bad)  # type: ignore[arg-type]
    with pytest.raises(
        TypeError,
        match=r"Value\.backward's self must be a Value \(the output node of a graph\), got",
    ):
        Value.backward(bad)  # type: ignore[arg-type]


def test_backward_order_follows_creation_even_across_separately_built_parts() -> None:
    late = Value(1.0)
    early = Value(2.0)
    out = early * late  # children created in the opposite order of their operands
    deep = out
    for _ in range(3):
        deep = deep * early
    grads = deep.backward()
    assert grads[early] == pytest.approx(4 * 2.0**3 * 1.0)
    assert grads[late] == pytest.approx(2.0**4)
    assert list(grads) == topological_order_by_creation(deep)


def topological_order_by_creation(root: Value) -> list[Value]:
    """Every node of ``root``'s graph, oldest first (the order ``backward`` uses)."""
    return sorted(topological_order(root), key=lambda node: node._serial)


# -- pickle and copy (item 7) ------------------------------------------------------------


def shared_graph() -> tuple[Value, Value, Value]:
    """``x`` feeds ``a`` twice and ``out`` once more: a diamond with a shared node."""
    x = Value(1.5, label="x")
    a = (x * x).with_label("a")
    out = (a + a * x).relu().with_label("out")
    return x, a, out


def assert_same_graph(original: Value, copied: Value) -> None:
    old_nodes, new_nodes = topological_order(original), topological_order(copied)
    assert len(old_nodes) == len(new_nodes)
    position = {node: i for i, node in enumerate(new_nodes)}
    for old, new in zip(old_nodes, new_nodes, strict=True):
        assert new is not old
        assert (new.data, new.label, new.op, new.local_grads) == (
            old.data,
            old.label,
            old.op,
            old.local_grads,
        )
        assert [position[c] for c in new.children] == [old_nodes.index(c) for c in old.children]


@pytest.mark.parametrize(
    "round_trip",
    [pickled, copy.deepcopy],
    ids=["pickle", "deepcopy"],
)
def test_graph_and_gradients_round_trip_together(round_trip: Callable[[object], object]) -> None:
    x, _, out = shared_graph()
    grads = out.backward()
    new_out, new_grads, new_x = round_trip((out, grads, x))  # type: ignore[misc]
    assert_same_graph(out, new_out)
    new_a = new_out.children[0].children[0]
    assert new_a.label == "a"
    assert new_a.children[0] is new_a.children[1] is new_x  # shared nodes stay shared
    new_nodes, old_nodes = topological_order(new_out), topological_order(out)
    assert new_grads == {new: grads[old] for new, old in zip(new_nodes, old_nodes, strict=True)}
    assert new_grads[new_x] == grads[x]
    assert x not in new_grads
    assert new_out.backward() == new_grads


def test_copy_copy_is_a_new_node_on_the_same_inputs() -> None:
    x, a, out = shared_graph()
    twin = copy.copy(a)
    assert twin is not a
    assert (twin.data, twin.label, twin.op, twin.children) == (a.data, "a", "*", (x, x))
    grads = out.backward()
    grads_copy = copy.copy(grads)
    assert grads_copy == grads
    assert grads_copy is not grads
    assert isinstance(grads_copy, Gradients)
    assert pickled(Value(3.0, label="leaf")).label == "leaf"


def test_deep_graph_pickles_and_deepcopies_without_recursion_error() -> None:
    x = Value(1.0, label="x")
    y = x
    for _ in range(DEEP):
        y = y * 1.000001
    grads = y.backward()
    for new_y, new_grads in (pickled((y, grads)), copy.deepcopy((y, grads))):
        assert new_y.data == y.data
        bottom = new_y
        while bottom.children:
            bottom = bottom.children[0]
        assert bottom.label == "x"
        assert new_grads[bottom] == grads[x]
        assert len(new_grads) == DEEP + 1


# -- backward skips what can only receive zeros (issue 8, speed) ------------------------

SPECIAL_FLOATS = st.sampled_from(
    [0.0, -0.0, 1.0, -1.0, 2.5, 1e308, 1e-320, math.inf, -math.inf, math.nan]
)
GRAPH_OPS: dict[str, Callable[[Value, Value], Value]] = {
    "add": lambda u, v: u + v,
    "mul": lambda u, v: u * v,
    "sub": lambda u, v: u - v,
    "relu": lambda u, v: u.relu(),
    "zero": lambda u, v: u * 0.0,
    "linear": lambda u, v: Value.linear([u, v], [v, u], u),
    "sum": lambda u, v: Value.sum([u, v, u]),
}


def every_edge_gradients(root: Value) -> dict[Value, float]:
    """The chain rule over every edge of the graph, skipping nothing that a zero guards."""
    order = sorted(topological_order(root), key=lambda node: node._serial)
    grads = dict.fromkeys(order, 0.0)
    grads[root] = 1.0
    for node in reversed(order):
        if grads[node]:
            for child, local in zip(node.children, node.local_grads, strict=True):
                grads[child] += grads[node] * local
    return grads


def same_float(a: float, b: float) -> bool:
    """Equal bit for bit as far as Python can tell: NaN equals NaN, 0.0 differs from -0.0."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.one_of(SPECIAL_FLOATS, finite), min_size=1, max_size=4),
    st.lists(
        st.tuples(st.sampled_from(sorted(GRAPH_OPS)), st.integers(0, 50), st.integers(0, 50)),
        min_size=1,
        max_size=15,
    ),
)
def test_backward_equals_the_chain_rule_over_every_edge(
    leaves: list[float], program: list[tuple[str, int, int]]
) -> None:
    """Leaving out nodes behind all-zero local derivatives changes no gradient, not
    even for NaN, infinities or the sign of zero, and the table lists the same nodes
    in the same (creation) order."""
    values = [Value(x) for x in leaves]
    for op, i, j in program:
        values.append(GRAPH_OPS[op](values[i % len(values)], values[j % len(values)]))
    root = values[-1]
    expected = every_edge_gradients(root)
    grads = root.backward()
    for node, gradient in expected.items():
        assert same_float(grads.get(node, 0.0), gradient)
        assert same_float(grads[node], gradient)
    assert list(grads) == list(expected)
    assert len(grads) == len(expected)


def behind_a_dead_relu() -> tuple[Value, Value, Value]:
    """``out = relu(x * w) + b`` with the ReLU off: x and w only reach out through it."""
    x, w, b = Value(2.0, label="x"), Value(-3.0, label="w"), Value(1.0, label="b")
    return x, w, (x * w).relu() + b


def test_nodes_behind_a_zero_derivative_are_still_in_the_gradients() -> None:
    x, w, out = behind_a_dead_relu()
    for ask in (
        lambda g: g[x],
        lambda g: g.get(x),
        lambda g: g.get(x, 0.0),
        lambda g: g.get(x, -1.0),
        lambda g: x in g,
        len,
        list,
        lambda g: dict(g.items()),
        *CLONERS.values(),
        repr,
    ):
        grads = out.backward()
        assert ask(grads) is not None  # whichever question comes first, the answers agree:
        assert grads[x] == grads[w] == 0.0
        assert grads.get(x, -1.0) == 0.0
        assert x in grads
        assert w in grads
        assert len(grads) == len(topological_order(out)) == 6
        assert list(grads) == sorted(topological_order(out), key=lambda n: n._serial)
    stranger = Value(5.0)
    assert grads.get(stranger, -1.0) == -1.0
    assert grads.get(stranger) is None
    assert stranger not in grads


def test_a_zero_default_answers_without_filling_in_and_keeps_its_sign() -> None:
    x, _, out = behind_a_dead_relu()
    grads = out.backward()
    stranger = Value(5.0)
    assert grads.get(x, 0.0) == 0.0
    assert grads.get(stranger, 0.0) == 0.0
    assert math.copysign(1.0, grads.get(stranger, -0.0)) == -1.0  # outside: the default
    assert math.copysign(1.0, grads.get(x, -0.0)) == 1.0  # inside: its gradient, 0.0
    assert grads.get(x, 0) == 0.0
    assert type(grads.get(stranger, 0)) is int


def test_a_non_finite_gradient_times_a_zero_derivative_is_nan() -> None:
    """inf * 0 is NaN: a zero local derivative only skips a subgraph while the
    gradient arriving at it is finite."""
    x = Value(-1.0, label="x")
    off = x.relu()  # local derivative 0.0
    out = off * Value(math.inf)  # d out / d off = inf
    grads = out.backward()
    assert grads[off] == math.inf
    assert math.isnan(grads[x])
    assert math.isnan(every_edge_gradients(out)[x])  # what every edge gives


def test_gradients_built_from_a_table() -> None:
    x, y = Value(1.0), Value(2.0)
    grads = Gradients({x: 3.0})
    assert grads[x] == 3.0
    assert len(grads) == 1
    assert y not in grads
    assert grads.get(y, 0.0) == 0.0
    assert len(Gradients()) == 0


def test_get_is_right_when_another_thread_fills_the_table_meanwhile() -> None:
    x, _, out = behind_a_dead_relu()
    grads = out.backward()

    class FilledMeanwhile(dict[Value, float]):
        filled = False

        def get(self, key: Value, default: object = None) -> object:  # type: ignore[override]
            if not FilledMeanwhile.filled:
                FilledMeanwhile.filled = True
                grads._whole()
            return dict.get(self, key, default)

    object.__setattr__(grads, "_table", FilledMeanwhile(grads._table))
    assert grads.get(x) == 0.0


def test_pickling_leaves_no_node_marked_for_later_pickles() -> None:
    """A stale mark would let a later node that reuses a freed id be pickled
    recursively (deep graphs would hit the recursion limit)."""
    *_, out = behind_a_dead_relu()
    pickle.dumps(out)
    pickle.dumps(out.backward())
    assert _persistence._pickling.pending == set()


def test_pickles_written_before_the_persistence_module_still_load() -> None:
    """The fixture was pickled by the code of 0.1.0, when pickling lived in the engine."""
    with (Path(__file__).parent / "data" / "pickles-0.1.0.pickle").open("rb") as file:
        old = pickle.load(file)
    x, y, z, grads = old["graph"]
    assert (x.label, y.label, z.label, z.data) == ("x", "y", "z", -2.0)
    shared = z.children[0].children[0]  # x * y, used twice in z
    assert shared is z.children[0].children[1].children[0]
    assert (grads[x], grads[y], grads[z]) == (1.0, 2.0, 1.0)
    assert z.backward()[x] == grads[x]
    model = MLP(2, [3, 1], seed=1)
    assert [p.data for p in old["mlp"].parameters()] == [p.data for p in model.parameters()]
    assert type(old["mlp"]) is MLP
    assert [p.data for p in old["layer"].parameters()] == [
        p.data for p in Layer(2, 2, seed=3).parameters()
    ]
    assert [p.data for p in old["neuron"].parameters()] == [
        p.data for p in Neuron(2, nonlin=False, seed=4).parameters()
    ]
    assert isinstance(old["unfused"], Unfused)
    run = train(model, moons(8, noise=0.1, seed=2), steps=2)
    assert old["run"].final_loss == run.final_loss
    assert old["run"].history == run.history


# -- habits from micrograd get a pointer, not a bare AttributeError ---------------------


def test_reading_grad_says_backward_returns_the_gradients() -> None:
    x = Value(2.0)
    loss = x * x
    loss.backward()
    with pytest.raises(AttributeError, match=r"grads = loss\.backward\(\); grads\[x\]"):
        x.grad  # type: ignore[attr-defined]  # noqa: B018
    assert not hasattr(x, "grad")
    with pytest.raises(AttributeError, match="'Value' object has no attribute 'grads'") as caught:
        x.grads  # type: ignore[attr-defined]  # noqa: B018
    assert (caught.value.name, caught.value.obj) == ("grads", x)  # keeps "Did you mean"


def test_assigning_grad_or_data_says_what_to_do_instead() -> None:
    x = Value(2.0)
    with pytest.raises(AttributeError, match=r"nothing to zero; each backward\(\) returns fresh"):
        x.grad = 0.0
    with pytest.raises(AttributeError, match=r"immutable.*model\.apply_gradients\(grads, "):
        x.data -= 0.1
    assert x.data == 2.0


def test_math_functions_leave_the_graph_and_the_docs_say_so() -> None:
    x = Value(1.0)
    assert type(math.exp(x)) is float  # float(x) is x.data: outside the graph
    for doc in (Value.__doc__, Value.__float__.__doc__):
        assert doc is not None
        assert "math.exp(v)" in doc
        assert "v.exp()" in doc
