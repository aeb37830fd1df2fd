"""Matplotlib figures of datasets, training runs and decision boundaries.

Needs the ``plot`` extra (``micrograd-book[plot]``; see Getting started). Every function
draws from the rows of :mod:`micrograd.plot_data`, accepts an optional ``ax``
(or axes) to draw into, returns the figure, and uses a white background so the
figures stay readable on a dark page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from micrograd import plot_data
from micrograd._checks import fail
from micrograd.datasets import Dataset
from micrograd.nn import Module
from micrograd.plot_data import _check_dataset, _check_run
from micrograd.trainer import TrainingRun

try:
    import matplotlib.pyplot as plt
    from matplotlib.axes import Axes
    from matplotlib.colors import ListedColormap
except ImportError as error:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "micrograd.plots needs matplotlib: install the plot extra with "
        'pip install "micrograd-book[plot] @ git+https://github.com/micrograd-book/micrograd-book"'
    ) from error

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "BOOK_STYLE",
    "CLASS_COLORS",
    "apply_book_style",
    "plot_accuracy",
    "plot_dataset",
    "plot_decision_boundary",
    "plot_loss_comparison",
    "plot_losses",
    "plot_training",
]

CLASS_COLORS = {-1.0: "#d1495b", 1.0: "#2e86ab"}
"""The colour of each class label, used for points and (lighter) boundary regions."""

_BACKGROUND = "white"


def _whiten(fig: Figure, *axes: Axes) -> None:
    fig.patch.set_facecolor(_BACKGROUND)
    for ax in axes:
        ax.set_facecolor(_BACKGROUND)


def _figure_for(ax: Axes | None, figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    """``ax`` and its figure, or a new figure of ``figsize`` with one axes; both white."""
    if ax is not None and not isinstance(ax, Axes):
        fail("ax", "a matplotlib Axes or None", ax, TypeError)
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    else:
        fig = cast("Figure", ax.get_figure(root=True))
    _whiten(fig, ax)
    return fig, ax


def _scatter(ax: Axes, rows: Sequence[Mapping[str, float]], outline: bool) -> None:
    for label, color in CLASS_COLORS.items():
        xs = [r["x"] for r in rows if r["label"] == label]
        ys = [r["y"] for r in rows if r["label"] == label]
        ax.scatter(
            xs,
            ys,
            s=28,
            c=color,
            edgecolors="black" if outline else "none",
            linewidths=0.6,
            label=f"label {label:+.0f}",
            zorder=3,
        )


def _check_title(title: object, allow_none: bool) -> None:
    if not (isinstance(title, str) or (allow_none and title is None)):
        fail("title", "a str or None" if allow_none else "a str", title, TypeError)


def plot_dataset(dataset: Dataset, ax: Axes | None = None, title: str | None = None) -> Figure:
    """A scatter plot of ``dataset``, one colour per class.

    Raises:
        TypeError: If ``dataset`` is not a ``Dataset`` or ``title`` not a str/None.

    """
    _check_dataset(dataset)
    _check_title(title, allow_none=True)
    fig, ax = _figure_for(ax, (4.8, 4.2))
    _scatter(ax, plot_data.dataset_points(dataset), outline=False)
    ax.set_title(title if title is not None else str(dataset.metadata.get("name", "dataset")))
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_aspect("equal", adjustable="datalim")
    ax.legend(loc="best", fontsize="small")
    return fig


def _loss_curve(run: TrainingRun[Any], metric: str) -> tuple[list[int], list[float]]:
    """The steps and values of one :data:`~micrograd.plot_data.LOSS_METRICS` metric."""
    rows = [r for r in plot_data.loss_history(run) if r["metric"] == metric]
    return [r["step"] for r in rows], [r["value"] for r in rows]


def plot_losses(run: TrainingRun[Any], ax: Axes | None = None) -> Figure:
    """The total, data and regularization loss at each logged step.

    Raises:
        TypeError: If ``run`` is not a ``TrainingRun`` or ``ax`` not a matplotlib ``Axes``.

    """
    _check_run(run)
    fig, ax = _figure_for(ax, (6.4, 3.4))
    for metric in plot_data.LOSS_METRICS:
        ax.plot(*_loss_curve(run, metric), label=metric)
    ax.set_title("loss")
    ax.set_xlabel("step")
    ax.legend(fontsize="small")
    return fig


def plot_accuracy(run: TrainingRun[Any], ax: Axes | None = None) -> Figure:
    """The accuracy, in percent, at each logged step.

    Raises:
        TypeError: If ``run`` is not a ``TrainingRun`` or ``ax`` not a matplotlib ``Axes``.

    """
    _check_run(run)
    fig, ax = _figure_for(ax, (6.4, 3.4))
    rows = plot_data.accuracy_history(run)
    ax.plot([r["step"] for r in rows], [r["value"] for r in rows], color="#3b8b5a")
    ax.set_title("accuracy (%)")
    ax.set_xlabel("step")
    ax.set_ylim(0, 102)
    return fig


def plot_training(run: TrainingRun[Any], axes: Sequence[Axes] | None = None) -> Figure:
    """Two panels side by side: :func:`plot_losses` and :func:`plot_accuracy`.

    Raises:
        TypeError: If ``run`` is not a ``TrainingRun`` or ``axes`` not a pair of
            matplotlib ``Axes``.
        ValueError: If ``axes`` is given but does not hold exactly two axes.

    """
    _check_run(run)
    if axes is None:
        _fig, (loss_ax, acc_ax) = plt.subplots(1, 2, figsize=(9.0, 3.4), layout="constrained")
    else:
        try:
            pair = tuple(axes)  # a list, or the array plt.subplots(1, 2) returns
        except TypeError:
            fail("axes", "two matplotlib Axes (loss, accuracy) or None", axes, TypeError)
        if len(pair) != 2:
            raise ValueError(f"axes must hold exactly two axes (loss, accuracy), got {len(pair)}")
        loss_ax, acc_ax = pair
    plot_losses(run, loss_ax)
    return plot_accuracy(run, acc_ax)


BOOK_STYLE: dict[str, Any] = {
    "figure.facecolor": _BACKGROUND,
    "axes.facecolor": _BACKGROUND,
    "savefig.facecolor": _BACKGROUND,
    "figure.dpi": 100,
    "figure.figsize": (6.4, 4.0),
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
"""The matplotlib settings the book's figures use (white background, light grid)."""


def apply_book_style() -> None:
    """Set :data:`BOOK_STYLE` in ``matplotlib.rcParams`` for every following figure."""
    plt.style.use(BOOK_STYLE)


def plot_loss_comparison(
    runs: Mapping[str, TrainingRun[Any]], ax: Axes | None = None, metric: str = "total"
) -> Figure:
    """One loss curve per named run, to compare settings such as learning rates.

    Raises:
        TypeError: If ``runs`` is not a mapping of names to ``TrainingRun`` objects.
        ValueError: If ``metric`` is not ``"total"``, ``"data"`` or ``"regularization"``.

    """
    if not isinstance(runs, Mapping):
        fail("runs", "a mapping of names to TrainingRun objects", runs, TypeError)
    for run in runs.values():
        _check_run(run)
    if metric not in plot_data.LOSS_METRICS:
        fail("metric", f"one of {sorted(plot_data.LOSS_METRICS)}", metric)
    fig, ax = _figure_for(ax, (6.4, 3.4))
    for name, run in runs.items():
        ax.plot(*_loss_curve(run, metric), label=name)
    ax.set_title(f"{metric} loss")
    ax.set_xlabel("step")
    ax.legend(fontsize="small")
    return fig


def plot_decision_boundary(
    model: Module,
    dataset: Dataset,
    h: float = 0.25,
    padding: float = 1.0,
    ax: Axes | None = None,
    title: str = "decision boundary",
) -> Figure:
    """The model's predicted class over a grid, with the training points on top.

    Grid cells where the score is NaN are left blank.

    Raises:
        TypeError: If ``model`` is not a model, ``dataset`` not a ``Dataset`` or
            ``title`` not a str.
        ValueError: If the grid is too large or too small for ``h`` (see
            :func:`~micrograd.plot_data.grid_axes`).

    """
    _check_title(title, allow_none=False)
    xs, ys = plot_data.grid_axes(dataset, h, padding)
    rows = plot_data.decision_boundary(model, dataset, h, padding)
    fig, ax = _figure_for(ax, (5.2, 4.4))
    predicted = [
        [rows[j * len(xs) + i]["predicted"] for i in range(len(xs))] for j in range(len(ys))
    ]
    regions = ListedColormap([CLASS_COLORS[-1.0], CLASS_COLORS[1.0]])
    ax.contourf(xs, ys, predicted, levels=[-2, 0, 2], cmap=regions, alpha=0.3)
    _scatter(ax, plot_data.dataset_points(dataset), outline=True)
    ax.set_xlim(xs[0], xs[-1])
    ax.set_ylim(ys[0], ys[-1])
    ax.set_title(title)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    return fig
