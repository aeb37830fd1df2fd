"""The kernels that execute the chapters start quietly.

ipykernel 7.4 and later warn on stderr when a kernel's sockets carry plain text; the
book build starts one kernel per chapter, so the warning printed once per chapter next
to the promise that any warning fails the build. book/conf.py has the kernel manager
provision CurveZMQ keys; this runs a one-cell notebook the way myst-nb does, after
loading book/conf.py, and reads the kernel's stderr.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import skip_unless_available

pytestmark = pytest.mark.book

BOOK = Path(__file__).resolve().parents[1] / "book"
RUN_ONE_CELL = f"""
import runpy
import nbformat
from nbclient import NotebookClient

runpy.run_path({str(BOOK / "conf.py")!r})
notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(6 * 7)")])
NotebookClient(notebook, kernel_name="python3").execute()
print(notebook.cells[0].outputs[0].text.strip())
"""


def test_a_chapter_kernel_prints_no_warning() -> None:
    skip_unless_available(
        importlib.util.find_spec("nbclient") is not None,
        "the docs dependencies are not installed; run `nox -s tests`",
    )
    done = subprocess.run(
        [sys.executable, "-c", RUN_ONE_CELL], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "42"
    assert "WARNING" not in done.stderr, done.stderr
