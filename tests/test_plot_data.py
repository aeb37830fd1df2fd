from __future__ import annotations

import math
from collections.abc import Callable

import pytest

from micrograd.datasets import Dataset, moons
from micrograd.nn import MLP
from micrograd.plot_data import (
    accuracy_history,
    dataset_points,
    decision_boundary,
    grid_axes,
    loss_history,
    training_history,
)
from micrograd.trainer import train


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
    # 1.5e308 * x - 1.5e308 * y is inf - inf = nan where both products overflow
    model = MLP(2, [1], seed=0).with_parameters([1.5e308, -1.5e308, 0.0])
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
