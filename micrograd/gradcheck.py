"""Check gradients against central finite differences.

Backpropagation is exact arithmetic on local derivatives; a finite difference is
an independent estimate of the same number that knows nothing about the graph.
If the two disagree, a local derivative is wrong, or the graph was cut (a value
rebuilt from ``.data`` no longer depends on its inputs).

The central difference of ``f`` at ``x`` with step ``h`` is::

    (f(x + h) - f(x - h)) / (2 * h)

Its error shrinks like ``h**2`` until floating-point rounding, about
``1e-16 * |f| / h``, takes over; ``h = 1e-6`` balances the two for the smooth,
moderately sized functions of this book. At a kink, such as ``relu`` at exactly
0, the two sides disagree and no step size helps: check at points away from it.

Two checks are provided: :func:`check_gradients` for an expression built by a
function of leaf values, and :func:`check_model_gradients` for a model's loss
with respect to chosen parameters. Both return a :class:`GradientCheck` and
raise :class:`GradientMismatch` when a gradient is off.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from micrograd._checks import check_instance, check_int, check_real, check_sequence, fail
from micrograd.engine import Value, is_number
from micrograd.nn import Module

__all__ = [
    "DEFAULT_ATOL",
    "DEFAULT_RTOL",
    "DEFAULT_STEP",
    "GradientCheck",
    "GradientComparison",
    "GradientMismatch",
    "check_gradients",
    "check_model_gradients",
    "numerical_derivative",
    "numerical_gradient",
]

M = TypeVar("M", bound=Module)

DEFAULT_STEP = 1e-6
"""The finite-difference step ``h`` used unless told otherwise."""
DEFAULT_RTOL = 1e-5
"""Allowed disagreement relative to the larger of the two gradients."""
DEFAULT_ATOL = 1e-7
"""Allowed absolute disagreement, for gradients near zero."""


def _check_step(h: object) -> float:
    return check_real("h", h, minimum=0.0, above_minimum=True)


def _check_tolerance(name: str, value: object) -> float:
    return check_real(name, value, minimum=0.0)


def _check_indices(indices: Sequence[int] | None, size: int) -> list[int]:
    if indices is None:
        return list(range(size))
    chosen = check_sequence("indices", indices, "a list or tuple of ints")
    checked = [
        check_int(f"indices[{k}]", i, minimum=0, maximum=size - 1) for k, i in enumerate(chosen)
    ]
    if len(set(checked)) != len(checked):
        fail("indices", "distinct (no index twice)", list(chosen))
    return checked


def _nudged(x: float, step: float, where: str) -> tuple[float, float]:
    """``(x + step, x - step)``, refusing a step that floating point rounds away.

    Where ``step`` is below the spacing of floats near ``x``, ``x ± step``
    collapse onto (or next to) ``x`` and the difference quotient would be a
    silently wrong number (often exactly 0).
    """
    above, below = x + step, x - step
    if not math.isclose(above - below, 2.0 * step, rel_tol=0.01):
        raise ValueError(
            f"h={step!r} is too small for {where} = {x!r}: floating point moves it by "
            f"{(above - below) / 2.0!r} instead; use a larger h"
        )
    return above, below


def _finite_output(value: object, where: str) -> float:
    """``value`` as a float, or a clear error if ``f`` returned something else."""
    if isinstance(value, Value):
        value = value.data
    if not is_number(value):
        fail("the function's result", "a number or a Value", value, TypeError)
    if not math.isfinite(value):
        raise ValueError(f"the function is not finite {where}: got {value!r}")
    return float(value)


def numerical_derivative(f: Callable[[float], float], x: float, h: float = DEFAULT_STEP) -> float:
    """The central difference ``(f(x + h) - f(x - h)) / (2 h)`` of a one-variable function.

    Args:
        f: A function of one float returning a number (or a :class:`~micrograd.engine.Value`,
            whose ``data`` is used).
        x: Where to estimate the derivative.
        h: The step, positive.

    Raises:
        TypeError: If ``x`` or ``h`` is not a number, or ``f`` returns something else.
        ValueError: If ``h`` is not positive or too small to move ``x`` in floating
            point, or ``f`` is not finite at ``x ± h``.

    Examples:
        >>> from micrograd.gradcheck import numerical_derivative
        >>> round(numerical_derivative(lambda x: x**3, 2.0), 6)
        12.0

    """
    x = check_real("x", x)
    step = _check_step(h)
    x_above, x_below = _nudged(x, step, "x")
    above = _finite_output(f(x_above), f"at x + h = {x_above!r}")
    below = _finite_output(f(x_below), f"at x - h = {x_below!r}")
    return (above - below) / (2.0 * step)


def numerical_gradient(
    f: Callable[[list[float]], float],
    point: Sequence[float],
    h: float = DEFAULT_STEP,
    indices: Sequence[int] | None = None,
) -> list[float]:
    """Central differences of ``f`` along each chosen coordinate of ``point``.

    Coordinate ``i`` is nudged by ``±h`` with every other coordinate held fixed;
    ``f`` receives a fresh list each time, so it may keep or change it freely.

    Args:
        f: A function of a list of floats returning a number (or a ``Value``).
        point: Where to estimate the gradient.
        h: The step, positive.
        indices: Which coordinates to estimate (default: all), in the order wanted.

    Returns:
        One estimate per chosen coordinate, in the order of ``indices``.

    Raises:
        TypeError: If a coordinate, an index or ``h`` has the wrong type.
        ValueError: If ``h`` is not positive or too small to move a coordinate in
            floating point, an index is out of range or repeated,
            or ``f`` is not finite at a nudged point.

    Examples:
        >>> from micrograd.gradcheck import numerical_gradient
        >>> [round(g, 6) for g in numerical_gradient(lambda p: p[0] * p[1], [3.0, 5.0])]
        [5.0, 3.0]

    """
    return [estimate for estimate, _ in _central_differences(f, point, h, indices)]


def _central_differences(
    f: Callable[[list[float]], object],
    point: Sequence[float],
    h: object,
    indices: Sequence[int] | None = None,
) -> list[tuple[float, float]]:
    """:func:`numerical_gradient`'s estimates, each with how much rounding in ``f`` can blur it.

    ``f``'s two outputs are each rounded to a float, so their difference can be
    off by up to about one float spacing of each: divided by ``2 h``, that is the
    blur. It is large when ``|f|`` is large or ``h`` tiny.
    """
    step = _check_step(h)
    base = [check_real(f"point[{i}]", v) for i, v in enumerate(check_sequence("point", point))]
    chosen = _check_indices(indices, len(base))
    results = []
    for i in chosen:
        x_above, x_below = _nudged(base[i], step, f"coordinate {i}")
        above, below = list(base), list(base)  # fresh lists: f may keep or change them
        above[i], below[i] = x_above, x_below
        f_above = _finite_output(f(above), f"with coordinate {i} at {x_above!r}")
        f_below = _finite_output(f(below), f"with coordinate {i} at {x_below!r}")
        blur = (math.ulp(f_above) + math.ulp(f_below)) / (2.0 * step)
        results.append(((f_above - f_below) / (2.0 * step), blur))
    return results


@dataclass(frozen=True, slots=True)
class GradientComparison:
    """One gradient computed two ways.

    Attributes:
        index: Which input (or parameter) this is.
        autodiff: The gradient from :meth:`~micrograd.engine.Value.backward`.
        numerical: The central-difference estimate.

    """

    index: int
    autodiff: float
    numerical: float

    @property
    def error(self) -> float:
        """``|autodiff - numerical|``."""
        return abs(self.autodiff - self.numerical)

    def agrees(self, rtol: float, atol: float) -> bool:
        """``error <= atol + rtol * max(|autodiff|, |numerical|)``."""
        scale = max(abs(self.autodiff), abs(self.numerical))
        return self.error <= atol + rtol * scale


@dataclass(frozen=True, slots=True)
class GradientCheck:
    """The result of :func:`check_gradients` or :func:`check_model_gradients`.

    Attributes:
        comparisons: One :class:`GradientComparison` per checked input.
        rtol: The relative tolerance used.
        atol: The absolute tolerance used.

    """

    comparisons: tuple[GradientComparison, ...]
    rtol: float
    atol: float

    @property
    def mismatches(self) -> tuple[GradientComparison, ...]:
        """The comparisons outside the tolerance."""
        return tuple(c for c in self.comparisons if not c.agrees(self.rtol, self.atol))

    @property
    def ok(self) -> bool:
        """True if every gradient agrees within the tolerance."""
        return not self.mismatches

    @property
    def max_error(self) -> float:
        """The largest ``|autodiff - numerical|`` (0.0 if nothing was checked)."""
        return max((c.error for c in self.comparisons), default=0.0)

    def rows(self) -> list[dict[str, Any]]:
        """One row per comparison, for :class:`~micrograd.tables.Table`."""
        return [
            {
                "index": c.index,
                "autodiff": c.autodiff,
                "central difference": c.numerical,
                "|difference|": c.error,
                "agrees": c.agrees(self.rtol, self.atol),
            }
            for c in self.comparisons
        ]


class GradientMismatch(AssertionError):
    """Autodiff and central differences disagree beyond the tolerance.

    Attributes:
        check: The full :class:`GradientCheck`, mismatches included.

    """

    def __init__(self, check: GradientCheck) -> None:
        worst = max(check.mismatches, key=lambda c: c.error)
        super().__init__(
            f"{len(check.mismatches)} of {len(check.comparisons)} gradients disagree with "
            f"central differences (rtol={check.rtol}, atol={check.atol}); worst: index "
            f"{worst.index}, autodiff {worst.autodiff!r} vs numerical {worst.numerical!r}"
        )
        self.check = check

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle and copy support: rebuilt from the check, with any notes added since."""
        return (type(self), (self.check,), vars(self))


def _finish(
    autodiff: Sequence[float],
    numerical: Sequence[tuple[float, float]],
    indices: Sequence[int],
    h: float,
    rtol: float,
    atol: float,
) -> GradientCheck:
    """The check of ``autodiff`` against the ``(estimate, blur)`` pairs.

    Raises:
        GradientMismatch: If a gradient disagrees by more than the tolerance and
            more than rounding in the function's output explains.
        ValueError: If every disagreement is within that rounding: the check cannot
            tell at this ``h``, and the message suggests a larger one.

    """
    comparisons = tuple(
        GradientComparison(i, a, n)
        for i, a, (n, _) in zip(indices, autodiff, numerical, strict=True)
    )
    check = GradientCheck(comparisons, rtol, atol)
    if check.ok:
        return check
    blurs = {i: blur for i, (_, blur) in zip(indices, numerical, strict=True)}
    # "not <=": a NaN gradient (error NaN) is a mismatch, never blamed on rounding
    if any(not c.error <= blurs[c.index] for c in check.mismatches):
        raise GradientMismatch(check)
    worst = max(check.mismatches, key=lambda c: blurs[c.index])
    allowed = atol + rtol * max(abs(worst.autodiff), abs(worst.numerical))
    blur = blurs[worst.index]
    # a zero (or underflowing) tolerance: no larger h can bring the blur under it
    scale = h * blur / allowed * 10.0 if allowed > 0.0 else math.inf
    if not math.isfinite(scale):
        raise GradientMismatch(check)
    larger = 10.0 ** math.ceil(math.log10(scale))
    raise ValueError(
        f"h={h!r} is too small for the function's output: rounding it to floats blurs the "
        f"central difference of index {worst.index} by up to {blur:.3g}, more than the "
        f"tolerance {allowed:.3g}, so autodiff {worst.autodiff!r} vs numerical "
        f"{worst.numerical!r} proves nothing; use a larger h, e.g. h={larger:g}"
    )


def _output_node(value: object) -> Value:
    return check_instance("the function's result", value, Value, "a Value")


def check_gradients(
    build: Callable[..., Value],
    inputs: Sequence[float],
    h: float = DEFAULT_STEP,
    rtol: float = DEFAULT_RTOL,
    atol: float = DEFAULT_ATOL,
) -> GradientCheck:
    """Compare ``backward()`` with central differences for an expression of leaves.

    ``build`` is called with one leaf :class:`~micrograd.engine.Value` per entry of
    ``inputs`` and must return the output ``Value``. Its gradient with respect to
    each leaf is then computed twice: by backpropagation, and by calling ``build``
    again with the leaf nudged by ``±h``. A leaf the output does not depend on has
    autodiff gradient 0.

    Args:
        build: A function of ``len(inputs)`` ``Value`` leaves returning a ``Value``.
        inputs: The leaves' values.
        h: The finite-difference step, positive.
        rtol: Allowed relative disagreement.
        atol: Allowed absolute disagreement.

    Returns:
        The :class:`GradientCheck`, when every gradient agrees.

    Raises:
        GradientMismatch: If a gradient disagrees beyond ``atol + rtol * scale``.
        TypeError: If ``build`` does not return a ``Value`` or an argument has the wrong type.
        ValueError: If a tolerance is negative, ``h`` is not positive, the
            output is not finite at a nudged point, or rounding in the output
            blurs the central difference more than a disagreement (then the
            check cannot tell; the message suggests a larger ``h``).

    Examples:
        >>> from micrograd.gradcheck import check_gradients
        >>> check = check_gradients(lambda a, b: a * b + b.relu(), [2.0, 3.0])
        >>> [c.autodiff for c in check.comparisons]
        [3.0, 3.0]
        >>> [round(c.numerical, 6) for c in check.comparisons]
        [3.0, 3.0]

    """
    step = _check_step(h)
    rtol, atol = _check_tolerance("rtol", rtol), _check_tolerance("atol", atol)
    point = [check_real(f"inputs[{i}]", v) for i, v in enumerate(check_sequence("inputs", inputs))]
    leaves = [Value(v) for v in point]
    grads = _output_node(build(*leaves)).backward()
    autodiff = [grads.get(leaf, 0.0) for leaf in leaves]
    numerical = _central_differences(
        lambda p: _output_node(build(*map(Value, p))).data, point, step
    )
    return _finish(autodiff, numerical, range(len(point)), step, rtol, atol)


def check_model_gradients(
    model: M,
    loss: Callable[[M], Value],
    indices: Sequence[int] | None = None,
    h: float = DEFAULT_STEP,
    rtol: float = DEFAULT_RTOL,
    atol: float = DEFAULT_ATOL,
) -> GradientCheck:
    """Compare ``backward()`` with central differences for a model's loss.

    The loss is differentiated once by backpropagation. Then, for each chosen
    parameter (an index into ``model.parameters()``), two models are made with
    :meth:`~micrograd.nn.Module.with_parameters`, that parameter nudged by
    ``±h``, and the loss is evaluated on each.

    Args:
        model: The model; it is not changed.
        loss: A function of a model returning its loss as a ``Value``, for example
            ``lambda m: max_margin(m, xs, ys).total_loss``.
        indices: Which parameters to check (default: all of them).
        h: The finite-difference step, positive.
        rtol: Allowed relative disagreement.
        atol: Allowed absolute disagreement.

    Returns:
        The :class:`GradientCheck`, when every checked gradient agrees.

    Raises:
        GradientMismatch: If a gradient disagrees beyond ``atol + rtol * scale``.
        TypeError: If ``model`` is not a :class:`~micrograd.nn.Module`, ``loss``
            does not return a ``Value``, or an index is not an int.
        ValueError: If an index is out of range or repeated, a tolerance is
            negative, ``h`` is not positive, the loss is not finite at a
            nudged point, or rounding in the loss blurs the central difference
            more than a disagreement (the message suggests a larger ``h``).

    """
    if not isinstance(model, Module):
        fail("model", "a micrograd.nn model", model, TypeError)
    step = _check_step(h)
    rtol, atol = _check_tolerance("rtol", rtol), _check_tolerance("atol", atol)
    parameters = model.parameters()
    chosen = _check_indices(indices, len(parameters))
    grads = _output_node(loss(model)).backward()
    autodiff = [grads.get(parameters[i], 0.0) for i in chosen]
    numerical = _central_differences(
        lambda values: _output_node(loss(model.with_parameters(values))).data,
        [p.data for p in parameters],
        step,
        chosen,
    )
    return _finish(autodiff, numerical, chosen, step, rtol, atol)
