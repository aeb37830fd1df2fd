from __future__ import annotations

import math
import re
import subprocess
import sys
from collections.abc import Callable

import matplotlib as mpl

mpl.use("Agg")

import matplotlib.pyplot as plt
import pytest

from micrograd.datasets import moons, spiral
from micrograd.nn import MLP
from micrograd.plot_data import crossover_step, decision_boundary
from micrograd.plots import (
    CLASS_COLORS,
    CLASS_MARKERS,
    MINUS,
    PALETTE,
    animate_training,
    apply_book_style,
    plot_accuracy,
    plot_boundaries,
    plot_dataset,
    plot_decision_boundary,
    plot_loss_comparison,
    plot_losses,
    plot_training,
)
from micrograd.trainer import TrainingDiverged, train
from tests.helpers import nan_scoring_model


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
    with pytest.raises(ValueError, match="runs must be a mapping with at least one run"):
        plot_loss_comparison({})  # not an empty figure with a legend warning
    with pytest.raises(TypeError, match="h must be a number or a sequence of numbers"):
        plot_boundaries({"a": MLP(2, [4, 1], seed=0)}, dataset, h="0.5")  # type: ignore[arg-type]


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
    model = nan_scoring_model()
    rows = decision_boundary(model, dataset, h=0.5)
    assert any(math.isnan(r["predicted"]) for r in rows)
    fig = plot_decision_boundary(model, dataset, h=0.5)  # warnings are errors in the tests
    (ax,) = fig.axes
    assert ax.get_title() == "decision boundary"
    assert (ax.get_xlim(), ax.get_ylim()) == (
        (rows[0]["x"], rows[-1]["x"]),
        (rows[0]["y"], rows[-1]["y"]),
    )


# --- figures that explain themselves -------------------------------------------------


KEY = [f"predicted {MINUS}1", f"label {MINUS}1", "predicted +1", "label +1"]


def _legend_labels(legend: object) -> list[str]:
    assert legend is not None
    return [text.get_text() for text in legend.get_texts()]  # type: ignore[attr-defined]


def test_inputs_are_x1_and_x2_and_every_axis_is_labelled() -> None:
    dataset = moons(20, seed=0)
    for fig in (
        plot_dataset(dataset),
        plot_decision_boundary(MLP(2, [4, 1], seed=0), dataset, h=0.5),
    ):
        (ax,) = fig.axes
        assert (ax.get_xlabel(), ax.get_ylabel()) == ("x₁", "x₂")
    run = train(MLP(2, [4, 1], seed=0), dataset, steps=5, learning_rate=0.1)
    for ax in plot_training(run).axes:
        assert ax.get_xlabel() == "step"
        assert ax.get_ylabel() in {"loss (log scale)", "accuracy (%)"}


def test_the_decision_boundary_has_a_key_for_regions_and_points() -> None:
    fig = plot_decision_boundary(MLP(2, [4, 1], seed=0), moons(20, seed=0), h=0.5)
    labels = _legend_labels(fig.axes[0].get_legend())
    assert labels == KEY
    quiet = plot_decision_boundary(MLP(2, [4, 1], seed=0), moons(20, seed=0), h=0.5, legend=False)
    assert quiet.axes[0].get_legend() is None


def test_the_palette_is_okabe_ito_and_classes_differ_in_shape_too() -> None:
    assert set(CLASS_COLORS.values()) <= set(PALETTE)
    assert len(set(CLASS_MARKERS.values())) == 2
    with mpl.rc_context():
        apply_book_style()
        assert mpl.rcParams["axes.prop_cycle"].by_key()["color"] == list(PALETTE)
        assert mpl.rcParams["xtick.labelsize"] >= 10


def test_the_loss_plot_is_logarithmic_and_marks_the_crossover() -> None:
    dataset = moons(20, noise=0.0, seed=0)
    run = train(MLP(2, [16, 16, 1], seed=0), dataset, steps=50, alpha=1e-3)
    crossing = crossover_step(run)
    assert crossing is not None
    assert run.history[-1].data_loss == 0.0  # masked on the log axis, not clipped
    (ax,) = plot_losses(run).axes
    assert ax.get_yscale() == "log"
    labels = _legend_labels(ax.get_legend())
    assert labels[:3] == ["total", "data", "regularization"]
    assert labels[3] == f"data < regularization from step {crossing}"


def test_a_diverged_run_gets_its_own_panel() -> None:
    dataset, model = moons(20, seed=0), MLP(2, [4, 1], seed=0)
    runs = {name: train(model, dataset, steps=4, learning_rate=lr) for name, lr in (("a", 0.1),)}
    with pytest.raises(TrainingDiverged) as diverged:
        train(MLP(2, [4, 4, 1], seed=7), moons(24, noise=0.1, seed=3), steps=6, learning_rate=1e9)
    runs["huge"] = diverged.value.run
    main, side = plot_loss_comparison(runs).axes
    assert [line.get_label() for line in main.get_lines()] == ["a"]
    assert [line.get_label() for line in side.get_lines()] == ["huge"]
    assert main.get_yscale() == side.get_yscale() == "log"
    assert main.get_ylim()[1] < 100  # not stretched by the overflow
    (only,) = plot_loss_comparison({"a": runs["a"]}).axes
    assert _legend_labels(only.get_legend()) == ["a"]


def test_boundary_panels_share_limits_and_one_key() -> None:
    dataset, model = moons(20, seed=0), MLP(2, [4, 1], seed=0)
    fig = plot_boundaries(
        {"h = 0.5": model, "h = 0.3": model, "h = 0.2": model}, dataset, h=[0.5, 0.3, 0.2]
    )
    assert len(fig.axes) == 3
    assert len({ax.get_xlim() for ax in fig.axes}) == 1
    assert len({ax.get_ylim() for ax in fig.axes}) == 1
    (key,) = fig.legends
    assert _legend_labels(key) == KEY
    with pytest.raises(ValueError, match="h must be one number or 3 numbers"):
        plot_boundaries({"a": model, "b": model, "c": model}, dataset, h=[0.5])
    with pytest.raises(ValueError, match="models must be a mapping with at least one model"):
        plot_boundaries({}, dataset)


def _frames_of(player: str) -> list[str]:
    return re.findall(r'frames\[\d+\] = "data:image/png;base64,', player)


def test_animate_training_makes_a_self_contained_player() -> None:
    dataset, model = moons(16, noise=0.1, seed=0), MLP(2, [4, 1], seed=0)
    animation = animate_training(
        model, dataset, steps=4, frames=3, h=1.0, alt="the boundary bends around the moons"
    )
    assert animation.steps == (0, 2, 4)
    assert len(animation) == 3
    assert len(_frames_of(animation.html)) == 3
    assert animation._repr_html_() == animation.html
    assert "https://" not in animation.html  # no CDN: the icons are drawn as text
    assert '<i class="fa' not in animation.html
    assert 'aria-label="Play"' in animation.html
    assert 'alt="the boundary bends around the moons"' in animation.html
    assert animation.captions[0].startswith("step 0 of 4: loss ")
    assert animation.captions[-1].startswith("after 4 steps (final model): loss ")
    run = train(model, dataset, steps=4)
    assert f"{run.final_accuracy:.0%}" in animation.captions[-1]
    assert plt.get_fignums() == []  # the animation's figure is closed


def test_ctrl_c_while_frames_are_drawn_leaves_no_figure_open(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import micrograd.plots  # noqa: PLC0415

    def interrupted(*_args: object) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(micrograd.plots, "_jshtml", interrupted)
    with pytest.raises(KeyboardInterrupt):
        animate_training(MLP(2, [4, 1], seed=0), moons(16, noise=0.1, seed=0), steps=2, frames=2)
    assert plt.get_fignums() == []


def test_animate_several_runs_including_a_diverging_one() -> None:
    dataset, model = moons(24, noise=0.1, seed=3), MLP(2, [4, 4, 1], seed=7)
    animation = animate_training(
        model,
        dataset,
        steps=6,
        frames=3,
        h=1.0,
        runs={"slow": {"learning_rate": 0.1}, "huge": {"learning_rate": 1e9}},
    )
    assert len(_frames_of(animation.html)) == 3
    assert animation.captions[0].startswith("step 0 of 6: slow: loss ")
    assert "huge: diverged at step" in animation.captions[-1]


def test_run_names_cannot_inject_markup_into_the_player() -> None:
    dataset, model = moons(8, noise=0.1, seed=0), MLP(2, [2, 1], seed=0)
    name = "</script><script>alert(1)</script>"
    animation = animate_training(model, dataset, steps=2, frames=2, h=1.0, runs={name: {}})
    assert animation.captions[0].startswith(f"step 0 of 2: {name}: loss ")
    assert "alert(1)</script>" not in animation.html
    assert "\\u003c/script>\\u003cscript>alert(1)" in animation.html  # still shown, as JSON text


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"alt": " "}, ValueError, "alt must be a description"),
        ({"frames": 1}, ValueError, "frames must be an int from 2 to 1000"),
        ({"runs": {}}, ValueError, "runs must be a mapping with at least one run"),
        ({"runs": [1]}, TypeError, "runs must be a mapping"),
        ({"fps": 0}, ValueError, "fps must be a finite number above 0"),
        ({"callback": print}, ValueError, "options must be train"),
        ({"h": 100.0}, ValueError, "fewer than 2 grid points"),
    ],
)
def test_animate_training_checks_its_arguments(
    options: dict[str, object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        animate_training(MLP(2, [2, 1], seed=0), moons(10, seed=0), steps=2, **options)  # type: ignore[arg-type]
    assert plt.get_fignums() == []


def test_axes_that_are_not_matplotlib_axes_are_type_errors() -> None:
    run = train(MLP(2, [2, 1], seed=0), moons(8, seed=0), steps=1)
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes or None, got str 'x'"):
        plot_losses(run, ax="x")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"axes must be two matplotlib Axes \(loss, accuracy\)"):
        plot_training(run, axes=5)  # type: ignore[arg-type]
    _fig, pair = plt.subplots(1, 2)  # a NumPy array of two axes, as matplotlib returns them
    plot_training(run, axes=pair)
