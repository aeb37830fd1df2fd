"""Plain rows (lists of dicts) for tables and charts; no plotting library needed.

:mod:`micrograd.plots` draws from these rows, and so can any other tool
(pandas, Vega-Lite, a spreadsheet).
"""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import Any

from micrograd.datasets import Dataset
from micrograd.engine import Value
from micrograd.nn import Module
from micrograd.trainer import TrainingRun

__all__ = [
    "LOSS_METRICS",
    "MAX_GRID_POINTS",
    "accuracy_history",
    "dataset_points",
    "decision_boundary",
    "grid_axes",
    "loss_history",
    "training_history",
]

MAX_GRID_POINTS = 1_000_000
"""The largest grid :func:`decision_boundary` evaluates."""

LOSS_METRICS = {"total": "loss", "data": "data_loss", "regularization": "reg_loss"}
"""The ``metric`` names of :func:`loss_history` and the record field each comes from."""


def dataset_points(dataset: Dataset) -> list[dict[str, float]]:
    """One row ``{"x", "y", "label"}`` per point of ``dataset``."""
    return dataset.points


def training_history(run: TrainingRun[Any]) -> list[dict[str, float]]:
    """One row per logged step: ``step, loss, data_loss, reg_loss, accuracy, learning_rate``."""
    return [asdict(record) for record in run.history]


def loss_history(run: TrainingRun[Any]) -> list[dict[str, Any]]:
    """The three losses in long format: rows ``{"step", "metric", "value"}``.

    ``metric`` is ``"total"``, ``"data"`` or ``"regularization"``.
    """
    return [
        {"step": record.step, "metric": metric, "value": getattr(record, field)}
        for record in run.history
        for metric, field in LOSS_METRICS.items()
    ]


def accuracy_history(run: TrainingRun[Any]) -> list[dict[str, float]]:
    """Rows ``{"step", "value"}`` with the accuracy in percent (0 to 100)."""
    return [{"step": record.step, "value": record.accuracy * 100.0} for record in run.history]


def _check_positive(name: str, value: object, allow_zero: bool) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be a finite number {bound}, got {value!r}")
    return float(value)


def grid_axes(
    dataset: Dataset, h: float = 0.25, padding: float = 1.0
) -> tuple[list[float], list[float]]:
    """The x and y coordinates of the grid :func:`decision_boundary` evaluates.

    Each axis runs from the smallest coordinate minus ``padding`` in steps of
    ``h`` while below the largest plus ``padding`` (like ``numpy.arange``).

    Raises:
        ValueError: If ``h <= 0``, ``padding < 0`` or the grid would exceed
            :data:`MAX_GRID_POINTS` points.

    """
    step = _check_positive("h", h, allow_zero=False)
    pad = _check_positive("padding", padding, allow_zero=True)
    axes = []
    for coords in zip(*dataset.xs, strict=True):
        low, high = min(coords) - pad, max(coords) + pad
        axes.append((low, max(1, math.ceil((high - low) / step))))
    size = axes[0][1] * axes[1][1]
    if size > MAX_GRID_POINTS:
        raise ValueError(
            f"a grid with h={h!r} would have {size:,} points, more than the "
            f"{MAX_GRID_POINTS:,} allowed; use a larger h"
        )
    (x0, nx), (y0, ny) = axes
    return [x0 + i * step for i in range(nx)], [y0 + j * step for j in range(ny)]


def decision_boundary(
    model: Module, dataset: Dataset, h: float = 0.25, padding: float = 1.0
) -> list[dict[str, float]]:
    """The model's score on a grid covering the dataset, for drawing its decision boundary.

    Rows ``{"x", "y", "score", "predicted"}`` in row-major order (``y`` outer,
    ``x`` inner) over :func:`grid_axes`; ``predicted`` is ``1.0`` where the
    score is positive and ``-1.0`` elsewhere.

    Raises:
        ValueError: If ``h <= 0`` or the grid is too large (use a larger ``h``).

    """
    xs, ys = grid_axes(dataset, h, padding)
    rows = []
    for y in ys:
        for x in xs:
            score = model((x, y))
            if not isinstance(score, Value):
                raise ValueError("decision_boundary needs a model with one output")
            s = score.data
            rows.append({"x": x, "y": y, "score": s, "predicted": 1.0 if s > 0 else -1.0})
    return rows
