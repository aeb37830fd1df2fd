from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from micrograd import Value, progress
from micrograd.datasets import Dataset, make_moons, moons
from micrograd.losses import max_margin
from micrograd.nn import MLP, Neuron
from micrograd.trainer import (
    InvalidLearningRate,
    TrainingCancelled,
    TrainingDiverged,
    TrainingFailed,
    TrainingInterrupted,
    TrainingRecord,
    TrainingRun,
    official_micrograd_learning_rate,
    train,
)
from tests.helpers import Tagged, clones, demo_log, pickled


def test_official_schedule() -> None:
    assert official_micrograd_learning_rate(0) == 1.0
    assert official_micrograd_learning_rate(50) == pytest.approx(0.55)
    assert official_micrograd_learning_rate(99) == pytest.approx(0.109)
    assert official_micrograd_learning_rate(150, total_steps=300) == pytest.approx(0.55)
    assert official_micrograd_learning_rate(300, total_steps=300) == pytest.approx(0.1)


@given(st.integers(1, 10_000), st.data())
def test_official_schedule_never_goes_negative(total: int, data: st.DataObject) -> None:
    step = data.draw(st.integers(0, total))
    assert 0.1 - 1e-12 <= official_micrograd_learning_rate(step, total) <= 1.0


def test_official_schedule_refuses_steps_past_its_end() -> None:
    with pytest.raises(
        ValueError,
        match=r"step must be at most total_steps=100 \(pass the run's length as total_steps: past it the rate would turn negative\), got",
    ):
        official_micrograd_learning_rate(112)
    with pytest.raises(ValueError, match=r"step must be an int at least 0, got \-1"):
        official_micrograd_learning_rate(-1)
    with pytest.raises(
        ValueError, match="total_steps must be an int from 1 to 9007199254740992, got 0"
    ):
        official_micrograd_learning_rate(0, total_steps=0)


def test_the_default_schedule_spans_the_run() -> None:
    dataset = moons(12, noise=0.1, seed=0)
    run = train(MLP(2, [2, 1], seed=0), dataset, steps=300, log_every=100)
    rates = [r.learning_rate for r in run.history]
    assert rates == [1.0, pytest.approx(0.7), pytest.approx(0.4)]
    assert all(r.learning_rate > 0 for r in run.history)


@pytest.mark.parametrize("rate", [-0.5, math.nan, math.inf])
def test_train_rejects_a_bad_constant_rate(rate: float) -> None:
    with pytest.raises(
        ValueError, match=rf"learning_rate must be a finite number at least 0\.0, got {rate}"
    ):
        train(MLP(2, [2, 1], seed=0), moons(10, seed=0), steps=2, learning_rate=rate)


@pytest.mark.parametrize("rate", [-0.5, math.nan, -math.inf])
def test_train_rejects_a_bad_scheduled_rate_and_keeps_the_run(rate: float) -> None:
    schedule = lambda step: 0.1 if step < 3 else rate
    with pytest.raises(ValueError, match=rf"learning rate for step 3 is {rate}") as info:
        train(MLP(2, [2, 1], seed=0), moons(10, seed=0), steps=5, learning_rate=schedule)
    error = info.value
    assert isinstance(error, InvalidLearningRate)
    assert isinstance(error, TrainingFailed)
    assert error.step == 3
    assert [r.step for r in error.run.history] == [0, 1, 2]


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
    with pytest.raises(ValueError, match=r"alpha must be a finite number at least 0\.0, got"):
        max_margin(model, [[0.0, 0.0]], [1.0], alpha=-1.0)
    with pytest.raises(
        TypeError, match=r"alpha must be a real number \(int or float\), got str 'big'"
    ):
        max_margin(model, [[0.0, 0.0]], [1.0], alpha="big")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="one output, got 2 outputs"):
        max_margin(MLP(2, [2], seed=0), [[0.0, 0.0]], [1.0])


def test_official_demo_reproduces_micrograds_recorded_log() -> None:
    """Micrograd's demo.ipynb: every line it printed, step 0 exactly, the rest to 1e-12.

    micrograd sums each node's gradient in an order that follows memory
    addresses (a set of children), so its own runs differ in the last digit;
    step 0 involves no gradient and must be exact.
    """
    recorded = [(int(step), float(loss), float(accuracy)) for step, loss, accuracy in demo_log()]
    assert [step for step, _, _ in recorded] == list(range(100))
    dataset = make_moons(100, noise=0.1, random_state=1337)
    model = MLP(2, [16, 16, 1], seed=1337)
    run = train(model, dataset)  # the official 100 steps and schedule
    assert run.history[0].loss == recorded[0][1] == 0.8958441028683222
    for record, (step, loss, accuracy) in zip(run.history, recorded, strict=True):
        assert record.step == step
        assert math.isclose(record.loss, loss, rel_tol=1e-12), step
        assert record.accuracy * 100 == accuracy, step
    assert run.final_accuracy == 1.0
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
    assert error.loss == run.history[-1].loss
    last = error.last_finite_model
    assert last is not None
    assert math.isfinite(max_margin(last, dataset.xs, dataset.ys).total_loss.data)
    before_last = train(model, dataset, steps=error.step - 1, learning_rate=1e6)
    assert last.parameters()[0].data == before_last.final_model.parameters()[0].data


def test_the_diverging_record_reaches_the_callback() -> None:
    seen: list[TrainingRecord] = []
    with pytest.raises(TrainingDiverged) as info:
        train(
            MLP(2, [8, 1], seed=0),
            moons(20, noise=0.1, seed=0),
            steps=50,
            learning_rate=1e6,
            log_every=1000,
            callback=seen.append,
        )
    assert seen[-1].step == info.value.step
    assert seen == list(info.value.run.history)


def test_a_non_finite_score_is_divergence_even_when_the_loss_is_finite() -> None:
    # score 1e10 * 1e300 = inf on +1 points: each hinge relu(1 - inf) is 0, the loss 0
    wide = Neuron(2, nonlin=False).with_parameters([1e10, 0.0, 0.0])
    dataset = Dataset(((1e300, 0.0), (2e300, 0.0)), (1.0, 1.0))
    assert max_margin(wide, dataset.xs, dataset.ys, alpha=0.0).total_loss.data == 0.0
    with pytest.raises(TrainingDiverged, match="diverged at step 0") as info:
        train(wide, dataset, steps=3, alpha=0.0, learning_rate=0.1)
    assert info.value.last_finite_model is None
    assert info.value.loss == 0.0


def test_ctrl_c_keeps_the_partial_run() -> None:
    def press_ctrl_c(record: TrainingRecord) -> None:
        if record.step == 2:
            raise KeyboardInterrupt

    with pytest.raises(TrainingCancelled) as info:
        train(MLP(2, [2, 1], seed=0), moons(10, seed=0), steps=5, callback=press_ctrl_c)
    error = info.value
    assert isinstance(error, KeyboardInterrupt)
    assert not isinstance(error, Exception)  # `except Exception` does not swallow Ctrl-C
    assert isinstance(error, TrainingInterrupted)
    assert isinstance(error.__cause__, KeyboardInterrupt)
    assert error.step == 2
    assert [r.step for r in error.run.history] == [0, 1, 2]
    assert math.isnan(error.run.final_loss)


def test_a_failing_callback_keeps_the_partial_run() -> None:
    def fail(record: TrainingRecord) -> None:
        if record.step == 1:
            raise RuntimeError("disk full")

    with pytest.raises(TrainingFailed, match="the callback raised RuntimeError") as info:
        train(MLP(2, [2, 1], seed=0), moons(10, seed=0), steps=5, callback=fail)
    error = info.value
    assert isinstance(error, Exception)
    assert isinstance(error.__cause__, RuntimeError)
    assert error.step == 1
    assert [r.step for r in error.run.history] == [0, 1]


def test_a_failing_schedule_keeps_the_partial_run() -> None:
    def schedule(step: int) -> float:
        return [0.1, 0.1][step]

    with pytest.raises(TrainingFailed, match="learning-rate function raised IndexError") as info:
        train(MLP(2, [2, 1], seed=0), moons(10, seed=0), steps=5, learning_rate=schedule)
    assert isinstance(info.value.__cause__, IndexError)
    assert info.value.step == 2
    assert len(info.value.run.history) == 2
    assert info.value.run.final_model is not info.value.run.initial_model


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"learning_rate": "fast"}, TypeError, "learning_rate must be a number, a function"),
        ({"learning_rate": True}, TypeError, "learning_rate must be a number, a function"),
        ({"learning_rate": lambda k: "x"}, TrainingFailed, "rate for step 0 must be a number"),
        ({"callback": 5}, TypeError, "callback must be a function"),
        ({"model": "mlp"}, TypeError, "model must be a micrograd.nn model"),
        ({"steps": -1}, ValueError, r"steps must be an int from 0 to 9007199254740992, got \-1"),
        ({"steps": 2.5}, TypeError, "steps must be an int"),
        (
            {"steps": 10**400},
            ValueError,
            "steps must be an int from 0 to 9007199254740992, got an int of 1329 bits",
        ),
        (
            {"steps": 2**53 + 1},
            ValueError,
            "steps must be an int from 0 to 9007199254740992, got 9007199254740993",
        ),
        ({"log_every": 0}, ValueError, "log_every must be an int at least 1, got 0"),
        ({"batch_size": 0}, ValueError, "batch_size must be an int from 1 to 10, got 0"),
        ({"batch_size": 11}, ValueError, "batch_size must be an int from 1 to 10, got 11"),
        ({"seed": "s"}, TypeError, "seed must be an int"),
        ({"alpha": -1.0}, ValueError, "alpha must be"),
    ],
)
def test_train_rejects_bad_arguments(
    kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    arguments: dict[str, object] = {"model": MLP(2, [2, 1], seed=0), "steps": 2, **kwargs}
    with pytest.raises(error, match=message):
        train(dataset=moons(10, seed=0), **arguments)  # type: ignore[arg-type]


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


def _nan_scoring_model() -> MLP:
    # 1e10 * 1e300 - 1e10 * 1e300 = inf - inf = nan for the points below, while the
    # squared weights (1e20) stay finite: NaN comes from the scores alone
    return MLP(2, [1], seed=0).with_parameters([1e10, -1e10, 0.0])


NAN_POINTS = Dataset(((1e300, 1e300), (2e300, 2e300)), (-1.0, 1.0))


def test_nan_scores_are_divergence_not_a_perfect_loss() -> None:
    model = _nan_scoring_model()
    assert math.isnan(model([1e300, 1e300]).data)  # type: ignore[union-attr]
    assert math.isfinite(max_margin(model, NAN_POINTS.xs, NAN_POINTS.ys, alpha=0.0).reg_loss.data)
    with pytest.raises(TrainingDiverged, match="diverged at step 0") as info:
        train(model, NAN_POINTS, steps=5, alpha=0.0, learning_rate=0.1)
    assert info.value.run.history[0].accuracy == 0.0


def test_a_nan_score_is_never_counted_as_correct() -> None:
    result = max_margin(_nan_scoring_model(), NAN_POINTS.xs, NAN_POINTS.ys, alpha=0.0)
    assert result.accuracy == 0.0
    assert all(math.isnan(s) for s in result.scores)


@pytest.mark.parametrize(
    ("ys", "message"),
    [
        ([0, 1], r"ys\[0\] must be \-1 or 1 \(0/1 labels must be mapped with y \* 2 \- 1\), got 0"),
        (
            [1.0, 0.0],
            r"ys\[1\] must be \-1 or 1 \(0/1 labels must be mapped with y \* 2 \- 1\), got 0\.0",
        ),
        (
            [2, -2],
            r"ys\[0\] must be \-1 or 1 \(0/1 labels must be mapped with y \* 2 \- 1\), got 2",
        ),
        (
            [True, False],
            r"ys\[0\] must be \-1 or 1 \(0/1 labels must be mapped with y \* 2 \- 1\), got True",
        ),
        (
            ["1", "-1"],
            r"ys\[0\] must be \-1 or 1 \(0/1 labels must be mapped with y \* 2 \- 1\), got str '1'",
        ),
        (
            [None, 1],
            r"ys\[0\] must be \-1 or 1 \(0/1 labels must be mapped with y \* 2 \- 1\), got None",
        ),
    ],
)
def test_max_margin_accepts_only_minus_one_and_one(ys: list[object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        max_margin(MLP(2, [1], seed=0), [(0.0, 0.0), (1.0, 1.0)], ys)  # type: ignore[arg-type]


def test_max_margin_checks_its_model_and_sequences() -> None:
    with pytest.raises(TypeError, match=r"model must be a micrograd\.nn model, got str"):
        max_margin("model", [(0.0, 0.0)], [1.0])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"ys must be a sequence, got 1\.0"):
        max_margin(MLP(2, [1], seed=0), [(0.0, 0.0)], 1.0)  # type: ignore[arg-type]


def _parameters(model: object) -> list[float]:
    return [p.data for p in model.parameters()]  # type: ignore[attr-defined]


def test_runs_pickle_and_copy_with_equal_parameters_and_history() -> None:
    run = train(MLP(2, [3, 1], seed=0), moons(10, seed=0), steps=3)
    for again in clones(run):
        assert isinstance(again, TrainingRun)
        assert again.history == run.history
        assert (again.final_loss, again.final_accuracy) == (run.final_loss, run.final_accuracy)
        assert _parameters(again.final_model) == _parameters(run.final_model)
        assert _parameters(again.initial_model) == _parameters(run.initial_model)


def test_training_errors_pickle_and_copy_with_their_runs() -> None:
    with pytest.raises(TrainingDiverged) as diverged:
        train(MLP(2, [8, 1], seed=0), moons(20, noise=0.1, seed=0), steps=50, learning_rate=1e6)

    def fail(record: TrainingRecord) -> None:
        raise KeyboardInterrupt

    with pytest.raises(TrainingCancelled) as cancelled:
        train(MLP(2, [2, 1], seed=0), moons(10, seed=0), steps=3, callback=fail)
    with pytest.raises(TrainingFailed) as failed:
        train(MLP(2, [2, 1], seed=0), moons(10, seed=0), steps=3, learning_rate=lambda k: 1 / 0)
    for error in (diverged.value, cancelled.value, failed.value):
        for again in clones(error):
            assert type(again) is type(error)
            assert str(again) == str(error)
            assert again.step == error.step  # type: ignore[attr-defined]
            assert again.run.history == error.run.history  # type: ignore[attr-defined]
            assert _parameters(again.run.final_model) == _parameters(error.run.final_model)  # type: ignore[attr-defined]
    again = pickled(diverged.value)
    assert _parameters(again.last_finite_model) == _parameters(diverged.value.last_finite_model)


HUGE = 10**400  # an int no float can hold: float(HUGE) raises OverflowError


def test_numbers_beyond_the_float_range_are_value_errors() -> None:
    model, dataset = MLP(2, [2, 1], seed=0), moons(10, seed=0)
    with pytest.raises(
        ValueError,
        match=r"learning_rate must be a finite number at least 0\.0, got an int of 1329 bits",
    ):
        train(model, dataset, steps=1, learning_rate=HUGE)
    with pytest.raises(InvalidLearningRate, match="learning rate for step 0 is 1000"):
        train(model, dataset, steps=1, learning_rate=lambda k: HUGE)
    with pytest.raises(ValueError, match=r"alpha must be a finite number at least 0\.0, got"):
        train(model, dataset, steps=1, alpha=HUGE)
    grads = max_margin(model, dataset.xs, dataset.ys).total_loss.backward()
    with pytest.raises(
        ValueError,
        match="learning_rate must be a finite number within the float range, got an int of 1329 bits",
    ):
        model.apply_gradients(grads, -HUGE)


def test_the_schedule_refuses_lengths_beyond_exact_floats() -> None:
    """A run longer than 2**53 steps is refused up front, not by an OverflowError later."""
    assert official_micrograd_learning_rate(2**53, 2**53) == pytest.approx(0.1)
    for total in (2**53 + 1, 10**400, 10**5000):
        with pytest.raises(
            ValueError, match="total_steps must be an int from 1 to 9007199254740992, got"
        ):
            official_micrograd_learning_rate(0, total)


def test_huge_step_numbers_get_the_librarys_own_message() -> None:
    with pytest.raises(
        ValueError,
        match=r"step must be at most total_steps=5 \(pass the run's length as total_steps: past it the rate would turn negative\), got",
    ):
        official_micrograd_learning_rate(10**5000, 5)
    with pytest.raises(
        ValueError, match="step must be an int at least 0, got an int of 16610 bits"
    ):
        official_micrograd_learning_rate(-(10**5000), 5)
    with pytest.raises(ValueError, match="log_every must be an int at least 1, got an int of"):
        train(MLP(2, [1], seed=0), moons(10, seed=0), log_every=-(10**5000))


def test_a_diverging_final_model_is_logged_and_reported_to_the_callback() -> None:
    """The last update can be the one that overflows: its record is logged as step ``steps``."""
    seen: list[TrainingRecord] = []
    with pytest.raises(TrainingDiverged) as info:
        train(
            MLP(2, [4, 4, 1], seed=7),
            moons(24, noise=0.1, seed=3),
            steps=6,
            learning_rate=1e9,
            callback=seen.append,
        )
    error = info.value
    assert error.step == 6
    assert error.run.history[-1].step == 6
    assert seen[-1] == error.run.history[-1]
    assert not math.isfinite(seen[-1].loss)
    assert math.isnan(seen[-1].learning_rate)  # no update follows the final model
    assert [r.step for r in error.run.history] == list(range(7))


def test_ctrl_c_in_a_nested_train_keeps_the_outer_run() -> None:
    outer_model, outer_data = MLP(2, [3, 1], seed=1), moons(12, seed=1)

    def press_ctrl_c(record: TrainingRecord) -> None:
        if record.step == 1:
            raise KeyboardInterrupt

    def train_inside(record: TrainingRecord) -> None:
        if record.step == 2:
            train(MLP(2, [2, 1], seed=0), moons(10, seed=0), steps=5, callback=press_ctrl_c)

    with pytest.raises(TrainingCancelled) as info:
        train(outer_model, outer_data, steps=5, callback=train_inside)
    error = info.value
    assert error.run.initial_model is outer_model
    assert error.step == 2
    assert [r.step for r in error.run.history] == [0, 1, 2]
    inner = error.__cause__
    assert isinstance(inner, TrainingCancelled)
    assert [r.step for r in inner.run.history] == [0, 1]
    assert "nested" in str(error)


def test_watch_sees_each_logged_record_with_the_model_it_measured() -> None:
    model, dataset = MLP(2, [3, 1], seed=0), moons(12, seed=0)
    watched: list[tuple[TrainingRecord, MLP]] = []
    run = train(model, dataset, steps=6, log_every=2, watch=lambda r, m: watched.append((r, m)))
    assert [r for r, _ in watched] == list(run.history)
    assert watched[0][1] is model
    for record, seen in watched:
        assert max_margin(seen, dataset.xs, dataset.ys).total_loss.data == record.loss
    assert train(model, dataset, steps=6, log_every=2).history == run.history


def test_a_failing_watch_is_a_training_failure_and_bad_watch_or_progress_are_refused() -> None:
    def fail(record: TrainingRecord, model: object) -> None:
        raise RuntimeError("no room")

    model, dataset = MLP(2, [2, 1], seed=0), moons(10, seed=0)
    with pytest.raises(TrainingFailed, match="the watch function raised") as info:
        train(model, dataset, steps=3, watch=fail)
    assert len(info.value.run.history) == 1
    with pytest.raises(TypeError, match="watch must be a function"):
        train(model, dataset, steps=3, watch=5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="progress must be True or False"):
        train(model, dataset, steps=3, progress="yes")  # type: ignore[arg-type]


def test_progress_prints_a_few_lines_and_changes_nothing(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(progress, "_load_tqdm", lambda: None)  # as without the extra
    model, dataset = MLP(2, [3, 1], seed=0), moons(12, seed=0)
    shown = train(model, dataset, steps=30, progress=True)
    lines = capsys.readouterr().err.splitlines()
    assert 5 <= len(lines) <= 11
    assert lines[0].startswith("step 0/30: loss ")
    assert lines[-1].startswith("step 29/30: loss ")
    assert shown.history == train(model, dataset, steps=30).history
    assert capsys.readouterr().err == ""


def test_training_errors_keep_their_notes_when_pickled_or_copied() -> None:
    with pytest.raises(TrainingDiverged) as caught:
        train(MLP(2, [4, 1], seed=0), moons(20, noise=0.1, seed=0), steps=50, learning_rate=1e6)
    diverged = caught.value
    diverged.add_note("learning rate 1e6")
    interrupted = TrainingFailed(3, diverged.run, "the callback raised")
    interrupted.add_note("in a worker")
    for error in (diverged, interrupted):
        for again in clones(error):
            assert type(again) is type(error)
            assert again.__notes__ == error.__notes__
            assert str(again) == str(error)
            assert again.run.history == error.run.history


def test_training_keeps_a_model_subclass() -> None:
    run = train(Tagged(2, [3, 1], seed=0), moons(12, noise=0.1, seed=0), steps=2)
    assert type(run.final_model) is Tagged
    with pytest.raises(TrainingDiverged) as caught:
        train(Tagged(2, [4, 1], seed=0), moons(20, noise=0.1, seed=0), steps=50, learning_rate=1e6)
    assert type(caught.value.last_finite_model) is Tagged
    assert type(caught.value.run.final_model) is Tagged
