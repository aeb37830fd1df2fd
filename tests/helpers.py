"""What several test files share: the book's chapters and launchers, and small helpers."""

from __future__ import annotations

import copy
import importlib.util
import os
import pickle
import re
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from urllib.parse import urlsplit

import pytest

from micrograd import Value
from micrograd.nn import MLP

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
DEMO_LOG = ROOT / "tests" / "golden" / "micrograd_demo_log.txt"
"""The 100 lines micrograd's demo.ipynb printed while training (step, loss, accuracy),
as committed in Karpathy's repository."""


def prepared_folder(variable: str, default: Path, marker: str, missing: str) -> Path:
    """The folder the environment ``variable`` names (else ``default``), holding ``marker``.

    Without the marker file the test fails with ``missing`` (``{path}`` is the folder):
    the session that runs the test is the one that prepares the folder.
    """
    path = Path(os.environ.get(variable, default)).resolve()
    if not (path / marker).is_file():
        pytest.fail(missing.format(path=path))
    return path


def demo_log() -> list[tuple[str, str, str]]:
    """The demo log's lines as ``(step, loss, accuracy)`` strings, digits as printed."""
    return re.findall(r"step (\d+) loss (\S+), accuracy (\S+)%", DEMO_LOG.read_text())


CHAPTERS = {
    "index": "micrograd, the book",
    "getting-started": "Getting started",
    "from-scratch": "Backpropagation from scratch",
    "build-the-network": "Build the network",
    "walkthrough": "Walkthrough: the two-moons demo",
    "extras": "Extras: turning the knobs",
    "design-notes": "Design notes",
    "troubleshooting": "Troubleshooting",
    "api": "API reference",
    "build-report": "Build report",
}
"""Every chapter, in reading order, with the title its page shows."""
NOTEBOOK_CHAPTERS = sorted(path.stem for path in BOOK.glob("*.ipynb"))
"""The chapters that are notebooks (each has a generated notebook beside it)."""
SOURCES = sorted(path.stem for path in BOOK.glob("*.md"))
"""Every MyST source of the book."""


def solutions_in(name: str) -> int:
    """How many exercise solutions a chapter's source has."""
    return (BOOK / f"{name}.md").read_text(encoding="utf-8").count("{solution-start}")


EXERCISE_CHAPTERS = [name for name in SOURCES if solutions_in(name)]


def repository_url() -> str:
    """The repository the launch buttons name: pyproject.toml's, or the build's override."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return os.environ.get("MICROGRAD_BOOK_REPOSITORY_URL") or project["urls"]["Source"]


def launchers(name: str) -> dict[str, str]:
    """The address each launch button of chapter ``name`` opens, by the button's text."""
    repository = urlsplit(repository_url()).path.strip("/")
    branch = os.environ.get("MICROGRAD_BOOK_BRANCH", "main")
    return {
        "Binder": f"https://mybinder.org/v2/gh/{repository}/{branch}"
        f"?urlpath=lab/tree/book/{name}.ipynb",
        "JupyterLite": f"lite/lab/index.html?path=book/{name}.ipynb",
        "Colab": f"https://colab.research.google.com/github/{repository}/blob/{branch}"
        f"/book/{name}.ipynb",
    }


def load_module(path: Path, name: str) -> ModuleType:
    """The Python file at ``path`` imported as module ``name`` (the book's conf and extensions)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def skip_unless_available(available: bool, reason: str) -> None:
    """Skip a test whose tool is missing, except in CI, where a missing tool is a failure."""
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must provide it; see .ci/run)")
    pytest.skip(reason)


def warmup_expression() -> tuple[Value, Value]:
    """The seeds' warm-up: returns ``(x, y)`` with ``y = -20`` and ``dy/dx = 46``."""
    x = Value(-4.0, label="x")
    z = (2 * x + 2 + x).with_label("z")
    q = (z.relu() + z * x).with_label("q")
    h = (z * z).relu().with_label("h")
    y = (h + q + q * x).with_label("y")
    return x, y


def pickled(obj: object) -> object:
    """``obj`` pickled and unpickled."""
    return pickle.loads(pickle.dumps(obj))


CLONERS: dict[str, Callable[[object], object]] = {
    "pickle": pickled,
    "copy": copy.copy,
    "deepcopy": copy.deepcopy,
}
"""The three ways to duplicate an object that everything public must survive."""


def clones(obj: object) -> list[object]:
    """``obj`` pickled and unpickled, copied and deep-copied, in that order."""
    return [clone(obj) for clone in CLONERS.values()]


def nan_scoring_model() -> MLP:
    """``MLP(2, [1])`` scoring NaN where both inputs are large: ``inf - inf``.

    Its score is ``1.5e308 * x1 - 1.5e308 * x2``: both products overflow, to
    opposite infinities, as soon as ``x1`` and ``x2`` are above about 1.2, so a
    decision-boundary grid has NaN cells. Its squared weights overflow too, so
    its regularization term is not finite (test_training uses its own model).
    """
    return MLP(2, [1], seed=0).with_parameters([1.5e308, -1.5e308, 0.0])


class Tagged(MLP):
    """A user's subclass of MLP: it must stay itself through every new-model operation."""

    __slots__ = ()
