"""Central-difference gradient checks: they pass on correct gradients and catch wrong ones."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from micrograd import Value
from micrograd.datasets import moons
from micrograd.engine import _node
from micrograd.gradcheck import (
    GradientCheck,
    GradientComparison,
    GradientMismatch,
    check_gradients,
    check_model_gradients,
    numerical_derivative,
    numerical_gradient,
)
from micrograd.losses import max_margin
from micrograd.nn import MLP, Unfused
from tests.helpers import clones, warmup_expression


def test_numerical_derivative_of_a_cube() -> None:
    assert numerical_derivative(lambda x: x**3, 2.0) == pytest.approx(12.0, rel=1e-8)


def test_numerical_derivative_reads_a_values_data() -> None:
    assert numerical_derivative(lambda x: Value(x) * x, 3.0) == pytest.approx(6.0, rel=1e-8)


def test_numerical_gradient_chosen_coordinates_in_order() -> None:
    def f(p: list[float]) -> float:
        return p[0] * p[1] + p[2] ** 2

    estimates = numerical_gradient(f, [3.0, 5.0, -1.0], indices=[2, 0])
    assert estimates == pytest.approx([-2.0, 5.0], rel=1e-8)


def test_warmup_gradient_agrees_with_central_differences() -> None:
    def build(x: Value) -> Value:
        z = 2 * x + 2 + x
        q = z.relu() + z * x
        h = (z * z).relu()
        return h + q + q * x

    check = check_gradients(build, [-4.0])
    _, y = warmup_expression()
    assert check.ok
    assert check.comparisons[0].autodiff == 46.0
    assert check.comparisons[0].numerical == pytest.approx(46.0, rel=1e-7)
    assert y.data == build(Value(-4.0)).data


@given(
    st.lists(
        st.floats(min_value=-3, max_value=3).filter(lambda v: abs(v) > 1e-3),
        min_size=3,
        max_size=3,
    )
)
def test_every_operation_passes_the_check(point: list[float]) -> None:
    def build(a: Value, b: Value, c: Value) -> Value:
        return (a * b - c / (b * b + 1)).tanh() + (a + c).exp() * 0.1 + (c * c + 1).log()

    check = check_gradients(build, point, rtol=1e-4, atol=1e-6)
    assert len(check.comparisons) == 3


def test_a_wrong_local_derivative_is_caught() -> None:
    def buggy_square(x: Value) -> Value:
        # forward x**2 but local derivative x instead of 2x: the classic slip
        return _node(x.data * x.data, (x,), (x.data,), "square")

    with pytest.raises(GradientMismatch, match="1 of 1 gradients disagree") as caught:
        check_gradients(buggy_square, [3.0])
    comparison = caught.value.check.comparisons[0]
    assert comparison.autodiff == 3.0
    assert comparison.numerical == pytest.approx(6.0, rel=1e-7)
    assert not caught.value.check.ok


def test_a_graph_cut_through_data_is_caught() -> None:
    def cut(a: Value, b: Value) -> Value:
        return Value(a.data * a.data) + b  # rebuilt from .data: depends on a no more

    with pytest.raises(GradientMismatch) as caught:
        check_gradients(cut, [2.0, 1.0])
    assert [c.index for c in caught.value.check.mismatches] == [0]
    assert caught.value.check.comparisons[1].agrees(1e-5, 1e-7)


def test_an_unused_leaf_has_gradient_zero_both_ways() -> None:
    check = check_gradients(lambda a, b: a * 2, [1.5, 7.0])
    assert [c.autodiff for c in check.comparisons] == [2.0, 0.0]
    assert check.comparisons[1].numerical == 0.0


def test_model_loss_gradients_agree_for_chosen_parameters() -> None:
    data = moons(12, noise=0.1, seed=3)
    model = MLP(2, [4, 4, 1], seed=3)
    before = [p.data for p in model.parameters()]
    check = check_model_gradients(
        model, lambda m: max_margin(m, data.xs, data.ys).total_loss, indices=[0, 5, 20, 36]
    )
    assert [c.index for c in check.comparisons] == [0, 5, 20, 36]
    assert check.max_error < 1e-7
    assert [p.data for p in model.parameters()] == before


def test_unfused_model_passes_too() -> None:
    data = moons(6, noise=0.1, seed=4)
    check = check_model_gradients(
        Unfused(MLP(2, [3, 1], seed=4)), lambda m: max_margin(m, data.xs, data.ys).total_loss
    )
    assert len(check.comparisons) == 13


def test_a_wrong_model_gradient_is_caught() -> None:
    data = moons(8, noise=0.1, seed=5)
    model = MLP(2, [3, 1], seed=5)

    def halved_gradient_loss(m: MLP) -> Value:
        loss = max_margin(m, data.xs, data.ys).total_loss
        # same value, but every local derivative halved: autodiff reports half the truth
        return _node(loss.data, (loss,), (0.5,), "half")

    with pytest.raises(GradientMismatch):
        check_model_gradients(model, halved_gradient_loss, indices=[0, 1, 2])


def test_rows_for_a_table() -> None:
    check = GradientCheck((GradientComparison(3, 1.0, 1.0 + 1e-9),), rtol=1e-5, atol=0.0)
    [row] = check.rows()
    assert row["index"] == 3
    assert row["agrees"] is True
    assert row["|difference|"] == pytest.approx(1e-9)
    assert GradientCheck((), 1e-5, 1e-7).max_error == 0.0


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"h": 0.0}, ValueError, r"h must be a finite number above 0\.0, got 0\.0"),
        ({"h": math.nan}, ValueError, r"h must be a finite number above 0\.0, got nan"),
        ({"h": "1e-6"}, TypeError, r"h must be a real number \(int or float\), got str '1e\-6'"),
        ({"rtol": -1.0}, ValueError, r"rtol must be a finite number at least 0\.0, got \-1\.0"),
        ({"atol": True}, TypeError, r"atol must be a real number \(int or float\), got True"),
    ],
)
def test_bad_settings_are_refused(kwargs: dict[str, object], error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        check_gradients(lambda a: a * a, [1.0], **kwargs)  # type: ignore[arg-type]


def test_bad_inputs_and_outputs_are_refused() -> None:
    with pytest.raises(ValueError, match=r"inputs\[0\] must be a finite number, got inf"):
        check_gradients(lambda a: a, [math.inf])
    with pytest.raises(TypeError, match=r"the function's result must be a Value, got 1\.0"):
        check_gradients(lambda a: a.data, [1.0])  # type: ignore[arg-type, return-value]
    with pytest.raises(ValueError, match="not finite at x \\+ h"):
        numerical_derivative(lambda x: math.inf if x > 0 else 0.0, 0.0)
    with pytest.raises(
        TypeError, match="the function's result must be a number or a Value, got str"
    ):
        numerical_derivative(lambda x: "1", 0.0)  # type: ignore[arg-type, return-value]


def test_bad_indices_are_refused() -> None:
    model = MLP(2, [1], seed=0)

    def loss(m: MLP) -> Value:
        return max_margin(m, [[1.0, 2.0]], [1.0]).total_loss

    with pytest.raises(ValueError, match=r"indices\[0\] must be an int from 0 to 2, got 3"):
        check_model_gradients(model, loss, indices=[3])
    with pytest.raises(
        ValueError, match=r"indices must be distinct \(no index twice\), got list \[1, 1\]"
    ):
        check_model_gradients(model, loss, indices=[1, 1])
    with pytest.raises(TypeError, match=r"indices\[0\] must be an int, got 1\.0"):
        check_model_gradients(model, loss, indices=[1.0])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="indices must be a list or tuple of ints, got 3"):
        check_model_gradients(model, loss, indices=3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"model must be a micrograd\.nn model, got list"):
        check_model_gradients([1.0], loss)  # type: ignore[type-var, arg-type]


@pytest.mark.parametrize(("x", "h"), [(1.0, 1e-320), (1e20, 1e-3), (1.0, 1e-16)])
def test_a_step_floating_point_rounds_away_is_refused_not_a_wrong_derivative(
    x: float, h: float
) -> None:
    with pytest.raises(ValueError, match="too small"):
        numerical_derivative(lambda t: t * t, x, h)
    with pytest.raises(ValueError, match="too small"):
        numerical_gradient(lambda p: p[0] * p[0], [x], h)


@pytest.mark.parametrize("name", ["x", "h"])
def test_ints_beyond_the_float_range_are_value_errors(name: str) -> None:
    arguments = {"x": 1.0, "h": 1e-6, name: 10**400}
    with pytest.raises(ValueError, match=rf"{name} must be a finite number"):
        numerical_derivative(lambda t: t, arguments["x"], arguments["h"])


# -- hard edges (issue 16, section 5) ---------------------------------------------------


def test_a_gradient_mismatch_pickles_and_copies_with_its_report_and_notes() -> None:
    def cut(a: Value) -> Value:
        return a * a + Value(a.data)  # the graph is cut: d/da misses the second term

    with pytest.raises(GradientMismatch) as caught:
        check_gradients(cut, [2.0])
    error = caught.value
    error.add_note("while checking cut()")
    for again in clones(error):
        assert type(again) is GradientMismatch
        assert again.check == error.check
        assert str(again) == str(error)
        assert again.__notes__ == ["while checking cut()"]


@pytest.mark.parametrize(
    ("build", "inputs", "h", "suggested"),
    [(lambda a: a + 1e8, [1.0], 1e-6, "h=0.1"), (lambda a: a + 1, [0.0], 5e-324, "h=1e-09")],
)
def test_rounding_in_the_output_is_diagnosed_with_a_larger_step(
    build: Callable[[Value], Value], inputs: list[float], h: float, suggested: str
) -> None:
    with pytest.raises(ValueError, match=rf"too small for the function's output.*{suggested}$"):
        check_gradients(build, inputs, h=h)
    check_gradients(build, inputs, h=float(suggested.removeprefix("h=")))  # and it is enough


def test_a_real_mismatch_beyond_the_rounding_is_still_reported() -> None:
    with pytest.raises(GradientMismatch):
        check_gradients(lambda a: a * 3.0 + Value(1e8 + a.data), [1.0], h=0.1)


def test_a_nan_gradient_is_a_mismatch_not_blamed_on_rounding() -> None:
    # sqrt's local derivative at 0 is inf, times relu's 0: autodiff says nan
    with pytest.raises(GradientMismatch, match="autodiff nan"):
        check_gradients(lambda a: a.relu() ** 0.5, [0.0])


def test_a_zero_tolerance_within_the_rounding_is_a_mismatch_not_a_crash() -> None:
    with pytest.raises(GradientMismatch):  # no h could meet rtol=atol=0: nothing to suggest
        check_gradients(lambda a: a * a + 1e12, [3.0], rtol=0.0, atol=0.0)


def test_numerical_gradient_lets_f_change_the_list_it_is_given() -> None:
    def consuming(p: list[float]) -> float:
        total = sum(p)
        p.clear()
        return total

    assert numerical_gradient(consuming, [1.0, 2.0]) == pytest.approx([1.0, 1.0])
