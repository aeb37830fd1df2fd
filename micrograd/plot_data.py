"""Plain rows (lists of dicts) for tables and charts; no plotting library needed.

:mod:`micrograd.plots` draws from these rows, and so can any other tool
(pandas, Vega-Lite, a spreadsheet).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from fractions import Fraction
from typing import Any

from micrograd._checks import check_instance, check_int, check_real, fail
from micrograd.datasets import Dataset
from micrograd.engine import Value
from micrograd.nn import Module
from micrograd.trainer import TrainingDiverged, TrainingRecord, TrainingRun, train

__all__ = [
    "LOSS_METRICS",
    "MAX_FRAMES",
    "MAX_GRID_POINTS",
    "Snapshot",
    "TrainingFrames",
    "accuracy_history",
    "crossover_step",
    "dataset_points",
    "decision_boundary",
    "frame_steps",
    "grid_axes",
    "loss_history",
    "training_frames",
    "training_history",
]

MAX_GRID_POINTS = 1_000_000
"""The largest grid :func:`decision_boundary` evaluates."""

LOSS_METRICS = {"total": "loss", "data": "data_loss", "regularization": "reg_loss"}
"""The ``metric`` names of :func:`loss_history` and the record field each comes from."""


def _check_dataset(dataset: object) -> Dataset:
    return check_instance(
        "dataset", dataset, Dataset, "a Dataset (from moons(), spiral(), blobs() or from_points())"
    )


def _check_run(run: object) -> TrainingRun[Any]:
    return check_instance(
        "run", run, TrainingRun, "the TrainingRun of train() (or an error's .run)"
    )


def _check_model(model: object) -> Module:
    if not isinstance(model, Module):
        fail("model", "a micrograd.nn model (MLP, Layer, Neuron, Unfused)", model, TypeError)
    return model


def dataset_points(dataset: Dataset) -> list[dict[str, float]]:
    """One row ``{"x", "y", "label"}`` per point of ``dataset``.

    Raises:
        TypeError: If ``dataset`` is not a ``Dataset``.

    """
    return _check_dataset(dataset).points


def training_history(run: TrainingRun[Any]) -> list[dict[str, float]]:
    """One row per logged step: ``step, loss, data_loss, reg_loss, accuracy, learning_rate``.

    Raises:
        TypeError: If ``run`` is not a ``TrainingRun``.

    """
    return [asdict(record) for record in _check_run(run).history]


def loss_history(run: TrainingRun[Any]) -> list[dict[str, Any]]:
    """The three losses in long format: rows ``{"step", "metric", "value"}``.

    ``metric`` is ``"total"``, ``"data"`` or ``"regularization"``.
    """
    return [
        {"step": record.step, "metric": metric, "value": getattr(record, field)}
        for record in _check_run(run).history
        for metric, field in LOSS_METRICS.items()
    ]


def accuracy_history(run: TrainingRun[Any]) -> list[dict[str, float]]:
    """Rows ``{"step", "value"}`` with the accuracy in percent (0 to 100)."""
    return [
        {"step": record.step, "value": record.accuracy * 100.0}
        for record in _check_run(run).history
    ]


def _axis(low: float, high: float, step: float, name: str) -> tuple[float, int]:
    """The start and point count of one grid axis covering ``low..high``.

    Raises:
        ValueError: If the axis is not finite or has more than
            :data:`MAX_GRID_POINTS` points (use a larger ``h``) or fewer than 2
            (use a smaller ``h``).

    """
    count = (high - low) / step
    if not (math.isfinite(low) and math.isfinite(high) and count <= MAX_GRID_POINTS):
        raise ValueError(
            f"h={step!r} with this padding gives too many grid points along {name} (more "
            f"than the {MAX_GRID_POINTS:,} allowed); use a larger h or a smaller padding"
        )
    points = math.ceil(count)
    if points < 2:
        raise ValueError(
            f"h={step!r} gives fewer than 2 grid points along {name} (the data span "
            f"{high - low!r} there); use a smaller h (or a larger padding)"
        )
    return low, points


def grid_axes(
    dataset: Dataset, h: float = 0.25, padding: float = 1.0
) -> tuple[list[float], list[float]]:
    """The x and y coordinates of the grid :func:`decision_boundary` evaluates.

    Each axis runs from the smallest coordinate minus ``padding`` in steps of
    ``h`` while below the largest plus ``padding`` (like ``numpy.arange``).

    Raises:
        TypeError: If ``dataset`` is not a ``Dataset`` or ``h``/``padding`` not numbers.
        ValueError: If ``h <= 0`` or ``padding < 0``, if the grid would exceed
            :data:`MAX_GRID_POINTS` points (use a larger ``h``), or if an axis
            would have fewer than 2 points (use a smaller ``h``).

    """
    _check_dataset(dataset)
    step = check_real("h", h, minimum=0.0, above_minimum=True)
    pad = check_real("padding", padding, minimum=0.0)
    (x0, nx), (y0, ny) = (
        _axis(min(coords) - pad, max(coords) + pad, step, name)
        for coords, name in zip(zip(*dataset.xs, strict=True), ("x", "y"), strict=True)
    )
    if nx * ny > MAX_GRID_POINTS:
        raise ValueError(
            f"a grid with h={h!r} would have {nx * ny:,} points, more than the "
            f"{MAX_GRID_POINTS:,} allowed; use a larger h"
        )
    return [x0 + i * step for i in range(nx)], [y0 + j * step for j in range(ny)]


def decision_boundary(
    model: Module, dataset: Dataset, h: float = 0.25, padding: float = 1.0
) -> list[dict[str, float]]:
    """The model's score on a grid covering the dataset, for drawing its decision boundary.

    Rows ``{"x", "y", "score", "predicted"}`` in row-major order (``y`` outer,
    ``x`` inner) over :func:`grid_axes`; ``predicted`` is ``1.0`` where the
    score is positive, ``-1.0`` where it is zero or negative, and ``nan``
    where the score is NaN (no class: a diverged model predicts nothing).

    Raises:
        TypeError: If ``model`` is not a model or ``dataset`` not a ``Dataset``.
        ValueError: If the grid is too large or too small (see :func:`grid_axes`)
            or the model has more than one output.

    """
    _check_model(model)
    xs, ys = grid_axes(dataset, h, padding)
    rows = []
    for y in ys:
        for x in xs:
            score = model((x, y))
            if not isinstance(score, Value):
                raise ValueError("decision_boundary needs a model with one output")
            rows.append({"x": x, "y": y, "score": score.data, "predicted": _predicted(score.data)})
    return rows


def _predicted(score: float) -> float:
    """The class a score predicts: 1.0, -1.0, or nan for a NaN score."""
    if score > 0.0:
        return 1.0
    if score <= 0.0:
        return -1.0
    return math.nan


def crossover_step(run: TrainingRun[Any]) -> int | None:
    """The logged step from which the data loss stays below the regularization term, or ``None``.

    From there to the end of the run, most of the loss is the price of the
    weights, not misfit points. ``None`` when the last logged step's data loss
    is not below its regularization term.

    Raises:
        TypeError: If ``run`` is not a ``TrainingRun``.

    """
    crossing = None
    for record in reversed(_check_run(run).history):
        if not record.data_loss < record.reg_loss:
            break
        crossing = record.step
    return crossing


MAX_FRAMES = 1000
"""The most frames :func:`frame_steps` (and so an animation) may have."""


def frame_steps(steps: int, frames: int) -> list[int]:
    """``frames`` step numbers spread evenly from 0 to ``steps`` (both included).

    Step ``steps`` stands for the final model, after the last update. Fewer
    numbers come back when the run has fewer than ``frames`` steps.

    Raises:
        TypeError: If ``steps`` or ``frames`` is not an int.
        ValueError: If ``steps < 1`` or ``frames`` is not from 2 to :data:`MAX_FRAMES`.

    """
    check_int("steps", steps, minimum=1)
    check_int("frames", frames, minimum=2, maximum=MAX_FRAMES)
    # exact rationals: a float quotient overflows, or loses the last step, past 2**53
    return sorted({round(Fraction(k * steps, frames - 1)) for k in range(frames)})


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One frame of a run: the model at a step, and how it did there.

    Attributes:
        step: The step number (``steps`` for the final model).
        model: The model at that step, before that step's update.
        loss: Its total loss (on the batch the step used; the whole dataset
            for the final model).
        accuracy: Its accuracy, 0 to 1, measured the same way.

    """

    step: int
    model: Module
    loss: float
    accuracy: float


@dataclass(frozen=True, slots=True)
class TrainingFrames:
    """What :func:`training_frames` returns: a run and its snapshots at the frame steps.

    Attributes:
        run: The run (partial if it diverged).
        steps: The run's requested length.
        snapshots: One :class:`Snapshot` per frame step reached, in order.
        diverged_at: The step at which training diverged, or ``None``.

    """

    run: TrainingRun[Any]
    steps: int
    snapshots: tuple[Snapshot, ...]
    diverged_at: int | None


def training_frames(
    model: Module, dataset: Dataset, steps: int = 100, frames: int = 26, **options: Any
) -> TrainingFrames:
    """Train ``model`` and keep the models at :func:`frame_steps` (``steps``, ``frames``).

    The models are kept through :func:`~micrograd.trainer.train`'s ``watch``
    argument, so only the frames' models stay in memory. A run that diverges is
    not an error here: its frames stop at the last step it logged.

    Args:
        model: The starting model.
        dataset: The points to fit.
        steps: The run's length.
        frames: How many snapshots to keep, from step 0 to the final model.
        **options: More arguments of :func:`~micrograd.trainer.train`
            (``learning_rate``, ``alpha``, ``batch_size``, ``seed``, ...); not
            ``log_every``, ``callback`` or ``watch``, which this function sets.

    Raises:
        TypeError: If ``model`` or ``dataset`` has the wrong type, or an option is
            not one of :func:`~micrograd.trainer.train`'s.
        ValueError: If ``steps < 1``, ``frames`` is out of range, or an option is
            one this function sets.

    """
    _check_model(model)
    _check_dataset(dataset)
    wanted = set(frame_steps(steps, frames))
    taken = sorted({"log_every", "callback", "watch"} & set(options))  # steps is named
    if taken:
        fail("options", "train() options other than log_every, callback, watch, steps", taken)
    kept: list[Snapshot] = []

    def keep(record: TrainingRecord, current: Module) -> None:
        if record.step in wanted and record.step < steps:
            kept.append(Snapshot(record.step, current, record.loss, record.accuracy))

    diverged_at = None
    try:
        run = train(model, dataset, steps=steps, watch=keep, **options)
    except TrainingDiverged as error:
        run, diverged_at = error.run, error.step
    else:
        kept.append(Snapshot(steps, run.final_model, run.final_loss, run.final_accuracy))
    return TrainingFrames(run, steps, tuple(kept), diverged_at)


def _check_runs(runs: object) -> Mapping[str, TrainingRun[Any]]:
    """Return ``runs`` if it maps names (str) to :class:`~micrograd.trainer.TrainingRun` objects.

    Raises:
        TypeError: Otherwise, saying what was expected.

    """
    if not isinstance(runs, Mapping):
        fail("runs", "a mapping of names to TrainingRun objects", runs, TypeError)
    for name, run in runs.items():
        check_instance("each name in runs", name, str, "a str")
        _check_run(run)
    return runs
