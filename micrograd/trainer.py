"""The training loop of micrograd's demo, returning new models instead of mutating one.

Each step computes the max-margin loss, differentiates it with
:meth:`~micrograd.engine.Value.backward` and takes one gradient-descent step with
:meth:`~micrograd.nn.Module.apply_gradients`. Because gradients are returned
fresh by every backward pass, there is no ``zero_grad``.
"""

from __future__ import annotations

import gc
import math
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from micrograd.datasets import Dataset
from micrograd.losses import check_alpha, max_margin
from micrograd.nn import Module

__all__ = [
    "LearningRate",
    "TrainingDiverged",
    "TrainingRecord",
    "TrainingRun",
    "official_micrograd_learning_rate",
    "train",
]

M = TypeVar("M", bound=Module)

LearningRate = float | Callable[[int], float]
"""A constant learning rate, or a function of the step number (0, 1, ...)."""


def official_micrograd_learning_rate(step: int) -> float:
    """The schedule of micrograd's demo: ``1.0 - 0.9 * step / 100`` (1.0 down to 0.109)."""
    return 1.0 - 0.9 * step / 100


@dataclass(frozen=True, slots=True)
class TrainingRecord:
    """One logged step, measured *before* that step's update (what micrograd's demo prints).

    Attributes:
        step: The step number, from 0.
        loss: The total loss.
        data_loss: The mean hinge loss.
        reg_loss: The L2 regularization term.
        accuracy: The fraction of (batch) points classified correctly, 0 to 1.
        learning_rate: The learning rate this step's update used.

    """

    step: int
    loss: float
    data_loss: float
    reg_loss: float
    accuracy: float
    learning_rate: float


@dataclass(frozen=True, slots=True)
class TrainingRun(Generic[M]):
    """The immutable result of :func:`train`.

    Attributes:
        initial_model: The model training started from (unchanged).
        history: The logged steps, in order.
        final_model: The model after the last update.
        final_loss: The total loss of ``final_model`` on the whole dataset.
        final_accuracy: The accuracy of ``final_model`` on the whole dataset (0 to 1).

    """

    initial_model: M
    history: tuple[TrainingRecord, ...]
    final_model: M
    final_loss: float
    final_accuracy: float


class TrainingDiverged(ArithmeticError):
    """The loss became infinite or NaN during :func:`train`.

    Attributes:
        step: The step at which the loss was first not finite.
        run: The partial :class:`TrainingRun`: history up to and including that
            step, and as ``final_model`` the model that produced the bad loss.

    """

    def __init__(self, step: int, loss: float, run: TrainingRun[Any]) -> None:
        super().__init__(
            f"training diverged at step {step}: the loss is {loss!r}; try a smaller "
            "learning rate (the partial run is attached as .run)"
        )
        self.step = step
        self.run = run


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector, restoring its previous state afterwards.

    A training step allocates tens of thousands of nodes, which makes the cycle
    collector walk the whole live graph again and again (about a quarter of the
    step time). Computation graphs cannot contain cycles (a node only points to
    nodes created before it), so reference counting frees them all the same.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _check_int(name: str, value: object, minimum: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}: {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return value


def _rate_at(learning_rate: LearningRate, step: int) -> float:
    rate = learning_rate(step) if callable(learning_rate) else learning_rate
    if not isinstance(rate, int | float) or isinstance(rate, bool):
        raise TypeError(
            f"the learning rate for step {step} must be a number, got {type(rate).__name__}"
        )
    return float(rate)


@_cyclic_gc_paused()
def train(
    model: M,
    dataset: Dataset,
    steps: int = 100,
    alpha: float = 1e-4,
    learning_rate: LearningRate = official_micrograd_learning_rate,
    batch_size: int | None = None,
    seed: int | None = None,
    log_every: int = 1,
    callback: Callable[[TrainingRecord], object] | None = None,
) -> TrainingRun[M]:
    """Train ``model`` on ``dataset`` with the max-margin loss and plain gradient descent.

    Step ``k`` evaluates :func:`~micrograd.losses.max_margin` on the model (on
    a random minibatch if ``batch_size`` is set), takes its gradients and moves
    every parameter by ``-learning_rate(k) * gradient``. With the defaults this
    is micrograd's demo loop.

    Args:
        model: The starting model; it is not changed.
        dataset: The points to fit.
        steps: How many updates to make (0 or more).
        alpha: L2 regularization strength.
        learning_rate: A number, or a function of the step such as
            :func:`official_micrograd_learning_rate`.
        batch_size: If set, each step uses this many points sampled without
            replacement (from ``random.Random(seed)``); ``None`` uses every point.
        seed: Seed for minibatch sampling.
        log_every: Record (and report to ``callback``) every ``log_every``-th step.
        callback: Called with each :class:`TrainingRecord` as it is logged.

    Raises:
        TypeError: If ``learning_rate`` is neither a number nor a callable
            returning one, or another argument has the wrong type.
        ValueError: If ``steps < 0``, ``log_every < 1`` or ``batch_size`` is not
            between 1 and ``len(dataset)``.
        TrainingDiverged: If the loss becomes infinite or NaN; the partial run
            is attached.

    """
    if not isinstance(dataset, Dataset):
        raise TypeError(f"dataset must be a Dataset, got {type(dataset).__name__}")
    if not (callable(learning_rate) or isinstance(learning_rate, int | float)) or isinstance(
        learning_rate, bool
    ):
        raise TypeError(
            "learning_rate must be a number or a function of the step returning one, "
            f"got {type(learning_rate).__name__}"
        )
    _check_int("steps", steps, 0)
    _check_int("log_every", log_every, 1)
    if batch_size is not None:
        _check_int("batch_size", batch_size, 1)
        if batch_size > len(dataset):
            raise ValueError(
                f"batch_size must be at most the dataset size {len(dataset)}, got {batch_size}"
            )
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
        raise TypeError(f"seed must be an int or None, got {type(seed).__name__}")
    check_alpha(alpha)

    rng = random.Random(seed)
    history: list[TrainingRecord] = []
    current = model
    xs, ys = dataset.xs, dataset.ys
    for step in range(steps):
        if batch_size is not None:
            picked = rng.sample(range(len(dataset)), batch_size)
            xs = tuple(dataset.xs[i] for i in picked)
            ys = tuple(dataset.ys[i] for i in picked)
        rate = _rate_at(learning_rate, step)
        result = max_margin(current, xs, ys, alpha)
        loss = result.total_loss.data
        record = TrainingRecord(
            step, loss, result.data_loss.data, result.reg_loss.data, result.accuracy, rate
        )
        if not math.isfinite(loss):
            history.append(record)
            run = TrainingRun(model, tuple(history), current, loss, result.accuracy)
            raise TrainingDiverged(step, loss, run)
        if step % log_every == 0:
            history.append(record)
            if callback is not None:
                callback(record)
        current = current.apply_gradients(result.total_loss.backward(), rate)

    final = max_margin(current, dataset.xs, dataset.ys, alpha)
    final_loss = final.total_loss.data
    if not math.isfinite(final_loss):
        run = TrainingRun(model, tuple(history), current, final_loss, final.accuracy)
        raise TrainingDiverged(steps, final_loss, run)
    return TrainingRun(model, tuple(history), current, final_loss, final.accuracy)
