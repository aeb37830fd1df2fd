"""The max-margin (hinge) loss with L2 regularization from micrograd's demo."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from micrograd._checks import check_real, fail
from micrograd.datasets import _check_labels
from micrograd.engine import Value
from micrograd.nn import Module

__all__ = ["LossResult", "max_margin"]


@dataclass(frozen=True, slots=True)
class LossResult:
    """What :func:`max_margin` measured.

    Attributes:
        total_loss: ``data_loss + reg_loss``; call ``total_loss.backward()`` for gradients.
        data_loss: The mean hinge loss over the points.
        reg_loss: ``alpha`` times the sum of the squared parameters.
        accuracy: The fraction of points on the right side of the boundary (0 to 1).
        scores: The model's score for each point, in order.

    """

    total_loss: Value
    data_loss: Value
    reg_loss: Value
    accuracy: float
    scores: tuple[float, ...] = ()


def max_margin(
    model: Module, xs: Sequence[Sequence[float]], ys: Sequence[float], alpha: float = 1e-4
) -> LossResult:
    """The loss micrograd's demo trains with, as differentiable ``Value`` nodes.

    For each point the model's score ``s`` is compared with the label ``y``
    (-1 or 1): ``relu(1 - y * s)`` is zero once the point is on the right side
    with a margin of at least 1. Then::

        data_loss = mean(relu(1 - y_i * s_i))
        reg_loss  = alpha * sum(p * p for p in model.parameters())
        accuracy  = mean((s_i > 0) == (y_i > 0))   # a NaN score counts as wrong

    Args:
        model: A model with one output, such as ``MLP(2, [16, 16, 1])``.
        xs: The input points.
        ys: The labels, -1 or 1.
        alpha: The L2 regularization strength (micrograd's ``1e-4``).

    Raises:
        TypeError: If ``model`` is not a model or ``xs``/``ys`` are not sequences.
        ValueError: If ``xs`` and ``ys`` differ in length or are empty, a label
            is not -1 or 1, ``alpha`` is negative or not finite, or the model has
            more than one output.

    Examples:
        >>> from micrograd.datasets import moons
        >>> from micrograd.losses import max_margin
        >>> from micrograd.nn import MLP
        >>> data = moons(6)
        >>> result = max_margin(MLP(2, [4, 1], seed=1), data.xs, data.ys)
        >>> round(result.data_loss.data, 4), round(result.reg_loss.data, 6)
        (1.0234, 0.000399)
        >>> result.accuracy  # every score is negative: the three -1 points are right
        0.5
        >>> grads = result.total_loss.backward()  # what a training step follows

    """
    if not isinstance(model, Module):
        fail("model", "a micrograd.nn model", model, TypeError)
    labels = _check_labels(xs, ys)
    check_real("alpha", alpha, minimum=0.0)

    margins = []
    scores = []
    correct = 0
    for x, y in zip(xs, labels, strict=True):
        score = model(x)
        if not isinstance(score, Value):
            raise ValueError(f"max_margin needs a model with one output, got {len(score)} outputs")
        margins.append((1 + -y * score).relu())
        s = score.data
        scores.append(s)
        correct += (y > 0) == (s > 0) and not math.isnan(s)  # a NaN score is never right
    data_loss = Value.sum(margins) * (1.0 / len(margins))
    reg_loss = alpha * Value.sum(p * p for p in model.parameters())
    return LossResult(
        data_loss + reg_loss, data_loss, reg_loss, correct / len(margins), tuple(scores)
    )
