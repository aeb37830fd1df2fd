"""Build the book as a reader's machine would, and check what it contains.

These tests execute every chapter (about a minute); they need the ``docs``
dependency group, which ``nox -s tests`` installs.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import micrograd
from tests.conftest import skip_unless_available

BOOK = Path(__file__).resolve().parents[1] / "book"
CHAPTERS = [
    "index",
    "getting-started",
    "walkthrough",
    "extras",
    "design-notes",
    "troubleshooting",
    "api",
    "build-report",
]


def sphinx_build(source: Path, out: Path) -> subprocess.CompletedProcess[str]:
    """The build command of ``nox -s docs``, into ``out``."""
    skip_unless_available(
        importlib.util.find_spec("sphinx") is not None
        and importlib.util.find_spec("myst_nb") is not None,
        "the docs dependencies are not installed; run `nox -s tests`",
    )
    command = [sys.executable, "-m", "sphinx", "-E", "-j", "auto", "-n", "-W", "--keep-going"]
    command += ["-b", "html", str(source), str(out)]
    return subprocess.run(command, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def built_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    skip_unless_available(shutil.which("dot") is not None, "Graphviz's dot program is missing")
    out = tmp_path_factory.mktemp("book") / "html"
    done = sphinx_build(BOOK, out)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-5000:]
    return out


def page(built_book: Path, name: str) -> str:
    return (built_book / f"{name}.html").read_text(encoding="utf-8")


def test_every_chapter_page_exists(built_book: Path) -> None:
    for name in CHAPTERS:
        assert (built_book / f"{name}.html").is_file(), name
    assert "✅" in page(built_book, "build-report")
    assert "❌" not in page(built_book, "build-report")


def test_walkthrough_shows_graph_figures_and_the_337_check(built_book: Path) -> None:
    html = page(built_book, "walkthrough")
    assert "parameter check passed: 337 == 337" in html
    images = [src for src in re.findall(r'<img[^>]*src="([^"]+)"', html) if "_images/" in src]
    svgs = [src for src in images if src.endswith(".svg")]
    pngs = [src for src in images if src.endswith(".png")]
    assert len(svgs) == 1, images  # the computation graph, rendered by Graphviz
    graph = (built_book / svgs[0]).read_text(encoding="utf-8")
    assert re.search(r"data (-|&#45;)20\.0000", graph)  # Graphviz writes '-' as &#45;
    assert len(pngs) == 4, images  # dataset, loss, accuracy, decision boundary
    for src in images:
        assert (built_book / src).stat().st_size > 1000, src
    for tag in re.findall(r'<img[^>]*src="_images/[^>]*>', html):
        assert re.search(r'alt="[^"]{10,}"', tag), tag


def test_prose_numbers_are_glued_from_executed_cells(built_book: Path) -> None:
    text = re.sub(r"<[^>]+>", "", page(built_book, "walkthrough"))
    assert "Where do the 337 parameters sit?" in text
    assert re.search(r"ends at\s+100% training accuracy", text)


def test_launch_and_download_buttons(built_book: Path) -> None:
    for name in ["getting-started", "walkthrough", "extras", "troubleshooting"]:
        html = page(built_book, name)
        assert "https://mybinder.org/v2/gh/" in html
        assert f"/main?urlpath=lab/tree/book/{name}.md" in html
        assert f"_sources/{name}.ipynb" in html


def test_downloadable_notebook_holds_outputs(built_book: Path) -> None:
    notebook = json.loads((built_book / "_sources" / "walkthrough.ipynb").read_text())
    outputs = [o for cell in notebook["cells"] for o in cell.get("outputs", [])]
    assert any("image/png" in o.get("data", {}) for o in outputs)


FAILING_CHAPTER = """\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# A broken chapter

```{code-cell} python
1 / 0
```
"""


def test_a_failing_cell_fails_the_build(tmp_path: Path) -> None:
    source = tmp_path / "book"
    source.mkdir()
    for name in ("conf.py", "jupyter_lite_config.json"):
        shutil.copy(BOOK / name, source / name)
    for folder in ("_static", "_ext"):
        shutil.copytree(BOOK / folder, source / folder)
    (source / "index.md").write_text(FAILING_CHAPTER, encoding="utf-8")
    done = sphinx_build(source, tmp_path / "html")
    assert done.returncode != 0
    output = done.stdout + done.stderr
    assert "ExecutionError" in output
    assert "index.md" in output


def test_every_notebook_chapter_offers_binder_jupyterlite_and_colab(built_book: Path) -> None:
    lite_contents = json.loads((built_book / "lite/api/contents/book/all.json").read_text())
    in_lite = {item["name"] for item in lite_contents["content"]}
    notebooks = sorted(p.stem for p in (BOOK / "notebooks").glob("*.ipynb"))
    assert "walkthrough" in notebooks
    for name in notebooks:
        links = set(re.findall(r'href="([^"]+)"', page(built_book, name)))
        assert f"{name}.ipynb" in in_lite
        assert (
            "https://mybinder.org/v2/gh/micrograd-book/micrograd-book/main"
            f"?urlpath=lab/tree/book/{name}.md"
        ) in links
        assert f"lite/lab/index.html?path=book/{name}.ipynb" in links
        assert (
            "https://colab.research.google.com/github/micrograd-book/micrograd-book"
            f"/blob/main/book/notebooks/{name}.ipynb"
        ) in links


def test_lite_site_serves_this_commit_wheel(built_book: Path) -> None:
    index = json.loads((built_book / "lite/pypi/all.json").read_text())
    (release,) = index["micrograd-book"]["releases"].values()
    assert release[0]["filename"] == f"micrograd_book-{micrograd.__version__}-py3-none-any.whl"
    assert (built_book / "lite/pypi" / release[0]["filename"]).is_file()


def test_pages_load_nothing_from_google_fonts(built_book: Path) -> None:
    assert "fonts.googleapis.com" not in page(built_book, "index")
