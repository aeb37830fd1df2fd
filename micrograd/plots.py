"""Matplotlib figures of datasets, training runs and decision boundaries.

Needs the ``plot`` extra (``micrograd-book[plot]``; see Getting started). Every function
draws from the rows of :mod:`micrograd.plot_data`, accepts an optional ``ax``
(or axes) to draw into and returns the figure.

The look is set in one place, :data:`BOOK_STYLE`: a white background (so a figure
reads the same on a light or a dark page), dark grey text at sizes that survive a
phone screen, and the Okabe-Ito colours, which stay distinct with the common kinds
of colour blindness. The two classes also differ in marker shape, not only colour.
Inputs are named x₁ and x₂, so that y stays the label.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import TYPE_CHECKING, Any, cast

from micrograd import plot_data
from micrograd._checks import check_instance, check_int, check_real, fail
from micrograd.datasets import Dataset
from micrograd.nn import Module
from micrograd.plot_data import _check_dataset, _check_model, _check_run, _check_runs
from micrograd.trainer import TrainingRun

try:
    import matplotlib.pyplot as plt
    from matplotlib.animation import HTMLWriter
    from matplotlib.axes import Axes
    from matplotlib.colors import ListedColormap
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import NullFormatter
except ImportError as error:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "micrograd.plots needs matplotlib: install the plot extra with "
        'pip install "micrograd-book[plot] @ git+https://github.com/micrograd-book/micrograd-book"'
    ) from error

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.figure import Figure, SubFigure

__all__ = [
    "BOOK_STYLE",
    "CLASS_COLORS",
    "CLASS_MARKERS",
    "MINUS",
    "PALETTE",
    "TrainingAnimation",
    "animate_training",
    "apply_book_style",
    "plot_accuracy",
    "plot_boundaries",
    "plot_dataset",
    "plot_decision_boundary",
    "plot_loss_comparison",
    "plot_losses",
    "plot_training",
]

PALETTE = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#000000",  # black
)
"""The Okabe-Ito colours (without yellow, too pale on white), in the order lines use them."""

CLASS_COLORS = {-1.0: "#D55E00", 1.0: "#0072B2"}
"""The colour of each class label (Okabe-Ito vermillion and blue), for points and regions."""

CLASS_MARKERS = {-1.0: "o", 1.0: "s"}
"""The marker of each class label, so the classes differ without colour too."""

X1, X2 = "x₁", "x₂"
"""The names of the two inputs (y is the label)."""

_BACKGROUND = "white"
_TEXT = "#333333"
_REGION_ALPHA = 0.25

BOOK_STYLE: dict[str, Any] = {
    "figure.facecolor": _BACKGROUND,
    "axes.facecolor": _BACKGROUND,
    "savefig.facecolor": _BACKGROUND,
    "figure.dpi": 100,
    "figure.figsize": (6.4, 4.0),
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
    "text.color": _TEXT,
    "axes.labelcolor": _TEXT,
    "axes.edgecolor": "#555555",
    "xtick.color": _TEXT,
    "ytick.color": _TEXT,
    "axes.prop_cycle": f"cycler(color={list(PALETTE)!r})",
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
"""The matplotlib settings of the book's figures (white background, readable text, Okabe-Ito)."""


def apply_book_style() -> None:
    """Set :data:`BOOK_STYLE` in ``matplotlib.rcParams`` for every following figure."""
    plt.style.use(BOOK_STYLE)


def _whiten(fig: Figure, *axes: Axes) -> None:
    fig.patch.set_facecolor(_BACKGROUND)
    for ax in axes:
        ax.set_facecolor(_BACKGROUND)


def _check_ax(ax: object, name: str = "ax") -> Axes | None:
    if ax is None:
        return None
    return check_instance(name, ax, Axes, "a matplotlib Axes or None")


def _figure_for(ax: Axes | None, figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    """``ax`` and its figure, or a new figure of ``figsize`` with one axes; both white."""
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    else:
        fig = cast("Figure", ax.get_figure(root=True))
    _whiten(fig, ax)
    return fig, ax


MINUS = "\N{MINUS SIGN}"


def _class_name(label: float) -> str:
    return f"{MINUS}1" if label < 0 else "+1"


def _scatter(ax: Axes, rows: Sequence[Mapping[str, float]], outline: bool) -> None:
    for label, color in CLASS_COLORS.items():
        xs = [r["x"] for r in rows if r["label"] == label]
        ys = [r["y"] for r in rows if r["label"] == label]
        ax.scatter(
            xs,
            ys,
            s=26,
            c=color,
            marker=CLASS_MARKERS[label],
            edgecolors="white" if outline else "none",
            linewidths=0.6,
            label=f"label {_class_name(label)}",
            zorder=3,
        )


def _point_handles() -> list[Artist]:
    return [
        Line2D(
            [],
            [],
            linestyle="none",
            marker=CLASS_MARKERS[label],
            markerfacecolor=color,
            markeredgecolor="white",
            markersize=7,
            label=f"label {_class_name(label)}",
        )
        for label, color in CLASS_COLORS.items()
    ]


def _region_handles() -> list[Artist]:
    return [
        Patch(
            facecolor=color,
            alpha=_REGION_ALPHA * 1.6,
            edgecolor="none",
            label=f"predicted {_class_name(label)}",
        )
        for label, color in CLASS_COLORS.items()
    ]


def boundary_key() -> list[Artist]:
    """The legend entries of a decision-boundary figure: both regions, then both labels."""
    regions, points = _region_handles(), _point_handles()
    return [regions[0], points[0], regions[1], points[1]]


def _check_title(title: object, allow_none: bool) -> None:
    if not (isinstance(title, str) or (allow_none and title is None)):
        fail("title", "a str or None" if allow_none else "a str", title, TypeError)


def _label_inputs(ax: Axes) -> None:
    ax.set_xlabel(X1)
    ax.set_ylabel(X2, rotation=0, labelpad=10)


def plot_dataset(dataset: Dataset, ax: Axes | None = None, title: str | None = None) -> Figure:
    """A scatter plot of ``dataset`` over the inputs x₁, x₂, one colour and marker per class.

    Raises:
        TypeError: If ``dataset`` is not a ``Dataset``, ``ax`` not an Axes or
            ``title`` not a str/None.

    """
    _check_dataset(dataset)
    _check_title(title, allow_none=True)
    fig, ax = _figure_for(_check_ax(ax), (4.8, 4.2))
    _scatter(ax, plot_data.dataset_points(dataset), outline=False)
    ax.set_title(title if title is not None else str(dataset.metadata.get("name", "dataset")))
    _label_inputs(ax)
    ax.set_aspect("equal", adjustable="datalim")
    ax.legend(loc="best")
    return fig


def _loss_curve(run: TrainingRun[Any], metric: str) -> tuple[list[int], list[float]]:
    """The steps and values of one :data:`~micrograd.plot_data.LOSS_METRICS` metric."""
    rows = [r for r in plot_data.loss_history(run) if r["metric"] == metric]
    return [r["step"] for r in rows], [r["value"] for r in rows]


_LOSS_LOOK: dict[str, dict[str, Any]] = {
    "total": {"color": "#000000", "linewidth": 2.0},
    "data": {"color": PALETTE[0], "linewidth": 1.5},
    "regularization": {"color": PALETTE[4], "linewidth": 1.5, "linestyle": "--"},
}


def _log_losses(ax: Axes) -> None:
    """A log y axis on which a zero (a perfect fit's data loss) is left out, not clipped."""
    ax.set_yscale("log", nonpositive="mask")
    ax.set_ylabel("loss (log scale)")
    ax.set_xlabel("step")


def plot_losses(run: TrainingRun[Any], ax: Axes | None = None) -> Figure:
    """The total, data and regularization loss at each logged step, on a log axis.

    On a log axis the small regularization term stays visible beside the data
    loss; a dotted line marks :func:`~micrograd.plot_data.crossover_step`, from
    which the regularization term is the larger part.

    Raises:
        TypeError: If ``run`` is not a ``TrainingRun`` or ``ax`` not an Axes.

    """
    _check_run(run)
    fig, ax = _figure_for(_check_ax(ax), (6.4, 3.6))
    for metric in plot_data.LOSS_METRICS:
        ax.plot(*_loss_curve(run, metric), label=metric, **_LOSS_LOOK[metric])
    crossing = plot_data.crossover_step(run)
    if crossing is not None:
        ax.axvline(
            crossing,
            color="#777777",
            linestyle=":",
            linewidth=1.2,
            label=f"data < regularization from step {crossing}",
        )
    ax.set_title("loss")
    _log_losses(ax)
    ax.legend(loc="best")
    return fig


def plot_accuracy(run: TrainingRun[Any], ax: Axes | None = None) -> Figure:
    """The accuracy, in percent, at each logged step.

    Raises:
        TypeError: If ``run`` is not a ``TrainingRun`` or ``ax`` not an Axes.

    """
    _check_run(run)
    fig, ax = _figure_for(_check_ax(ax), (6.4, 3.4))
    rows = plot_data.accuracy_history(run)
    ax.plot([r["step"] for r in rows], [r["value"] for r in rows], color=PALETTE[2])
    ax.set_title("training accuracy")
    ax.set_xlabel("step")
    ax.set_ylabel("accuracy (%)")
    ax.set_ylim(0, 102)
    return fig


def plot_training(run: TrainingRun[Any], axes: Sequence[Axes] | None = None) -> Figure:
    """Two panels side by side: :func:`plot_losses` and :func:`plot_accuracy`.

    Raises:
        TypeError: If ``run`` is not a ``TrainingRun`` or ``axes`` not a sequence of Axes.
        ValueError: If ``axes`` is given but does not hold exactly two axes.

    """
    _check_run(run)
    if axes is None:
        _fig, (loss_ax, acc_ax) = plt.subplots(1, 2, figsize=(9.0, 3.6), layout="constrained")
    else:
        try:
            pair = tuple(axes)  # a list, or the array plt.subplots(1, 2) returns
        except TypeError:
            fail("axes", "two matplotlib Axes (loss, accuracy) or None", axes, TypeError)
        if len(pair) != 2:
            raise ValueError(f"axes must hold exactly two axes (loss, accuracy), got {len(pair)}")
        loss_ax, acc_ax = (_check_ax(ax, "each of axes") for ax in pair)
    plot_losses(run, loss_ax)
    return plot_accuracy(run, acc_ax)


def _has_diverged(run: TrainingRun[Any]) -> bool:
    return any(not math.isfinite(record.loss) for record in run.history) or not (
        math.isfinite(run.final_loss) or math.isnan(run.final_loss)
    )


def plot_loss_comparison(
    runs: Mapping[str, TrainingRun[Any]], ax: Axes | None = None, metric: str = "total"
) -> Figure:
    """One loss curve per named run on a log axis, to compare settings such as learning rates.

    Runs that diverged (a logged loss is infinite or NaN, as in the run attached
    to :class:`~micrograd.trainer.TrainingDiverged`) get a panel of their own on
    the right, so that their huge numbers do not squash the other curves. With
    ``ax`` given, everything is drawn into it.

    Raises:
        TypeError: If ``runs`` is not a mapping of names to ``TrainingRun`` objects.
        ValueError: If ``runs`` is empty or ``metric`` is not ``"total"``, ``"data"``
            or ``"regularization"``.

    """
    if not _check_runs(runs):
        fail("runs", "a mapping with at least one run", runs)
    if metric not in plot_data.LOSS_METRICS:
        fail("metric", f"one of {sorted(plot_data.LOSS_METRICS)}", metric)
    given = _check_ax(ax)
    colors = dict(zip(runs, _cycle(len(runs)), strict=True))
    diverged = {name: run for name, run in runs.items() if _has_diverged(run)}
    if given is not None or not diverged or len(diverged) == len(runs):
        fig, ax = _figure_for(given, (6.4, 3.6))
        panels = [(ax, runs)]
    else:
        fig, (ax, side) = plt.subplots(
            1, 2, figsize=(8.0, 3.6), layout="constrained", width_ratios=(2, 1)
        )
        _whiten(fig, ax, side)
        kept = {name: run for name, run in runs.items() if name not in diverged}
        panels = [(ax, kept), (side, diverged)]
    for panel, shown in panels:
        for name, run in shown.items():
            steps, values = _loss_curve(run, metric)
            panel.plot(steps, values, label=name, color=colors[name], linewidth=1.6)
        _log_losses(panel)
        panel.legend(loc="best")
    ax.set_title(f"{metric} loss")
    ax.set_ylabel(f"{metric} loss (log scale)")
    if len(panels) == 2:
        panels[1][0].set_title("diverged (stopped early)")
    return fig


def _cycle(count: int) -> list[str]:
    return [PALETTE[i % len(PALETTE)] for i in range(count)]


def _predicted_grid(
    model: Module, dataset: Dataset, h: float, padding: float
) -> tuple[list[float], list[float], list[list[float]]]:
    """The grid axes and the predicted class at each grid point, rows by ``y``."""
    xs, ys = plot_data.grid_axes(dataset, h, padding)
    rows = plot_data.decision_boundary(model, dataset, h, padding)
    predicted = [
        [rows[j * len(xs) + i]["predicted"] for i in range(len(xs))] for j in range(len(ys))
    ]
    return xs, ys, predicted


_REGIONS = ListedColormap([CLASS_COLORS[-1.0], CLASS_COLORS[1.0]])


def _draw_regions(ax: Axes, xs: list[float], ys: list[float], predicted: list[list[float]]) -> Any:
    return ax.contourf(
        xs, ys, predicted, levels=[-2, 0, 2], cmap=_REGIONS, alpha=_REGION_ALPHA, antialiased=True
    )


def plot_decision_boundary(
    model: Module,
    dataset: Dataset,
    h: float = 0.25,
    padding: float = 1.0,
    ax: Axes | None = None,
    title: str = "decision boundary",
    legend: bool = True,
) -> Figure:
    """The model's predicted class over a grid of (x₁, x₂), with the training points on top.

    Grid cells where the score is NaN are left blank. The key (``legend``) names
    the two regions and the two kinds of points; it sits below the plot.

    Raises:
        TypeError: If ``model`` is not a model, ``dataset`` not a ``Dataset``,
            ``ax`` not an Axes, ``title`` not a str or ``legend`` not a bool.
        ValueError: If the grid is too large or too small for ``h`` (see
            :func:`~micrograd.plot_data.grid_axes`).

    """
    _check_title(title, allow_none=False)
    check_instance("legend", legend, bool, "True or False")
    given = _check_ax(ax)
    xs, ys, predicted = _predicted_grid(model, dataset, h, padding)
    fig, ax = _figure_for(given, (5.0, 4.8))
    _draw_regions(ax, xs, ys, predicted)
    _scatter(ax, plot_data.dataset_points(dataset), outline=True)
    ax.set_xlim(xs[0], xs[-1])
    ax.set_ylim(ys[0], ys[-1])
    ax.set_title(title)
    _label_inputs(ax)
    if legend:
        ax.legend(handles=boundary_key(), loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2)
    return fig


def plot_boundaries(
    models: Mapping[str, Module],
    dataset: Dataset,
    h: float | Sequence[float] = 0.25,
    padding: float = 1.0,
) -> Figure:
    """One decision-boundary panel per named model, side by side, with shared axes and one key.

    Every panel shows the same ``dataset`` over the same x₁ and x₂ limits, so the
    panels can be compared at a glance.

    Args:
        models: Panel titles and the model each panel shows.
        dataset: The points drawn on every panel.
        h: The grid spacing: one for all panels, or one per panel (to compare
            resolutions).
        padding: The margin around the data.

    Raises:
        TypeError: If ``models`` is not a mapping of str to models, ``dataset``
            not a ``Dataset`` or ``h`` not a number or a sequence of them.
        ValueError: If ``models`` is empty, ``h`` has the wrong length, or a grid
            is too large or too small (see :func:`~micrograd.plot_data.grid_axes`).

    """
    if not isinstance(models, Mapping):
        fail("models", "a mapping of panel titles to models", models, TypeError)
    for name, model in models.items():
        check_instance("each title in models", name, str, "a str")
        _check_model(model)
    if not models:
        fail("models", "a mapping with at least one model", models)
    _check_dataset(dataset)
    if isinstance(h, str | bytes):
        fail("h", "a number or a sequence of numbers", h, TypeError)
    spacings = [h] * len(models) if not isinstance(h, Sequence) else list(h)
    if len(spacings) != len(models):
        fail("h", f"one number or {len(models)} numbers (one per panel)", h)
    grids = [
        _predicted_grid(model, dataset, step, padding)
        for model, step in zip(models.values(), spacings, strict=True)
    ]
    count = len(models)
    fig, axes = plt.subplots(
        1,
        count,
        figsize=(min(3.2 * count, 9.6), 3.9),
        layout="constrained",
        sharex=True,
        sharey=True,
        squeeze=False,
    )
    panels = list(axes.flat)
    _whiten(fig, *panels)
    points = plot_data.dataset_points(dataset)
    for ax, title, (xs, ys, predicted) in zip(panels, models, grids, strict=True):
        _draw_regions(ax, xs, ys, predicted)
        _scatter(ax, points, outline=True)
        ax.set_title(title)
        ax.set_xlabel(X1)
    panels[0].set_ylabel(X2, rotation=0, labelpad=10)
    # the smallest extent every grid covers, so no panel shows a blank edge
    panels[0].set_xlim(max(g[0][0] for g in grids), min(g[0][-1] for g in grids))
    panels[0].set_ylim(max(g[1][0] for g in grids), min(g[1][-1] for g in grids))
    fig.legend(handles=boundary_key(), loc="outside lower center", ncol=4)
    return fig


class TrainingAnimation:
    """An animation of training that plays in the page: no kernel, no video codec, no CDN.

    Made by :func:`animate_training`. In a notebook it shows itself (``_repr_html_``):
    matplotlib's JavaScript player (the one ``FuncAnimation.to_jshtml`` makes) with play/pause
    buttons and a step slider, and below it a line of text saying what the
    current frame shows, which a screen reader announces as it changes.

    Attributes:
        html: The self-contained HTML.
        steps: The step number of each frame (the last is the final model).
        captions: The text line of each frame.

    """

    def __init__(self, html: str, steps: Sequence[int], captions: Sequence[str]) -> None:
        self.html = html
        self.steps = tuple(steps)
        self.captions = tuple(captions)

    def __len__(self) -> int:
        """The number of frames."""
        return len(self.steps)

    def __repr__(self) -> str:
        return f"<TrainingAnimation: {len(self)} frames, steps {self.steps[0]}..{self.steps[-1]}>"

    def _repr_html_(self) -> str:
        return self.html


_PLAYER_STYLE = """<style>
.micrograd-animation .animation {display: block; max-width: 100%;}
.micrograd-animation img {max-width: 100%; height: auto;}
.micrograd-animation input[type=range].anim-slider {width: 100%; max-width: 30em;}
.micrograd-animation .anim-buttons button {min-width: 2.4em; min-height: 2.2em; margin: 1px;
  font: bold 0.9rem/1 sans-serif; color: #222; background: #f4f4f4; border: 1px solid #888;
  border-radius: 4px; cursor: pointer;}
.micrograd-animation .micrograd-animation-caption {font-variant-numeric: tabular-nums;}
</style>"""

_ICONS = {
    "fa-minus": "\N{MINUS SIGN}",
    "fa-fast-backward": "|\N{WHITE LEFT-POINTING TRIANGLE}",
    "fa-step-backward": "\N{WHITE LEFT-POINTING TRIANGLE}",
    "fa-play fa-flip-horizontal": "\N{BLACK LEFT-POINTING TRIANGLE}",
    "fa-pause": "||",
    "fa-play": "\N{BLACK RIGHT-POINTING TRIANGLE}",
    "fa-step-forward": "\N{WHITE RIGHT-POINTING TRIANGLE}",
    "fa-fast-forward": "\N{WHITE RIGHT-POINTING TRIANGLE}|",
    "fa-plus": "+",
}
"""Text for the icons of matplotlib's player (its Font Awesome 4 classes)."""

_CAPTION_SCRIPT = """<script>
(function () {
  var captions = %(captions)s;
  var img = document.getElementById("_anim_img%(id)s");
  var line = document.getElementById("micrograd-caption-%(id)s");
  if (!img || !line) { return; }
  new MutationObserver(function () {
    var player = window["anim%(id)s"];
    if (player && captions[player.current_frame] !== undefined) {
      line.textContent = captions[player.current_frame];
    }
  }).observe(img, {attributes: true, attributeFilter: ["src"]});
})();
</script>"""


def _player_html(jshtml: str, alt: str, captions: Sequence[str]) -> str:
    """Matplotlib's player, without its third-party icon font, with alt text and a caption line."""
    found = re.search(r'id="_anim_img(\w+)"', jshtml)
    if found is None:  # pragma: no cover - matplotlib changed its template
        fail("the animation's HTML", "matplotlib's player with an _anim_img element", jshtml)
    player_id = found.group(1)
    # The player's icons come from Font Awesome on a CDN: drop the link and draw them as text.
    jshtml = re.sub(r'<link rel="stylesheet"\s+href="https://[^"]*font-awesome[^"]*">', "", jshtml)
    for icon, text in _ICONS.items():
        jshtml = re.sub(rf'<i class="fa {icon}"></i>', text, jshtml)
    jshtml = jshtml.replace(
        f'<img id="_anim_img{player_id}">',
        f'<img id="_anim_img{player_id}" alt="{html.escape(alt)}">',
    )
    caption = (
        f'<p class="micrograd-animation-caption" id="micrograd-caption-{player_id}" '
        f'aria-live="polite">{html.escape(captions[0])}</p>'
    )
    # "<" escaped so that no caption (it holds the run names) can close the script early
    text = json.dumps(list(captions)).replace("<", "\\u003c")
    script = _CAPTION_SCRIPT % {"captions": text, "id": player_id}
    return f'<div class="micrograd-animation">{_PLAYER_STYLE}{jshtml}{caption}{script}</div>'


def _frame_caption(step: int, steps: int, parts: Sequence[str]) -> str:
    where = f"after {steps} steps (final model)" if step == steps else f"step {step} of {steps}"
    return f"{where}: " + "; ".join(parts)


def animate_training(
    model: Module,
    dataset: Dataset,
    steps: int = 100,
    *,
    frames: int = 26,
    h: float = 0.25,
    padding: float = 1.0,
    runs: Mapping[str, Mapping[str, Any]] | None = None,
    alt: str = "Animation of training: the decision boundary and the loss curve, step by step",
    fps: float = 5.0,
    dpi: float = 72.0,
    **options: Any,
) -> TrainingAnimation:
    """Train ``model`` and animate its decision boundary and loss, frame by frame.

    Each frame shows the model at one of :func:`~micrograd.plot_data.frame_steps`
    (``steps``, ``frames``): on the left (or on top) the predicted regions with
    the points, on the right (or below) the loss curve up to that step on a log
    axis whose limits stay fixed. With ``runs``, one boundary panel per named run
    shows how settings (for example learning rates) change training over time,
    with all the loss curves in one panel.

    The artists are updated in place and the frames are small PNGs, so the cost
    is about ``frames`` boundary grids plus ``frames`` renders (about 0.2 s and
    15 to 40 kB each).

    Args:
        model: The starting model of every run.
        dataset: The points to fit.
        steps: The length of every run.
        frames: How many frames, from step 0 to the final model.
        h: The grid spacing of the boundary panels.
        padding: The margin around the data.
        runs: Names and :func:`~micrograd.trainer.train` options of several runs
            (each updated from ``options``); ``None`` is one run with ``options``.
        alt: The text alternative of the animation's image: say what it shows.
        fps: Frames per second when playing.
        dpi: Pixels per inch of the frames.
        **options: :func:`~micrograd.trainer.train` options shared by every run
            (``learning_rate``, ``alpha``, ``batch_size``, ``seed``).

    Raises:
        TypeError: If an argument has the wrong type.
        ValueError: If ``steps``, ``frames``, ``fps``, ``dpi`` or the grid is out
            of range (see :func:`~micrograd.plot_data.training_frames` and
            :func:`~micrograd.plot_data.grid_axes`).

    """
    _check_model(model)
    _check_dataset(dataset)
    check_instance("alt", alt, str, "a str")
    if not alt.strip():
        fail("alt", "a description of what the animation shows", alt)
    check_real("fps", fps, minimum=0.0, maximum=100.0, above_minimum=True)
    check_real("dpi", dpi, minimum=10.0, maximum=600.0)
    check_int("frames", frames, minimum=2, maximum=plot_data.MAX_FRAMES)
    settings: Mapping[str, Mapping[str, Any]] = {"": {}} if runs is None else runs
    if not isinstance(settings, Mapping):
        fail("runs", "a mapping of names to train() options, or None", runs, TypeError)
    if not settings:
        fail("runs", "a mapping with at least one run, or None", runs)
    series = {}
    for name, extra in settings.items():
        check_instance("each name in runs", name, str, "a str")
        if not isinstance(extra, Mapping):
            fail(f"runs[{name!r}]", "a mapping of train() options", extra, TypeError)
        series[name] = plot_data.training_frames(
            model, dataset, steps, frames, **{**options, **extra}
        )
    grid_x, grid_y = plot_data.grid_axes(dataset, h, padding)
    boundaries = {
        name: [_predicted_grid(s.model, dataset, h, padding)[2] for s in record.snapshots]
        for name, record in series.items()
    }
    wanted = plot_data.frame_steps(steps, frames)
    return _animate(series, boundaries, grid_x, grid_y, dataset, wanted, alt, fps, dpi)


def _animation_axes(count: int, single: bool, dpi: float) -> tuple[Figure, list[Axes], Axes]:
    """The figure of :func:`animate_training`: boundary panels, and the loss panel."""
    if single:
        fig, (box, loss_ax) = plt.subplots(
            1, 2, figsize=(8.0, 3.8), dpi=dpi, layout="constrained", width_ratios=(1, 1.15)
        )
        return fig, [box], loss_ax
    fig = plt.figure(figsize=(8.0, 6.4), dpi=dpi, layout="constrained")
    top, bottom = cast("Sequence[SubFigure]", fig.subfigures(2, 1, height_ratios=(1.1, 1)))
    boxes = list(top.subplots(1, count, sharex=True, sharey=True, squeeze=False).flat)
    return fig, boxes, bottom.subplots()


def _loss_panel(
    loss_ax: Axes, series: Mapping[str, plot_data.TrainingFrames], single: bool, steps: int
) -> tuple[dict[str, Line2D], dict[str, Line2D]]:
    """The loss panel of :func:`animate_training`, with fixed limits: empty curves and markers."""
    curves, markers, everything = {}, {}, []
    colors = dict(zip(series, _cycle(len(series)), strict=True))
    for name, record in series.items():
        everything += [r.loss for r in record.run.history] + [s.loss for s in record.snapshots]
        color = "#000000" if single else colors[name]
        label = "total loss" if single else name
        (curves[name],) = loss_ax.plot([], [], label=label, color=color, linewidth=1.8)
        (markers[name],) = loss_ax.plot([], [], marker="o", linestyle="none", color=color)
    shown = [v for v in everything if math.isfinite(v) and v > 0] or [1.0]
    loss_ax.set_xlim(0, steps)
    loss_ax.set_ylim(min(shown) / 1.5, max(shown) * 1.5)
    _log_losses(loss_ax)
    loss_ax.yaxis.set_minor_formatter(NullFormatter())
    loss_ax.set_title("loss so far")
    loss_ax.legend(loc="upper right")
    return curves, markers


def _animate(
    series: Mapping[str, plot_data.TrainingFrames],
    boundaries: Mapping[str, list[list[list[float]]]],
    grid_x: list[float],
    grid_y: list[float],
    dataset: Dataset,
    wanted: list[int],
    alt: str,
    fps: float,
    dpi: float,
) -> TrainingAnimation:
    """The figure, its per-frame updates and the player of :func:`animate_training`."""
    names = list(series)
    single = names == [""]
    steps = next(iter(series.values())).steps
    fig, boxes, loss_ax = _animation_axes(len(names), single, dpi)
    _whiten(fig, loss_ax, *boxes)
    points = plot_data.dataset_points(dataset)
    regions: dict[str, Any] = {}
    for box, name in zip(boxes, names, strict=True):
        regions[name] = _draw_regions(box, grid_x, grid_y, boundaries[name][0])
        _scatter(box, points, outline=True)
        box.set_xlim(grid_x[0], grid_x[-1])
        box.set_ylim(grid_y[0], grid_y[-1])
        box.set_xlabel(X1)
        box.set_title(name or "decision boundary")
        box.grid(visible=False)
        box.locator_params(nbins=4)
    boxes[0].set_ylabel(X2, rotation=0, labelpad=10)
    fig.legend(handles=boundary_key(), loc="outside lower center", ncol=4)

    curves, markers = _loss_panel(loss_ax, series, single, steps)
    title = fig.suptitle("")

    def caption(step: int) -> str:
        parts = []
        for name, record in series.items():
            shown = [s for s in record.snapshots if s.step <= step][-1]
            label = f"{name}: " if name else ""
            if record.diverged_at is not None and step >= record.diverged_at:
                parts.append(f"{label}diverged at step {record.diverged_at}")
            else:
                parts.append(f"{label}loss {shown.loss:.4g}, accuracy {shown.accuracy:.0%}")
        return _frame_caption(step, steps, parts)

    def update(index: int) -> None:
        step = wanted[index]
        for box, (name, record) in zip(boxes, series.items(), strict=True):
            reached = [s for s in record.snapshots if s.step <= step]
            regions[name].remove()
            regions[name] = _draw_regions(box, grid_x, grid_y, boundaries[name][len(reached) - 1])
            history = [(r.step, r.loss) for r in record.run.history if r.step <= step]
            if step == record.steps and record.diverged_at is None:
                history.append((step, record.run.final_loss))
            curves[name].set_data([k for k, _ in history], [v for _, v in history])
            markers[name].set_data([reached[-1].step], [reached[-1].loss])
        title.set_text(f"after {steps} steps" if step == steps else f"step {step} of {steps}")

    captions = [caption(step) for step in wanted]
    update(0)
    # lay the figure out once: constrained layout on every frame would cost a quarter more
    fig.canvas.draw()
    fig.set_layout_engine("none")
    try:
        jshtml = _jshtml(fig, update, len(wanted), fps)
    finally:  # Ctrl-C or an error mid-animation leaves no figure open in pyplot
        plt.close(fig)
    return TrainingAnimation(_player_html(jshtml, alt, captions), wanted, captions)


def _jshtml(fig: Figure, update: Callable[[int], None], frames: int, fps: float) -> str:
    """Matplotlib's JavaScript player of ``frames`` frames of ``fig``, each drawn once.

    ``FuncAnimation.to_jshtml`` writes the same player with the same writer
    (``HTMLWriter``), but draws every frame twice: on the canvas, then again
    when it saves it. Here ``update(i)`` changes the artists and the writer's
    ``savefig`` is the only draw of each frame (the frames are the same).
    """
    with TemporaryDirectory() as folder:
        path = Path(folder, "player.html")
        # the stubs say int; to_jshtml passes a float too (1000 / interval), as here
        writer = HTMLWriter(fps=fps, embed_frames=True, default_mode="once")  # type: ignore[arg-type]
        with writer.saving(fig, str(path), dpi=fig.dpi):
            for index in range(frames):
                update(index)
                # opaque frames, as FuncAnimation.save gives a writer without transparency
                writer.grab_frame(facecolor=fig.get_facecolor(), transparent=False)  # type: ignore[no-untyped-call]
        return path.read_text()
