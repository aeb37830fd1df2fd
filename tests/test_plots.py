from __future__ import annotations

import math
import subprocess
import sys
from collections.abc import Callable

import matplotlib as mpl

mpl.use("Agg")

import matplotlib.pyplot as plt
import pytest

from micrograd.datasets import moons, spiral
from micrograd.nn import MLP
from micrograd.plot_data import decision_boundary
from micrograd.plots import (
    apply_book_style,
    plot_accuracy,
    plot_dataset,
    plot_decision_boundary,
    plot_loss_comparison,
    plot_losses,
    plot_training,
)
from micrograd.trainer import train


@pytest.fixture(autouse=True)
def _close_figures() -> None:
    yield  # type: ignore[misc]
    plt.close("all")


def is_white(color: tuple[float, ...]) -> bool:
    return tuple(color[:3]) == (1.0, 1.0, 1.0)


def test_plot_dataset_draws_both_classes_on_white() -> None:
    fig = plot_dataset(moons(20, seed=0))
    (ax,) = fig.axes
    assert is_white(fig.get_facecolor())
    assert is_white(ax.get_facecolor())
    assert sum(len(c.get_offsets()) for c in ax.collections) == 20
    assert ax.get_title() == "moons"


def test_plot_into_given_axes() -> None:
    fig, axes = plt.subplots(1, 2)
    returned = plot_dataset(spiral(10), ax=axes[1], title="spiral!")
    assert returned is fig
    assert axes[1].get_title() == "spiral!"


def test_plot_training_has_three_loss_lines_and_accuracy() -> None:
    run = train(MLP(2, [4, 1], seed=0), moons(20, seed=0), steps=5, learning_rate=0.1)
    fig = plot_training(run)
    loss_ax, acc_ax = fig.axes
    assert [line.get_label() for line in loss_ax.get_lines()] == ["total", "data", "regularization"]
    assert list(acc_ax.get_lines()[0].get_ydata()) == [r.accuracy * 100 for r in run.history]
    assert is_white(fig.get_facecolor())


def test_plot_loss_comparison() -> None:
    dataset = moons(20, seed=0)
    runs = {
        name: train(MLP(2, [4, 1], seed=0), dataset, steps=3, learning_rate=lr)
        for name, lr in (("a", 0.1), ("b", 0.5))
    }
    fig = plot_loss_comparison(runs, metric="data")
    assert [line.get_label() for line in fig.axes[0].get_lines()] == ["a", "b"]
    with pytest.raises(ValueError, match="metric must be one of"):
        plot_loss_comparison(runs, metric="accuracy")


def test_plot_decision_boundary_shows_regions_and_points() -> None:
    dataset = moons(20, seed=0)
    fig = plot_decision_boundary(MLP(2, [4, 1], seed=0), dataset, h=0.5)
    (ax,) = fig.axes
    assert (
        sum(
            len(c.get_offsets())
            for c in ax.collections
            if hasattr(c, "get_offsets") and c.get_offsets().shape[0] < 100
        )
        >= 20
    )
    assert ax.get_title() == "decision boundary"


def test_book_style_sets_a_white_background() -> None:
    with mpl.rc_context():
        apply_book_style()
        assert mpl.rcParams["figure.facecolor"] == "white"
        assert mpl.rcParams["savefig.facecolor"] == "white"


def test_missing_matplotlib_names_the_extra() -> None:
    blocked = "import sys; sys.modules['matplotlib'] = None; import micrograd.plots"
    done = subprocess.run(
        [sys.executable, "-c", blocked], capture_output=True, text=True, check=False
    )
    assert done.returncode != 0
    assert (
        'ImportError: micrograd.plots needs matplotlib: install the plot extra with pip install "micrograd-book[plot] @ git+https://github.com/micrograd-book/micrograd-book"'
        in done.stderr
    )


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: plot_dataset([(0.0, 0.0)]),
            TypeError,
            r"dataset must be a Dataset \(from moons\(\), spiral\(\), blobs\(\) or from_points\(\)\), got list \[\(0\.0, 0\.0\)\]",
        ),
        (lambda: plot_dataset(moons(4), title=3), TypeError, "title must be a str or None"),
        (
            lambda: plot_losses("run"),
            TypeError,
            r"run must be the TrainingRun of train\(\) \(or an error's \.run\), got",
        ),
        (
            lambda: plot_accuracy(None),
            TypeError,
            r"run must be the TrainingRun of train\(\) \(or an error's \.run\), got",
        ),
        (
            lambda: plot_training(0),
            TypeError,
            r"run must be the TrainingRun of train\(\) \(or an error's \.run\), got",
        ),
        (lambda: plot_loss_comparison([]), TypeError, "runs must be a mapping"),
        (
            lambda: plot_loss_comparison({"a": 1}),
            TypeError,
            r"run must be the TrainingRun of train\(\) \(or an error's \.run\), got",
        ),
        (
            lambda: plot_decision_boundary(None, moons(4)),
            TypeError,
            r"model must be a micrograd\.nn model \(MLP, Layer, Neuron, Unfused\), got None",
        ),
        (
            lambda: plot_decision_boundary(MLP(2, [1], seed=0), moons(4), h=50.0),
            ValueError,
            "fewer than 2 grid points",
        ),
    ],
)
def test_plots_check_their_arguments_before_drawing(
    call: Callable[[], object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        call()
    assert plt.get_fignums() == []  # nothing half-drawn left open


def test_plot_training_needs_two_axes() -> None:
    run = train(MLP(2, [2, 1], seed=0), moons(10, seed=0), steps=1)
    _fig, axes = plt.subplots(1, 3)
    with pytest.raises(ValueError, match="exactly two axes"):
        plot_training(run, axes=axes)


def test_a_diverged_model_leaves_its_nan_cells_blank() -> None:
    dataset = moons(10, seed=0)
    model = MLP(2, [1], seed=0).with_parameters([1.5e308, -1.5e308, 0.0])
    rows = decision_boundary(model, dataset, h=0.5)
    assert any(math.isnan(r["predicted"]) for r in rows)
    fig = plot_decision_boundary(model, dataset, h=0.5)  # warnings are errors in the tests
    (ax,) = fig.axes
    assert ax.get_title() == "decision boundary"
    assert (ax.get_xlim(), ax.get_ylim()) == (
        (rows[0]["x"], rows[-1]["x"]),
        (rows[0]["y"], rows[-1]["y"]),
    )


def test_axes_that_are_not_matplotlib_axes_are_type_errors() -> None:
    run = train(MLP(2, [2, 1], seed=0), moons(8, seed=0), steps=1)
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes or None, got str 'x'"):
        plot_losses(run, ax="x")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"axes must be two matplotlib Axes \(loss, accuracy\)"):
        plot_training(run, axes=5)  # type: ignore[arg-type]
    _fig, pair = plt.subplots(1, 2)  # a NumPy array of two axes, as matplotlib returns them
    plot_training(run, axes=pair)
