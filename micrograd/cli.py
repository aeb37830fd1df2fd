"""``python -m micrograd`` (or ``micrograd``): train the demo from a terminal, with progress.

With no options it runs what the book's walkthrough runs: the two-moons dataset,
``MLP(2, [16, 16, 1])`` and 100 steps of micrograd's loss and schedule. It prints
each step's loss and accuracy as it trains and a summary at the end; Ctrl-C stops
it and prints the steps finished so far.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path, PurePath
from types import ModuleType
from typing import TextIO

from micrograd import __version__
from micrograd.datasets import Dataset, blobs, make_moons, spiral
from micrograd.nn import MLP
from micrograd.progress import TrainingProgress
from micrograd.trainer import (
    TrainingCancelled,
    TrainingDiverged,
    TrainingRun,
    train,
)

__all__ = ["main", "run"]

DATASETS: dict[str, Callable[[int, float, int], Dataset]] = {
    "moons": lambda n, noise, seed: make_moons(n, noise=noise, random_state=seed),
    "spiral": lambda n, noise, seed: spiral(n, noise=noise, seed=seed),
    "blobs": lambda n, noise, seed: blobs(n, noise=noise, seed=seed),
}
"""The datasets ``--dataset`` can name, each made from (size, noise, seed).

``moons`` is :func:`~micrograd.datasets.make_moons`, as the walkthrough uses it.
"""

PLOT_INSTALL = 'python -m pip install "micrograd-book[plot] @ git+https://github.com/micrograd-book/micrograd-book"'

EXIT_CANCELLED = 130
"""The exit status after Ctrl-C (128 + SIGINT), as shells report it."""


def make_parser() -> argparse.ArgumentParser:
    """The command line's argument parser (its ``--help`` lists every option)."""
    parser = argparse.ArgumentParser(
        prog="micrograd",
        description=(
            "Train micrograd's two-moons demo (the book's walkthrough) and print the "
            "loss and accuracy as it goes."
        ),
        epilog="Ctrl-C stops training and prints the steps finished so far.",
    )
    parser.add_argument("--steps", type=int, default=100, help="training steps (default: 100)")
    parser.add_argument(
        "--seed",
        type=int,
        default=1337,
        help="seed of the dataset and the starting weights (default: 1337)",
    )
    parser.add_argument(
        "--dataset", choices=sorted(DATASETS), default="moons", help="the points (default: moons)"
    )
    parser.add_argument("--samples", type=int, default=100, help="how many points (default: 100)")
    parser.add_argument(
        "--noise", type=float, default=0.1, help="noise added to each point (default: 0.1)"
    )
    parser.add_argument(
        "--layers",
        type=int,
        nargs="+",
        default=[16, 16, 1],
        metavar="N",
        help="layer sizes after the 2 inputs; the last must be 1 (default: 16 16 1)",
    )
    parser.add_argument(
        "--learning-rate",
        type=float,
        default=None,
        help="a constant learning rate (default: micrograd's schedule, 1.0 falling to 0.1)",
    )
    parser.add_argument(
        "--alpha", type=float, default=1e-4, help="L2 regularization strength (default: 0.0001)"
    )
    parser.add_argument(
        "--batch-size", type=int, default=None, help="points per step (default: all)"
    )
    parser.add_argument(
        "--plot",
        metavar="FILE",
        default=None,
        help="save the learned decision boundary to FILE (.png, .svg, .pdf; needs matplotlib)",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="print only the summary, not each step"
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def _summary(run: TrainingRun[MLP], steps: int, seconds: float) -> str:
    """What a finished run printed: final loss and accuracy, steps and time."""
    return (
        f"final loss {run.final_loss:.4f}, accuracy {run.final_accuracy:.0%} "
        f"({steps} steps in {seconds:.1f} s)"
    )


def _partial(run: TrainingRun[MLP], seconds: float) -> str:
    """What a run stopped by Ctrl-C printed: its last logged step."""
    if not run.history:
        return f"stopped before the first step ({seconds:.1f} s)"
    last = run.history[-1]
    return (
        f"stopped after {len(run.history)} steps in {seconds:.1f} s: at step {last.step} "
        f"the loss was {last.loss:.4f} and the accuracy {last.accuracy:.0%}"
    )


def _plotting(parser: argparse.ArgumentParser, path: str) -> ModuleType:
    """:mod:`micrograd.plots` on a file-only backend, once ``path``'s format is known good."""
    try:
        matplotlib = importlib.import_module("matplotlib")
    except ImportError:
        parser.error(f"--plot needs matplotlib; install it with: {PLOT_INSTALL}")
    matplotlib.use("Agg")  # files only: no window, no display needed
    figure = importlib.import_module("matplotlib.figure")
    formats = figure.Figure().canvas.get_supported_filetypes()
    suffix = PurePath(path).suffix.lstrip(".").lower()
    if suffix not in formats:
        parser.error(
            f"--plot FILE must end in one of {', '.join('.' + f for f in sorted(formats))}, "
            f"got {path!r}"
        )
    folder = Path(path).parent
    if not folder.is_dir():
        parser.error(f"--plot FILE must be in an existing folder, got {path!r}")
    return importlib.import_module("micrograd.plots")


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the command line on ``argv`` (default ``sys.argv[1:]``); return the exit status.

    Bad options exit through argparse (status 2, with its usage message).
    """
    stream = sys.stdout if out is None else out
    parser = make_parser()
    options = parser.parse_args(argv)
    plots = None if options.plot is None else _plotting(parser, options.plot)
    if options.layers[-1] != 1:
        parser.error(f"the last of --layers must be 1 (one score per point), got {options.layers}")
    try:
        dataset = DATASETS[options.dataset](options.samples, options.noise, options.seed)
        model = MLP(2, options.layers, seed=options.seed)
    except (TypeError, ValueError) as error:
        parser.error(str(error))
    seed_name = "random_state" if options.dataset == "moons" else "seed"
    print(
        f"training MLP(2, {options.layers}) ({model.parameter_count()} parameters) on "
        f"{dataset.metadata.get('name', options.dataset)}({options.samples}, "
        f"noise={options.noise}, {seed_name}={options.seed}) for {options.steps} steps",
        file=stream,
        flush=True,
    )
    try:
        shown = None if options.quiet else TrainingProgress(options.steps, stream=stream)
    except ValueError as error:  # a negative --steps, refused before anything is shown
        parser.error(str(error))
    start = time.perf_counter()
    try:
        run = train(
            model,
            dataset,
            steps=options.steps,
            alpha=options.alpha,
            learning_rate=options.learning_rate,
            batch_size=options.batch_size,
            seed=options.seed,
            callback=None if shown is None else shown.update,
        )
    except (TypeError, ValueError) as error:
        parser.error(str(error))
    except TrainingCancelled as cancelled:
        if shown is not None:
            shown.close()
        print(_partial(cancelled.run, time.perf_counter() - start), file=stream)
        return EXIT_CANCELLED
    except TrainingDiverged as diverged:
        if shown is not None:
            shown.close()
        print(
            f"training diverged at step {diverged.step} (loss {diverged.loss!r}); "
            "try a smaller --learning-rate",
            file=stream,
        )
        return 1
    if shown is not None:
        shown.close()
    print(_summary(run, options.steps, time.perf_counter() - start), file=stream)
    if plots is not None:
        fig = plots.plot_decision_boundary(run.final_model, dataset)
        try:
            fig.savefig(options.plot)
        except OSError as error:  # e.g. a folder without write permission
            sys.stderr.write(f"micrograd: could not save --plot {options.plot!r}: {error}\n")
            return 1
        print(f"decision boundary saved to {options.plot}", file=stream)
    return 0


def run() -> None:
    """The ``micrograd`` console script and ``python -m micrograd``: :func:`main`, then exit.

    Ctrl-C outside training (while starting, or saving the plot) exits quietly too.
    """
    try:
        status = main()
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        status = EXIT_CANCELLED
    sys.exit(status)
