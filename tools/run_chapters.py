"""Execute every chapter of the book the way a Binder user would run it.

Run with the Python of the Binder environment (``nox -s binder`` does): each
``book/*.md`` whose front matter names a kernelspec is read with Jupytext and
executed with nbclient in ``book/``, the folder JupyterLab runs it in. A cell
tagged ``raises-exception`` may raise (nbclient honours the tag, as JupyterLab's
Run All does); any other error fails the run. Prints one timing line per chapter
and exits non-zero if any chapter failed.

Usage: ``python tools/run_chapters.py BOOK_DIR``
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import jupytext
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbformat import NotebookNode
from traitlets.config import Config

CELL_TIMEOUT_SECONDS = 600
ANSI_COLOUR = re.compile(r"\x1b\[[0-9;]*m")
# The kernel manager gives each kernel CurveZMQ keys, so ipykernel (7.4 and later) does
# not warn that its sockets on 127.0.0.1 carry plain text (the same setting as book/conf.py).
KERNEL_CONFIG = Config({"KernelManager": {"transport_encryption": "auto"}})


def chapters(book: Path) -> list[tuple[Path, NotebookNode]]:
    """Every MyST notebook in ``book``: the ``.md`` files whose front matter has a kernelspec."""
    found = []
    for path in sorted(book.glob("*.md")):
        notebook = jupytext.read(path)
        if "kernelspec" in notebook.metadata:
            found.append((path, notebook))
        else:
            print(f"  not a notebook (no kernelspec): {path.name}")
    return found


def execute(path: Path, notebook: NotebookNode) -> str | None:
    """Run every cell of one chapter; the error text, or None when it ran cleanly."""
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT_SECONDS,
        kernel_name=notebook.metadata.kernelspec.name,
        resources={"metadata": {"path": str(path.parent)}},
        config=KERNEL_CONFIG,
    )
    try:
        client.execute()
    except CellExecutionError as error:
        return ANSI_COLOUR.sub("", str(error))  # IPython colours its tracebacks
    return None


def main(book: Path) -> int:
    """Execute the chapters one after another, report timings and failures."""
    found = chapters(book)
    if not found:
        print(f"no chapters with a kernelspec in {book}")
        return 1
    failures = []
    total = time.perf_counter()
    for path, notebook in found:
        start = time.perf_counter()
        error = execute(path, notebook)
        seconds = time.perf_counter() - start
        print(f"  {path.name:<24} {seconds:6.1f} s  {'FAILED' if error else 'ok'}", flush=True)
        if error:
            failures.append(f"{path.name}:\n{error}")
    print(f"{len(found)} chapters in {time.perf_counter() - total:.1f} s")
    for failure in failures:
        print(f"\n{failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(Path(sys.argv[1])))
