"""Drive Karpathy's original micrograd (installed by nox beside, not into, the venv)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from micrograd.datasets import Dataset

SCRIPT = Path(__file__).with_name("reference_demo.py")


def reference_path() -> str | None:
    """Where nox installed the original micrograd, if it did."""
    return os.environ.get("MICROGRAD_REFERENCE_PATH")


def demo_job(dataset: Dataset, nouts: list[int], seed: int, steps: int) -> dict[str, Any]:
    """The job for :func:`run_reference_demo`: micrograd's loop on ``dataset`` from ``seed``."""
    return {
        "xs": [list(point) for point in dataset.xs],
        "ys": list(dataset.ys),
        "nin": 2,
        "nouts": nouts,
        "seed": seed,
        "steps": steps,
    }


def run_reference_demo(job: dict[str, Any]) -> dict[str, Any]:
    """Run micrograd's demo loop on ``job`` in a subprocess and return its results."""
    path = reference_path()
    if path is None:
        raise RuntimeError("MICROGRAD_REFERENCE_PATH is not set; run through nox")
    path = str(Path(path).resolve())
    env = {**os.environ, "PYTHONPATH": path}
    done = subprocess.run(
        [sys.executable, str(SCRIPT)],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        env=env,
        check=False,
        cwd=path,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the reference micrograd run failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result
