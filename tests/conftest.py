"""Shared test helpers."""

from __future__ import annotations

import os
import shutil

import pytest

from micrograd import Value


def skip_unless_available(available: bool, reason: str) -> None:
    """Skip a test whose tool is missing, except in CI, where a missing tool is a failure."""
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must provide it; see .ci/run)")
    pytest.skip(reason)


@pytest.fixture
def dot_program() -> str:
    """The path of Graphviz's ``dot``."""
    path = shutil.which("dot")
    skip_unless_available(path is not None, "Graphviz's dot program is not installed")
    assert path is not None
    return path


def warmup_expression() -> tuple[Value, Value]:
    """The seeds' warm-up: returns ``(x, y)`` with ``y = -20`` and ``dy/dx = 46``."""
    x = Value(-4.0, label="x")
    z = (2 * x + 2 + x).with_label("z")
    q = (z.relu() + z * x).with_label("q")
    h = (z * z).relu().with_label("h")
    y = (h + q + q * x).with_label("y")
    return x, y
