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

from tests.conftest import skip_unless_available

BOOK = Path(__file__).resolve().parents[1] / "book"
CHAPTERS = [
    "index",
    "getting-started",
    "from-scratch",
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


def test_from_scratch_sits_between_getting_started_and_the_walkthrough(built_book: Path) -> None:
    html = page(built_book, "from-scratch")
    assert re.search(r'class="left-prev"\s+href="getting-started\.html"', html)
    assert re.search(r'class="right-next"\s+href="walkthrough\.html"', html)
    nav = re.findall(r'href="([\w-]+)\.html"', page(built_book, "index").split("bd-docs-nav")[1])
    order = [name for name in nav if name in ("getting-started", "from-scratch", "walkthrough")]
    assert order[:3] == ["getting-started", "from-scratch", "walkthrough"]


def test_from_scratch_shows_its_figures_and_graphs(built_book: Path) -> None:
    html = page(built_book, "from-scratch")
    tags = re.findall(r'<img[^>]*src="_images/[^>]*>', html)
    sources = [re.search(r'src="([^"]+)"', tag).group(1) for tag in tags]  # type: ignore[union-attr]
    assert [src.rsplit(".", 1)[1] for src in sources] == ["png", "svg", "svg", "svg"]
    for tag, src in zip(tags, sources, strict=True):
        assert re.search(r'alt="[^"]{10,}"', tag), tag
        assert (built_book / src).stat().st_size > 1000, src
    warm_up_graph = (built_book / sources[1]).read_text(encoding="utf-8")
    assert "grad 46.0000" in warm_up_graph
    assert re.search(r"data (-|&#45;)20\.0000", warm_up_graph)
    for label in ("relu(z)", "z·z", "q·x"):
        assert label in warm_up_graph
    assert "linear" in (built_book / sources[3]).read_text(encoding="utf-8")


def test_from_scratch_prose_numbers_come_from_cells(built_book: Path) -> None:
    html = page(built_book, "from-scratch")
    assert html.count('class="pasted-text"') >= 20
    text = " ".join(re.sub(r"<[^>]+>", "", html).split())
    for claim in [
        "gets back 46.",
        "The sum over all paths is 46, exactly what backward() returned",
        "On the warm-up it returns -20 instead of 46",
        "the README promises: g = 24.7041, dg/da = 138.8338, dg/db = 645.5773.",
        "On 20 random expressions, all 60 gradients agree",
    ]:
        assert claim in text, claim
    engine = re.search(r"That is the whole engine: (\d+) non-blank lines\.", text)
    assert engine is not None
    assert 30 <= int(engine.group(1)) <= 50  # "about 40 lines", counted by the build


def test_from_scratch_exercise_solutions_are_executed_and_folded(built_book: Path) -> None:
    html = page(built_book, "from-scratch")
    solutions = html.split('class="solution dropdown admonition"')[1:]
    assert len(solutions) == 4
    for solution in solutions:
        assert 'class="cell_output' in solution.split("</section>")[0]
    assert "togglebutton.js" in html
    text = " ".join(re.sub(r"<[^>]+>", "", html).split())
    assert "dy/da = -2.0, dy/db = -3.0" in text
    assert "dy/dx = 12.0; the broken pass says 4.0" in text


def test_from_scratch_code_fits_the_column() -> None:
    source = (BOOK / "from-scratch.md").read_text(encoding="utf-8")
    cell = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```$", re.MULTILINE | re.DOTALL)
    cells = cell.findall(source)
    assert len(cells) > 20
    # sphinx-book-theme's desktop column shows about 80 characters of code before
    # scrolling (the browser tests measure the real thing)
    too_long = [line for cell in cells for line in cell.splitlines() if len(line) > 80]
    assert too_long == []


def test_prose_numbers_are_glued_from_executed_cells(built_book: Path) -> None:
    text = re.sub(r"<[^>]+>", "", page(built_book, "walkthrough"))
    assert "Where do the 337 parameters sit?" in text
    assert re.search(r"ends at\s+100% training accuracy", text)


def test_launch_and_download_buttons(built_book: Path) -> None:
    for name in ["getting-started", "from-scratch", "walkthrough", "extras", "troubleshooting"]:
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
    shutil.copy(BOOK / "conf.py", source / "conf.py")
    shutil.copytree(BOOK / "_static", source / "_static")
    (source / "index.md").write_text(FAILING_CHAPTER, encoding="utf-8")
    done = sphinx_build(source, tmp_path / "html")
    assert done.returncode != 0
    output = done.stdout + done.stderr
    assert "ExecutionError" in output
    assert "index.md" in output
