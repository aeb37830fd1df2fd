"""The training loop of micrograd's demo, returning new models instead of mutating one.

Each step computes the max-margin loss, differentiates it with
:meth:`~micrograd.engine.Value.backward` and takes one gradient-descent step with
:meth:`~micrograd.nn.Module.apply_gradients`. Because gradients are returned
fresh by every backward pass, there is no ``zero_grad``.
"""

from __future__ import annotations

import gc
import math
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from micrograd._checks import check_instance, check_int, check_real, fail, is_number, shown
from micrograd.datasets import Dataset
from micrograd.losses import LossResult, max_margin
from micrograd.nn import Module
from micrograd.progress import TrainingProgress
from micrograd.seeding import make_rng

__all__ = [
    "MAX_STEPS",
    "InvalidLearningRate",
    "LearningRate",
    "TrainingCancelled",
    "TrainingDiverged",
    "TrainingFailed",
    "TrainingInterrupted",
    "TrainingRecord",
    "TrainingRun",
    "official_micrograd_learning_rate",
    "train",
]

M = TypeVar("M", bound=Module)

LearningRate = float | Callable[[int], float]
"""A constant learning rate, or a function of the step number (0, 1, ...)."""


MAX_STEPS = 2**53
"""The most steps a run (and a schedule's ``total_steps``) may have: 2**53.

Step numbers above it are not exact as floats, so a schedule could no longer
tell neighbouring steps apart (and no such run would ever finish).
"""


def official_micrograd_learning_rate(step: int, total_steps: int = 100) -> float:
    """The schedule of micrograd's demo, stretched over ``total_steps``: ``1.0 - 0.9 * step / total_steps``.

    It falls linearly from 1.0 at step 0 to 0.1 at ``step == total_steps`` (micrograd's
    demo uses ``total_steps=100``). :func:`train` uses it with ``total_steps=steps``
    when no learning rate is given, so every run decays 1.0 to 0.1 over its own length.

    Raises:
        TypeError: If ``step`` or ``total_steps`` is not an int.
        ValueError: If ``total_steps`` is not between 1 and :data:`MAX_STEPS`, or
            ``step`` is outside ``0..total_steps`` (past the end the rate would fall
            below 0.1 and then turn negative).

    """
    check_int("step", step, minimum=0)
    check_int("total_steps", total_steps, minimum=1, maximum=MAX_STEPS)
    if step > total_steps:
        fail(
            "step",
            f"at most total_steps={total_steps} (pass the run's length as total_steps: "
            "past it the rate would turn negative)",
            step,
        )
    return 1.0 - 0.9 * step / total_steps


@dataclass(frozen=True, slots=True)
class TrainingRecord:
    """One logged step, measured *before* that step's update (what micrograd's demo prints).

    Attributes:
        step: The step number, from 0.
        loss: The total loss.
        data_loss: The mean hinge loss.
        reg_loss: The L2 regularization term.
        accuracy: The fraction of (batch) points classified correctly, 0 to 1.
        learning_rate: The learning rate this step's update used; ``nan`` in the
            record of a final model that diverged (step ``steps``, which no
            update follows).

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

    A run attached to an exception (:class:`TrainingDiverged`,
    :class:`TrainingInterrupted`) is *partial*: it holds the steps finished
    before training stopped.

    Attributes:
        initial_model: The model training started from (unchanged).
        history: The logged steps, in order.
        final_model: The model after the last update.
        final_loss: The total loss of ``final_model`` on the whole dataset. In a
            partial run: for :class:`TrainingDiverged` the non-finite loss of the
            diverging step; for :class:`TrainingInterrupted` ``nan``, because
            ``final_model`` was not measured.
        final_accuracy: The accuracy of ``final_model`` on the whole dataset
            (0 to 1), or, in a partial run, as for ``final_loss``.

    """

    initial_model: M
    history: tuple[TrainingRecord, ...]
    final_model: M
    final_loss: float
    final_accuracy: float


class TrainingDiverged(ArithmeticError):
    """A score or the loss became infinite or NaN during :func:`train`.

    The diverging step's record is logged (and passed to the callback) before
    this is raised.

    Attributes:
        step: The step at which a score or the loss was first not finite
            (``steps`` if it was the final model's).
        loss: That step's total loss (possibly finite when only a score was not).
        run: The partial :class:`TrainingRun`: history up to and including that
            step, and as ``final_model`` the model that produced the bad numbers.
        last_finite_model: The last model whose scores and loss were all finite
            (the model before the diverging update), to resume from with a
            smaller learning rate; ``None`` if the starting model already diverged.

    """

    def __init__(
        self, step: int, loss: float, run: TrainingRun[Any], last_finite_model: Module | None
    ) -> None:
        super().__init__(
            f"training diverged at step {step}: the loss is {loss!r} or a score is not "
            "finite; try a smaller learning rate, resuming from .last_finite_model "
            "(the partial run is attached as .run)"
        )
        self.step = step
        self.loss = loss
        self.run = run
        self.last_finite_model = last_finite_model

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle and copy support: rebuilt from the same four attributes, notes included."""
        args = (self.step, self.loss, self.run, self.last_finite_model)
        return (type(self), args, vars(self))


class TrainingInterrupted(BaseException):
    """Training stopped early; the finished steps are kept in :attr:`run`.

    Never raised itself; :func:`train` raises one of its two subclasses, so that
    ``except TrainingInterrupted`` catches every early stop:

    * :class:`TrainingFailed` (also an ``Exception``): the callback or the
      learning-rate function raised, or the schedule returned a bad rate. It is
      raised ``from`` the original error (``error.__cause__``).
    * :class:`TrainingCancelled` (also a ``KeyboardInterrupt``): Ctrl-C. Being a
      ``KeyboardInterrupt`` and not an ``Exception``, it is not swallowed by
      ``except Exception`` and still stops a script or a notebook cell.

    Attributes:
        step: The step that was running when training stopped.
        run: The partial :class:`TrainingRun`: every record logged before the
            stop, and as ``final_model`` the model after the last finished update
            (its ``final_loss`` and ``final_accuracy`` are ``nan``: not measured).

    """

    def __init__(self, step: int, run: TrainingRun[Any], reason: str = "") -> None:
        message = f"training stopped at step {step}"
        super().__init__(
            f"{message}: {reason} (the partial run is attached as .run)"
            if reason
            else f"{message} (the partial run is attached as .run)"
        )
        self.step = step
        self.run = run
        self.reason = reason

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle and copy support: rebuilt from ``step``, ``run`` and ``reason``, notes included."""
        return (type(self), (self.step, self.run, self.reason), vars(self))


class TrainingFailed(TrainingInterrupted, Exception):
    """The callback or the learning-rate function raised during :func:`train`.

    Raised ``from`` the original error. See :class:`TrainingInterrupted` for the
    attributes.
    """


class InvalidLearningRate(TrainingFailed, ValueError):
    """The learning-rate function returned a negative, NaN or infinite rate.

    Both a :class:`TrainingFailed` (with the partial run) and a ``ValueError``.
    """


class TrainingCancelled(TrainingInterrupted, KeyboardInterrupt):
    """Ctrl-C (``KeyboardInterrupt``) during :func:`train`, with the partial run attached.

    A ``KeyboardInterrupt``, so ``except Exception`` does not swallow it. See
    :class:`TrainingInterrupted` for the attributes.
    """


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


def _is_valid_rate(rate: float) -> bool:
    """True for a number from 0 to the largest float (not NaN, inf or a huge int)."""
    return 0 <= rate <= sys.float_info.max


def _check_constant_rate(learning_rate: object) -> None:
    if learning_rate is None or callable(learning_rate):
        return
    if not is_number(learning_rate):
        fail(
            "learning_rate",
            "a number, a function of the step returning one, or None",
            learning_rate,
            TypeError,
        )
    check_real("learning_rate", learning_rate, minimum=0.0)


def _check_arguments(
    model: object,
    dataset: object,
    learning_rate: object,
    batch_size: object,
    seed: object,
    callback: object,
) -> None:
    """The argument checks of :func:`train`, all made before step 0."""
    if not isinstance(model, Module):
        fail("model", "a micrograd.nn model (Neuron, Layer, MLP, Unfused)", model, TypeError)
    data = check_instance("dataset", dataset, Dataset, "a Dataset")
    _check_constant_rate(learning_rate)
    if batch_size is not None:
        check_int("batch_size", batch_size, minimum=1, maximum=len(data))
    make_rng(seed)  # only to check it, before step 0
    if callback is not None and not callable(callback):
        fail("callback", "a function taking a TrainingRecord, or None", callback, TypeError)


def _is_finite(result: LossResult) -> bool:
    """True if the loss and every score behind it are finite numbers."""
    isfinite = math.isfinite
    return isfinite(result.total_loss.data) and all(map(isfinite, result.scores))


class _Progress(Generic[M]):
    """What :func:`train` has done so far, so that any early stop can hand it back."""

    __slots__ = ("callback", "current", "history", "initial", "last_finite", "step", "watch")

    def __init__(
        self,
        initial: M,
        callback: Callable[[TrainingRecord], object] | None,
        watch: Callable[[TrainingRecord, M], object] | None,
    ) -> None:
        self.initial = initial
        self.callback = callback
        self.watch = watch
        self.current = initial
        self.last_finite: M | None = None
        self.history: list[TrainingRecord] = []
        self.step = 0

    def run(self, final_loss: float = math.nan, final_accuracy: float = math.nan) -> TrainingRun[M]:
        """The run so far; an unmeasured ``final_model`` gets ``nan`` loss and accuracy."""
        return TrainingRun(
            self.initial, tuple(self.history), self.current, final_loss, final_accuracy
        )

    def rate(self, learning_rate: Callable[[int], float]) -> float:
        """The checked rate of the current step from a schedule."""
        step = self.step
        try:
            rate = learning_rate(step)
        except Exception as error:
            raise TrainingFailed(
                step, self.run(), f"the learning-rate function raised {error!r}"
            ) from error
        if not is_number(rate):
            reason = f"the learning rate for step {step} must be a number, got {shown(rate)}"
            raise TrainingFailed(step, self.run(), reason) from TypeError(reason)
        if not _is_valid_rate(rate):
            raise InvalidLearningRate(
                step,
                self.run(),
                f"the learning rate for step {step} is {rate!r}; it must be a finite number >= 0",
            )
        return float(rate)

    def log(self, record: TrainingRecord) -> None:
        """Keep ``record`` and hand it to ``callback``, and with the current model to ``watch``."""
        self.history.append(record)
        name = "callback"
        try:
            if self.callback is not None:
                self.callback(record)
            if self.watch is not None:
                name = "watch function"
                self.watch(record, self.current)
        except Exception as error:
            raise TrainingFailed(record.step, self.run(), f"the {name} raised {error!r}") from error

    def diverged(self, record: TrainingRecord) -> TrainingDiverged:
        """Log ``record`` (a non-finite score or loss of the current model); the error to raise."""
        self.log(record)
        run = self.run(record.loss, record.accuracy)
        return TrainingDiverged(self.step, record.loss, run, self.last_finite)


def _record(step: int, result: LossResult, rate: float) -> TrainingRecord:
    return TrainingRecord(
        step, result.total_loss.data, result.data_loss.data, result.reg_loss.data,
        result.accuracy, rate,
    )  # fmt: skip


def _schedule(learning_rate: LearningRate | None, steps: int) -> Callable[[int], float]:
    if learning_rate is None:
        total = max(steps, 1)
        return lambda step: official_micrograd_learning_rate(step, total)
    if callable(learning_rate):
        return learning_rate
    constant = float(learning_rate)
    return lambda _step: constant


@_cyclic_gc_paused()
def train(
    model: M,
    dataset: Dataset,
    steps: int = 100,
    alpha: float = 1e-4,
    learning_rate: LearningRate | None = None,
    batch_size: int | None = None,
    seed: int | None = None,
    log_every: int = 1,
    callback: Callable[[TrainingRecord], object] | None = None,
    *,
    watch: Callable[[TrainingRecord, M], object] | None = None,
    progress: bool = False,
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
        learning_rate: A number, or a function of the step returning one. The
            default ``None`` is :func:`official_micrograd_learning_rate` with
            ``total_steps=steps``: 1.0 falling linearly towards 0.1 over the run.
        batch_size: If set, each step uses this many points sampled without
            replacement (from :func:`micrograd.seeding.make_rng`); ``None`` uses
            every point.
        seed: Seed for minibatch sampling.
        log_every: Record (and report to ``callback``) every ``log_every``-th step.
        callback: Called with each :class:`TrainingRecord` as it is logged.
        watch: Called with each logged record and the model that record
            measured (the model before that step's update), for example to keep
            intermediate models for an animation
            (:func:`micrograd.plots.animate_training` does). Keyword only; when
            ``None`` (the default) training does no extra work.
        progress: Show progress while training: a bar that updates in place
            (from ``tqdm.auto`` if tqdm is installed, the ``progress`` extra), or
            else a line refreshed in a terminal and a few plain lines elsewhere.
            See :class:`micrograd.progress.TrainingProgress`.

    Raises:
        TypeError: If an argument has the wrong type (all checked before step 0).
        ValueError: If ``steps`` is not between 0 and :data:`MAX_STEPS`,
            ``log_every < 1``, ``batch_size`` is not between 1 and
            ``len(dataset)``, or a constant ``learning_rate`` is negative, NaN or
            infinite.
        TrainingDiverged: If a score or the loss becomes infinite or NaN.
        TrainingFailed: If the callback or the learning-rate function raises,
            or the function returns a bad rate (then :class:`InvalidLearningRate`,
            also a ``ValueError``).
        TrainingCancelled: On Ctrl-C (a ``KeyboardInterrupt``).

    Every exception raised after step 0 has begun carries the partial run as ``.run``.

    Examples:
        >>> from micrograd.datasets import moons
        >>> from micrograd.nn import MLP
        >>> from micrograd.trainer import train
        >>> model = MLP(2, [8, 1], seed=1)
        >>> run = train(model, moons(20, noise=0.1, seed=0), steps=20)
        >>> len(run.history), run.history[0].accuracy, run.final_accuracy
        (20, 0.85, 0.9)
        >>> run.initial_model is model  # training returns new models
        True

    """
    _check_arguments(model, dataset, learning_rate, batch_size, seed, callback)
    check_int("steps", steps, minimum=0, maximum=MAX_STEPS)
    check_int("log_every", log_every, minimum=1)
    check_real("alpha", alpha, minimum=0.0)
    if watch is not None and not callable(watch):
        fail("watch", "a function taking a TrainingRecord and a model (or None)", watch, TypeError)
    check_instance("progress", progress, bool, "True or False")
    rate_at = _schedule(learning_rate, steps)
    display = TrainingProgress(steps) if progress else None
    if display is not None:
        callback = display.wrap(callback)
    state = _Progress(model, callback, watch)
    try:
        return _loop(state, dataset, steps, alpha, rate_at, batch_size, seed, log_every)
    except KeyboardInterrupt as error:
        # a nested train() (in a callback) raises its own TrainingCancelled with its own
        # run: this run is wrapped around it, and the inner one stays as __cause__
        reason = "Ctrl-C in a nested train()" if isinstance(error, TrainingCancelled) else "Ctrl-C"
        raise TrainingCancelled(state.step, state.run(), reason) from error
    finally:
        if display is not None:
            display.close()


def _loop(
    progress: _Progress[M],
    dataset: Dataset,
    steps: int,
    alpha: float,
    rate_at: Callable[[int], float],
    batch_size: int | None,
    seed: int | None,
    log_every: int,
) -> TrainingRun[M]:
    """The steps of :func:`train`, recording everything in ``progress``."""
    rng = make_rng(seed)
    xs, ys = dataset.xs, dataset.ys
    for step in range(steps):
        progress.step = step
        rate = progress.rate(rate_at)
        if batch_size is not None:
            picked = rng.sample(range(len(dataset)), batch_size)
            xs = tuple(dataset.xs[i] for i in picked)
            ys = tuple(dataset.ys[i] for i in picked)
        result = max_margin(progress.current, xs, ys, alpha)
        record = _record(step, result, rate)
        if not _is_finite(result):
            raise progress.diverged(record)
        if step % log_every == 0:
            progress.log(record)
        progress.last_finite = progress.current
        # unchecked update: a non-finite parameter surfaces as TrainingDiverged next step
        grads = result.total_loss.backward()
        progress.current = progress.current._descend(grads, rate)  # noqa: SLF001

    progress.step = steps
    final = max_margin(progress.current, dataset.xs, dataset.ys, alpha)
    if not _is_finite(final):
        # logged like any diverging step; no update follows, so it has no learning rate
        raise progress.diverged(_record(steps, final, math.nan))
    return progress.run(final.total_loss.data, final.accuracy)
