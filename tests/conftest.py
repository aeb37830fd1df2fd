"""Fixtures every test file can use; plain helpers live in tests/helpers.py."""

from __future__ import annotations

import shutil

import pytest

from tests.helpers import skip_unless_available

pytest_plugins = ["tests.browser.fixtures"]  # Chromium and Playwright, for browser and Binder


@pytest.fixture
def dot_program() -> str:
    """The path of Graphviz's ``dot``."""
    path = shutil.which("dot")
    skip_unless_available(path is not None, "Graphviz's dot program is not installed")
    assert path is not None
    return path
