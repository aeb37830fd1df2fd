from __future__ import annotations

import math

import pytest

from micrograd import Value
from micrograd.datasets import moons
from micrograd.losses import max_margin
from micrograd.nn import MLP
from micrograd.trainer import (
    TrainingDiverged,
    TrainingRecord,
    official_micrograd_learning_rate,
    train,
)


def test_official_schedule() -> None:
    assert official_micrograd_learning_rate(0) == 1.0
    assert official_micrograd_learning_rate(50) == pytest.approx(0.55)
    assert official_micrograd_learning_rate(99) == pytest.approx(0.109)


def test_max_margin_by_hand() -> None:
    model = MLP(1, [1], seed=0).with_parameters([2.0, -1.0])  # score = 2x - 1
    xs, ys = [[1.0], [0.0], [2.0]], [1.0, 1.0, -1.0]
    result = max_margin(model, xs, ys, alpha=0.1)
    # scores 1, -1, 3 -> hinge 0, 2, 4 -> mean 2; reg 0.1 * (4 + 1)
    assert result.data_loss.data == pytest.approx(2.0)
    assert result.reg_loss.data == pytest.approx(0.5)
    assert result.total_loss.data == pytest.approx(2.5)
    assert result.accuracy == pytest.approx(1 / 3)
    grads = result.total_loss.backward()
    w, b = model.parameters()
    # d/dw: mean of -y*x over violated points (0 and 2): (0 + 2)/3 ... plus 2*alpha*w
    assert grads[w] == pytest.approx((0.0 + 2.0) / 3 + 0.2 * 2.0)
    assert grads[b] == pytest.approx((-1.0 + 1.0) / 3 + 0.2 * -1.0)


def test_max_margin_rejects_bad_input() -> None:
    model = MLP(2, [1], seed=0)
    with pytest.raises(ValueError, match="same length"):
        max_margin(model, [[0.0, 0.0]], [1.0, -1.0])
    with pytest.raises(ValueError, match="at least one point"):
        max_margin(model, [], [])
    with pytest.raises(ValueError, match="alpha must be a finite number >= 0"):
        max_margin(model, [[0.0, 0.0]], [1.0], alpha=-1.0)
    with pytest.raises(TypeError, match="alpha must be a number"):
        max_margin(model, [[0.0, 0.0]], [1.0], alpha="big")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="one output, got 2 outputs"):
        max_margin(MLP(2, [2], seed=0), [[0.0, 0.0]], [1.0])


def test_official_demo_reaches_full_accuracy() -> None:
    dataset = moons(100, noise=0.1, seed=1337)
    model = MLP(2, [16, 16, 1], seed=1337)
    run = train(model, dataset, steps=100)
    assert len(run.history) == 100
    assert run.final_accuracy == 1.0
    assert max(r.accuracy for r in run.history) == 1.0
    assert run.history[-1].loss < run.history[0].loss / 10
    assert [r.learning_rate for r in run.history[:2]] == [1.0, pytest.approx(0.991)]
    # the initial model is untouched, the final one is new
    assert run.initial_model is model
    assert [p.data for p in model.parameters()] == [
        p.data for p in MLP(2, [16, 16, 1], seed=1337).parameters()
    ]
    final = max_margin(run.final_model, dataset.xs, dataset.ys)
    assert run.final_loss == final.total_loss.data


def test_history_is_measured_before_each_update() -> None:
    dataset = moons(20, noise=0.1, seed=0)
    model = MLP(2, [4, 1], seed=0)
    run = train(model, dataset, steps=2, learning_rate=0.1)
    first = max_margin(model, dataset.xs, dataset.ys)
    assert run.history[0] == TrainingRecord(
        0, first.total_loss.data, first.data_loss.data, first.reg_loss.data, first.accuracy, 0.1
    )
    stepped = model.apply_gradients(first.total_loss.backward(), 0.1)
    assert run.history[1].loss == max_margin(stepped, dataset.xs, dataset.ys).total_loss.data


def test_log_every_callback_and_zero_steps() -> None:
    dataset = moons(20, seed=0)
    seen: list[TrainingRecord] = []
    run = train(MLP(2, [4, 1], seed=0), dataset, steps=10, log_every=3, callback=seen.append)
    assert [r.step for r in run.history] == [0, 3, 6, 9]
    assert list(run.history) == seen
    empty = train(MLP(2, [4, 1], seed=0), dataset, steps=0)
    assert empty.history == ()
    assert empty.final_model is empty.initial_model


def test_minibatches_are_seeded() -> None:
    dataset = moons(40, noise=0.1, seed=0)
    model = MLP(2, [4, 1], seed=0)
    a = train(model, dataset, steps=5, batch_size=8, seed=3, learning_rate=0.1)
    b = train(model, dataset, steps=5, batch_size=8, seed=3, learning_rate=0.1)
    c = train(model, dataset, steps=5, batch_size=8, seed=4, learning_rate=0.1)
    assert a.history == b.history
    assert a.history != c.history


def test_runs_are_immutable() -> None:
    run = train(MLP(2, [2, 1], seed=0), moons(10, seed=0), steps=1)
    with pytest.raises(AttributeError):
        run.final_loss = 0.0  # type: ignore[misc]
    with pytest.raises(AttributeError):
        run.history[0].loss = 0.0  # type: ignore[misc]
    assert isinstance(run.history, tuple)


def test_divergence_raises_with_the_partial_run() -> None:
    dataset = moons(20, noise=0.1, seed=0)
    model = MLP(2, [8, 1], seed=0)
    with pytest.raises(TrainingDiverged, match="diverged at step") as info:
        train(model, dataset, steps=50, learning_rate=1e6)
    error = info.value
    assert isinstance(error, ArithmeticError)
    run = error.run
    assert run.initial_model is model
    assert run.history[-1].step == error.step
    assert not math.isfinite(run.history[-1].loss)
    assert all(math.isfinite(r.loss) for r in run.history[:-1])
    assert len(run.history) == error.step + 1


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"learning_rate": "fast"}, TypeError, "learning_rate must be a number or a function"),
        ({"learning_rate": True}, TypeError, "learning_rate must be a number or a function"),
        ({"learning_rate": lambda k: "x"}, TypeError, "learning rate for step 0 must be a number"),
        ({"steps": -1}, ValueError, "steps must be at least 0"),
        ({"steps": 2.5}, TypeError, "steps must be an int"),
        ({"log_every": 0}, ValueError, "log_every must be at least 1"),
        ({"batch_size": 0}, ValueError, "batch_size must be at least 1"),
        ({"batch_size": 11}, ValueError, "at most the dataset size 10"),
        ({"seed": "s"}, TypeError, "seed must be an int"),
        ({"alpha": -1.0}, ValueError, "alpha must be"),
    ],
)
def test_train_rejects_bad_arguments(
    kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        train(MLP(2, [2, 1], seed=0), moons(10, seed=0), **{"steps": 2, **kwargs})  # type: ignore[arg-type]


def test_train_rejects_a_non_dataset() -> None:
    with pytest.raises(TypeError, match="dataset must be a Dataset"):
        train(MLP(2, [1]), [[0.0, 0.0]])  # type: ignore[arg-type]
    assert isinstance(MLP(2, [1])([0.0, 0.0]), Value)


def test_every_minibatch_is_drawn_from_the_whole_dataset() -> None:
    dataset = moons(40, noise=0.1, seed=0)
    seen: set[tuple[float, float]] = set()

    class Recorder(MLP):
        __slots__ = ()

        def __call__(self, x):  # type: ignore[no-untyped-def, override]
            seen.add(tuple(v.data if isinstance(v, Value) else v for v in x))
            return super().__call__(x)

        def _rebuild(self, values):  # type: ignore[no-untyped-def, override]
            return Recorder._make(MLP._rebuild(self, values).layers)

    model = Recorder._make(MLP(2, [2, 1], seed=0).layers)
    counts: list[int] = []  # distinct points seen by the end of each step's forward pass
    train(
        model,
        dataset,
        steps=20,
        batch_size=4,
        seed=1,
        learning_rate=0.01,
        callback=lambda r: counts.append(len(seen)),
    )
    assert counts[-1] > 20  # 20 batches of 4 from 40 points reach far more than 4 points
