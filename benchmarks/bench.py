"""Benchmark the cases the book depends on; print medians, not single runs.

Run with ``nox -s bench`` (which also installs Karpathy's micrograd beside the
venv, so its time per step is measured on this machine for the ratio). Cases:

* the official demo: moons(100, noise=0.1), MLP(2, [16, 16, 1]), 100 full-batch
  steps with the official schedule;
* one training step, split into forward, backward and update, with the graph's
  node and edge counts;
* ``decision_boundary`` at ``h=0.25``;
* backward through a chain 1,000,000 operations deep;
* peak memory (tracemalloc) of one training step.

Usage: ``python benchmarks/bench.py [--repeats N] [--reference-steps N]``.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from micrograd import Value
from micrograd.datasets import moons
from micrograd.engine import topological_order
from micrograd.losses import max_margin
from micrograd.nn import MLP
from micrograd.plot_data import decision_boundary
from micrograd.trainer import train

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.reference import demo_job, reference_path, run_reference_demo

TARGETS = {"demo_100_steps": 2.0, "decision_boundary": 0.05, "chain_backward": 5.0}


def median_seconds(fn: Callable[[], Any], repeats: int) -> tuple[float, list[float]]:
    """Median wall time of ``repeats`` calls, garbage collected between calls."""
    times = []
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def report(name: str, seconds: float, times: list[float], extra: str = "") -> None:
    target = TARGETS.get(name)
    verdict = ""
    if target is not None:
        verdict = f"  target < {target:g} s: {'met' if seconds < target else 'MISSED'}"
    spread = f"[{min(times):.4f} .. {max(times):.4f}]"
    print(f"{name:<22} median {seconds:9.4f} s  {spread}{verdict} {extra}".rstrip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--reference-steps", type=int, default=3)
    args = parser.parse_args()
    repeats = args.repeats

    dataset = moons(100, noise=0.1, seed=1337)
    model = MLP(2, [16, 16, 1], seed=1337)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, {repeats} repeats each\n")

    # The official demo, end to end.
    run_holder: list[Any] = []
    seconds, times = median_seconds(lambda: run_holder.append(train(model, dataset)), repeats)
    run = run_holder[-1]
    report(
        "demo_100_steps",
        seconds,
        times,
        f"({seconds * 10:.2f} ms/step, final accuracy {run.final_accuracy:.0%})",
    )

    # One step, phase by phase.
    result = max_margin(model, dataset.xs, dataset.ys)
    order = topological_order(result.total_loss)
    edge_count = sum(len(node.children) for node in order)
    fwd, fwd_times = median_seconds(lambda: max_margin(model, dataset.xs, dataset.ys), repeats * 4)
    grads = result.total_loss.backward()
    bwd, bwd_times = median_seconds(result.total_loss.backward, repeats * 4)
    upd, upd_times = median_seconds(lambda: model.apply_gradients(grads, 0.5), repeats * 4)
    report("step_forward", fwd, fwd_times, f"({len(order):,} nodes, {edge_count:,} edges)")
    report("step_backward", bwd, bwd_times, "(first step: the least dead ReLUs)")
    report("step_update", upd, upd_times)

    tracemalloc.start()
    step = max_margin(model, dataset.xs, dataset.ys)
    model.apply_gradients(step.total_loss.backward(), 1.0)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{'step_peak_memory':<22} {peak / 2**20:9.1f} MiB")

    # The decision boundary at the demo's resolution.
    trained = run.final_model
    grid: list[Any] = []
    seconds, times = median_seconds(
        lambda: grid.append(decision_boundary(trained, dataset, h=0.25)), repeats * 4
    )
    report("decision_boundary", seconds, times, f"({len(grid[-1]):,} grid points)")

    # A chain a million operations deep.
    x = Value(1.0)
    y = x
    for _ in range(1_000_000):
        y = y * 1.0000001
    seconds, times = median_seconds(y.backward, max(1, repeats // 2))
    report("chain_backward", seconds, times, "(1,000,000 nodes deep)")
    del y

    # Karpathy's micrograd on the same job, for the ratio.
    if reference_path() is None or args.reference_steps < 1:
        print("\nreference micrograd not installed (run through `nox -s bench`): no ratio")
        return
    reference = run_reference_demo(demo_job(dataset, [16, 16, 1], 1337, args.reference_steps))
    per_step = statistics.median(reference["seconds_per_step"])
    demo_per_step, _ = median_seconds(
        lambda: train(model, dataset, steps=10, log_every=10), repeats
    )
    demo_per_step /= 10
    print(
        f"\nmicrograd 0.1.0, same job: median {per_step:.3f} s/step over "
        f"{args.reference_steps} steps; ours {demo_per_step * 1e3:.1f} ms/step: "
        f"{per_step / demo_per_step:.0f}x faster"
    )
    same = all(
        abs(a.loss - b["loss"]) <= 1e-12 * max(1.0, abs(b["loss"]))
        for a, b in zip(run.history, reference["history"], strict=False)
    )
    print(f"losses equal to micrograd's for the first {args.reference_steps} steps: {same}")


if __name__ == "__main__":
    main()
