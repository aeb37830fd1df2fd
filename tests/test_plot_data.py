from __future__ import annotations

import math
from collections.abc import Callable

import pytest

from micrograd import plot_data
from micrograd.datasets import Dataset, moons
from micrograd.nn import MLP
from micrograd.plot_data import (
    accuracy_history,
    crossover_step,
    dataset_points,
    decision_boundary,
    frame_steps,
    grid_axes,
    loss_history,
    training_frames,
    training_history,
)
from micrograd.trainer import train
from tests.helpers import nan_scoring_model


def test_rows_from_a_run() -> None:
    dataset = moons(20, noise=0.1, seed=0)
    run = train(MLP(2, [4, 1], seed=0), dataset, steps=3, learning_rate=0.1)
    history = training_history(run)
    assert list(history[0]) == [
        "step",
        "loss",
        "data_loss",
        "reg_loss",
        "accuracy",
        "learning_rate",
    ]
    losses = loss_history(run)
    assert len(losses) == 9
    assert [r["metric"] for r in losses[:3]] == ["total", "data", "regularization"]
    assert losses[1]["value"] == run.history[0].data_loss
    accuracy = accuracy_history(run)
    assert accuracy[0] == {"step": 0, "value": run.history[0].accuracy * 100}
    assert dataset_points(dataset) == dataset.points


def test_decision_boundary_grid_matches_numpy_arange_and_the_model() -> None:
    dataset = Dataset.from_points([(0, 0), (1, 0.5)], [-1, 1])
    xs, ys = grid_axes(dataset, h=0.5, padding=1.0)
    assert xs == [-1.0, -0.5, 0.0, 0.5, 1.0, 1.5]  # numpy.arange(-1, 2, 0.5)
    assert ys == [-1.0, -0.5, 0.0, 0.5, 1.0]  # numpy.arange(-1, 1.5, 0.5)
    model = MLP(2, [3, 1], seed=2)
    rows = decision_boundary(model, dataset, h=0.5)
    assert len(rows) == 30
    assert (rows[1]["x"], rows[1]["y"]) == (-0.5, -1.0)  # x varies fastest
    for row in rows:
        score = model((row["x"], row["y"])).data  # type: ignore[union-attr]
        assert row["score"] == score
        assert row["predicted"] == (1.0 if score > 0 else -1.0)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"h": 0}, ValueError, r"h must be a finite number above 0\.0, got"),
        ({"h": -0.1}, ValueError, r"h must be a finite number above 0\.0, got"),
        ({"h": float("nan")}, ValueError, "h must be"),
        ({"h": "0.1"}, TypeError, r"h must be a real number \(int or float\), got str '0\.1'"),
        ({"h": 0.001}, ValueError, "more than the 1,000,000 allowed; use a larger h"),
        (
            {"padding": -1.0},
            ValueError,
            r"padding must be a finite number at least 0\.0, got \-1\.0",
        ),
    ],
)
def test_decision_boundary_rejects_bad_grids(
    kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        decision_boundary(MLP(2, [1], seed=0), moons(10), **kwargs)  # type: ignore[arg-type]


def test_decision_boundary_needs_one_output() -> None:
    with pytest.raises(ValueError, match="one output"):
        decision_boundary(MLP(2, [2], seed=0), moons(10), h=1.0)


def test_a_nan_score_predicts_no_class() -> None:
    dataset = Dataset.from_points([(0.0, 0.0), (1.0, 1.0)], [-1, 1])
    model = nan_scoring_model()
    rows = decision_boundary(model, dataset, h=0.5)
    nan_rows = [r for r in rows if math.isnan(r["score"])]
    assert nan_rows  # e.g. at (1.5, 1.5): inf - inf
    assert all(math.isnan(r["predicted"]) for r in nan_rows)
    assert all(r["predicted"] in (-1.0, 1.0) for r in rows if not math.isnan(r["score"]))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"h": 1e-320}, "too many grid points along x .* use a larger h"),
        ({"h": 5e-324}, "too many grid points along x .* use a larger h"),
        ({"padding": 1e308}, "too many grid points along x .* smaller padding"),
        ({"h": 10.0}, r"h=10.0 gives fewer than 2 grid points along x .* use a smaller h"),
        ({"h": 1e308}, r"fewer than 2 grid points along x .* use a smaller h"),
    ],
)
def test_grid_sizes_out_of_range_are_value_errors_naming_h(
    kwargs: dict[str, float], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        grid_axes(moons(10), **kwargs)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: dataset_points([(0.0, 0.0)]),
            r"dataset must be a Dataset \(from moons\(\), spiral\(\), blobs\(\) or from_points\(\)\), got",
        ),
        (
            lambda: grid_axes("moons"),
            r"dataset must be a Dataset \(from moons\(\), spiral\(\), blobs\(\) or from_points\(\)\), got",
        ),
        (
            lambda: training_history(None),
            r"run must be the TrainingRun of train\(\) \(or an error's \.run\), got",
        ),
        (
            lambda: loss_history({}),
            r"run must be the TrainingRun of train\(\) \(or an error's \.run\), got",
        ),
        (
            lambda: accuracy_history([]),
            r"run must be the TrainingRun of train\(\) \(or an error's \.run\), got",
        ),
        (
            lambda: decision_boundary("model", moons(10)),
            r"model must be a micrograd\.nn model \(MLP, Layer, Neuron, Unfused\), got str 'model'",
        ),
    ],
)
def test_row_builders_say_what_they_expected(call: Callable[[], object], message: str) -> None:
    with pytest.raises(TypeError, match=message):
        call()


@pytest.mark.parametrize("kwargs", [{"h": 10**400}, {"padding": 10**400}])
def test_grid_arguments_beyond_the_float_range_are_value_errors(kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError, match="must be a finite number"):
        grid_axes(moons(10), **kwargs)  # type: ignore[arg-type]


def test_frame_steps_spread_from_zero_to_the_final_model() -> None:
    assert frame_steps(100, 21) == list(range(0, 101, 5))
    assert frame_steps(4, 3) == [0, 2, 4]
    assert frame_steps(2, 10) == [0, 1, 2]  # no more frames than steps + 1
    huge = 2**53 + 1  # past float precision: the last frame is still the final model
    assert frame_steps(huge, 2) == [0, huge]
    assert frame_steps(10**400, 3) == [0, 10**400 // 2, 10**400]
    with pytest.raises(ValueError, match="frames must be an int from 2 to 1000"):
        frame_steps(10, 1)
    with pytest.raises(ValueError, match="steps must be an int at least 1"):
        frame_steps(0, 2)
    with pytest.raises(TypeError, match="frames must be an int"):
        frame_steps(10, 2.5)  # type: ignore[arg-type]


def test_training_frames_keep_the_models_at_the_frame_steps() -> None:
    dataset, model = moons(16, noise=0.1, seed=0), MLP(2, [4, 1], seed=0)
    frames = training_frames(model, dataset, steps=6, frames=4, learning_rate=0.1)
    run = train(model, dataset, steps=6, learning_rate=0.1)
    assert [s.step for s in frames.snapshots] == [0, 2, 4, 6]
    assert frames.snapshots[0].model is model
    assert frames.run.history == run.history
    assert frames.diverged_at is None
    for snapshot in frames.snapshots[:-1]:
        assert snapshot.loss == run.history[snapshot.step].loss
    last = frames.snapshots[-1]
    assert (last.loss, last.accuracy) == (run.final_loss, run.final_accuracy)
    with pytest.raises(ValueError, match="options must be train"):
        training_frames(model, dataset, steps=2, log_every=2)


def test_training_frames_stop_where_a_run_diverges() -> None:
    frames = training_frames(
        MLP(2, [4, 4, 1], seed=7),
        moons(24, noise=0.1, seed=3),
        steps=6,
        frames=4,
        learning_rate=1e9,
    )
    assert frames.diverged_at == 6
    assert [s.step for s in frames.snapshots] == [0, 2, 4]


def test_crossover_step_is_where_regularization_takes_over_for_good() -> None:
    run = train(MLP(2, [16, 16, 1], seed=0), moons(20, seed=0), steps=50, alpha=1e-3)
    crossing = crossover_step(run)
    assert crossing is not None
    after = [r for r in run.history if r.step >= crossing]
    assert all(r.data_loss < r.reg_loss for r in after)
    before = run.history[crossing - 1]
    assert before.data_loss >= before.reg_loss
    assert crossover_step(train(MLP(2, [4, 1], seed=0), moons(20, seed=0), steps=2)) is None


def test_runs_to_compare_are_checked() -> None:
    run = train(MLP(2, [2, 1], seed=0), moons(10, seed=0), steps=1)
    with pytest.raises(TypeError, match="each name in runs must be a str"):
        plot_data._check_runs({1: run})
    with pytest.raises(TypeError, match="run must be the TrainingRun"):
        plot_data._check_runs({"a": 1})
