"""The Colab notebooks in book/notebooks/ match the chapters they are generated from."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.helpers import skip_unless_available

BOOK = Path(__file__).resolve().parents[1] / "book"


@pytest.fixture(scope="module")
def runnable() -> ModuleType:
    skip_unless_available(
        importlib.util.find_spec("jupytext") is not None,
        "jupytext is not installed; run `nox -s tests`",
    )
    spec = importlib.util.spec_from_file_location(
        "runnable_notebooks", BOOK / "_ext" / "runnable_notebooks.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_every_chapter_has_its_colab_notebook_up_to_date(runnable: ModuleType) -> None:
    url = runnable.repository_url()
    chapters = runnable.chapters()
    assert {c.stem for c in chapters} >= {"index", "walkthrough", "troubleshooting"}
    stale = [
        str(runnable.colab_path(chapter).relative_to(BOOK.parent))
        for chapter in chapters
        if not runnable.colab_path(chapter).is_file()
        or runnable.colab_path(chapter).read_text(encoding="utf-8")
        != runnable.render(chapter, "colab", url)
    ]
    extra = {p.stem for p in (BOOK / "notebooks").glob("*.ipynb")} - {c.stem for c in chapters}
    assert not stale, f"out of date: {stale}; run `nox -s notebooks` and commit the result"
    assert not extra, f"notebooks of no chapter: {extra}; run `nox -s notebooks`"


def test_colab_setup_cell_installs_from_the_repository_with_the_extras(
    runnable: ModuleType,
) -> None:
    notebook = json.loads((BOOK / "notebooks" / "walkthrough.ipynb").read_text())
    setup = notebook["cells"][0]
    assert setup["cell_type"] == "code"
    assert setup["outputs"] == []
    assert (
        '%pip install --quiet "micrograd-book[plot,graph] @ git+'
        f'{runnable.repository_url()}"' in setup["source"]
    )
    assert all(c.get("outputs", []) == [] for c in notebook["cells"])


def test_lite_setup_installs_the_wheel_and_only_what_the_chapter_needs(
    runnable: ModuleType,
) -> None:
    url = runnable.repository_url()
    started = runnable.to_notebook(BOOK / "getting-started.md", "lite", url)
    walkthrough = runnable.to_notebook(BOOK / "walkthrough.md", "lite", url)
    assert started.cells[0].source.endswith("\n%pip install micrograd-book")
    assert "%pip install micrograd-book matplotlib graphviz" in walkthrough.cells[0].source


def test_glue_works_outside_the_book(runnable: ModuleType) -> None:
    source = runnable.setup_cell_source("from myst_nb import glue", "lite", "unused")
    code = source.split("\n", 3)[3]  # after the comments and the %pip line
    shown: list[object] = []
    display = ModuleType("IPython.display")
    display.display = shown.append  # type: ignore[attr-defined]
    saved = {name: sys.modules.get(name) for name in ("myst_nb", "IPython.display")}
    sys.modules["myst_nb"] = None  # type: ignore[assignment]  # not installed
    sys.modules["IPython.display"] = display
    try:
        exec(code, {})  # noqa: S102 - the generated setup code is what is under test
        glue = sys.modules["myst_nb"].glue  # the stand-in it registered
        glue("hidden", 1, display=False)
        glue("shown", 2)
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
    assert shown == [2]


def test_cells_that_cannot_run_in_a_browser_say_so(runnable: ModuleType) -> None:
    notebook = runnable.to_notebook(BOOK / "troubleshooting.md", "lite", "unused")
    marked = [c for c in notebook.cells if "cannot run in the browser" in c.source]
    assert marked
    assert all("subprocess." in c.source for c in marked)
    assert all("raises-exception" in c.metadata["tags"] for c in marked)


def test_the_cells_marked_for_the_browser_are_the_tagged_ones(runnable: ModuleType) -> None:
    """In the design notes, the cells that run micrograd in a second Python (or use its
    results) are marked; the cell that only defines the helpers, and the cells after,
    are not."""
    notebook = runnable.to_notebook(BOOK / "design-notes.md", "lite", "unused")
    marked = [c.source for c in notebook.cells if "cannot run in the browser" in c.source]
    assert len(marked) == 2
    assert "theirs = run_micrograd_demo(dataset, steps=2)" in marked[0]
    assert "theirs[" in marked[1]
    helpers = next(c for c in notebook.cells if "def run_micrograd_demo" in c.source)
    assert "cannot run in the browser" not in helpers.source
