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
    "from-scratch",
    "build-the-network",
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
    assert re.search(r'<span id="build-seconds">\d+ s</span>', page(built_book, "build-report"))


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
    assert re.search(r'class="right-next"\s+href="build-the-network\.html"', html)
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
    assert re.search(r"ends at\s+100%\s+training accuracy", text)
    for name in SOURCES:
        if GLUE_ROLE.search((BOOK / f"{name}.md").read_text(encoding="utf-8")):
            html = page(built_book, name)
            assert "{glue" not in html, f"{name}: a glue role was not replaced"
            assert "Glue reference" not in html, name


# -- every number in the prose is glued, set in a code cell, or documented below ----------

FENCE = re.compile(r"^(`{3,}|:{3,})\s*(?:\{([\w:-]+)\})?")
GLUE_ROLE = re.compile(r"\{glue(?::\w+)?\}`")
PROSE_NUMBER = re.compile(r"(?<![\w.])\d+(?:,\d{3})*(?:\.\d+)?(?:e-?\d+)?(?!\w)")
MAX_CODE_LINE = 88  # characters a code cell shows at desktop width without clipping

# Numbers the prose quotes from somewhere other than its own cells, and where to find them.
QUOTED_NUMBERS = {
    "getting-started": {"3.11": ("pyproject.toml", 'requires-python = ">=3.11"')},
    "walkthrough": {
        "12": ("tests/test_parity.py", "steps = 12"),
        "30": ("tests/test_parity.py", "moons(30, noise=0.1, seed=1337)"),
        "1e-12": ("tests/test_parity.py", "rel=1e-12"),
        "1e-9": ("tests/test_parity.py", "rel=1e-9"),
    },
}


def split_chapter(text: str) -> tuple[str, list[str]]:
    """A MyST chapter's prose, and the source of each of its code cells."""
    if text.startswith("---\n"):
        text = text[text.index("\n---\n", 4) + 5 :]
    prose: list[str] = []
    cells: list[str] = []
    fence: tuple[str, str] | None = None
    for line in text.splitlines():
        if fence is None:
            opening = FENCE.match(line)
            if opening:
                fence = (opening.group(1), opening.group(2) or "")
                if fence[1] == "code-cell":
                    cells.append("")
            else:
                prose.append(line)
        elif line.strip() == fence[0]:
            fence = None
        elif fence[1] == "code-cell":
            cells[-1] += line + "\n"
    return "\n".join(prose), [cell_source(cell) for cell in cells]


def cell_source(cell: str) -> str:
    """A code cell's Python, without its options (``:tags:`` or a ``---`` YAML block)."""
    if cell.startswith("---\n"):
        return cell[cell.index("\n---\n", 4) + 5 :]
    return re.sub(r"\A(?::[\w-]+:.*\n)+", "", cell)


def prose_numbers(prose: str) -> list[str]:
    """The numbers a reader sees in running text (not in code, roles or link targets)."""
    prose = re.sub(r"\{[\w:-]+\}`[^`]*`", " ", prose)  # {glue:text}`...`, {doc}`...`
    prose = re.sub(r"`[^`]*`", " ", prose)  # inline code
    prose = re.sub(r"\]\([^)]*\)", "]", prose)  # link targets
    prose = re.sub(r"^#+\s+\d+\.\s", "", prose, flags=re.MULTILINE)  # "## 5. The loss"
    return PROSE_NUMBER.findall(prose)


def appears_in_code(number: str, cells: list[str]) -> bool:
    code = re.sub(r"(?<=\d)_(?=\d)", "", "\n".join(cells))  # 100_000 -> 100000
    plain = re.escape(number.replace(",", ""))
    return re.search(rf"(?<![\w.])(?<!e-){plain}(?![\w.]\d)(?!\w)", code) is not None


SOURCES = sorted(path.stem for path in BOOK.glob("*.md"))


@pytest.mark.parametrize("name", SOURCES)
def test_every_prose_number_is_glued_set_in_a_cell_or_quoted(name: str) -> None:
    """A number in running text comes from a glue role, or is a setting/assert of a cell.

    Anything else must be listed in ``QUOTED_NUMBERS`` with the file that says it.
    """
    prose, cells = split_chapter((BOOK / f"{name}.md").read_text(encoding="utf-8"))
    quoted = QUOTED_NUMBERS.get(name, {})
    unproven = [
        number
        for number in prose_numbers(prose)
        if number not in quoted and not appears_in_code(number, cells)
    ]
    assert unproven == [], f"{name}.md: numbers typed into the prose: {unproven}"
    root = BOOK.parent
    for number, (source, evidence) in quoted.items():
        assert evidence in (root / source).read_text(encoding="utf-8"), (name, number, source)


def test_the_number_checks_catch_a_typed_in_number() -> None:
    chapter = "---\nk: v\n---\n# T\n\n```{code-cell} python\nrun(steps=60)\n```\n\n"
    prose, cells = split_chapter(chapter + "After 60 steps the loss is 0.25.\n")
    assert prose_numbers(prose) == ["60", "0.25"]
    assert appears_in_code("60", cells)
    assert not appears_in_code("0.25", cells)
    assert not appears_in_code("12", ["assert x < 1e-12"])
    assert prose_numbers("## 5. The loss\n{glue:text}`a:.2f` and `h = 0.25`") == []
    assert cell_source("---\nmystnb:\n  image:\n    alt: 337\n---\nfig = f()\n") == "fig = f()\n"
    assert cell_source(":tags: [hide-input]\nx = 1\n") == "x = 1\n"


@pytest.mark.parametrize("name", SOURCES)
def test_code_cell_lines_fit_the_text_column(name: str) -> None:
    _, cells = split_chapter((BOOK / f"{name}.md").read_text(encoding="utf-8"))
    long_lines = [line for cell in cells for line in cell.splitlines() if len(line) > MAX_CODE_LINE]
    assert long_lines == [], f"{name}.md: code lines over {MAX_CODE_LINE} characters"


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


# -- Build the network: the chapter that builds the demo on the from-scratch engine --------


def test_build_the_network_sits_between_from_scratch_and_the_walkthrough(
    built_book: Path,
) -> None:
    html = page(built_book, "build-the-network")
    assert re.search(r'class="left-prev"\s+href="from-scratch\.html"', html)
    assert re.search(r'class="right-next"\s+href="walkthrough\.html"', html)


def test_build_the_network_shows_its_checks_and_figures(built_book: Path) -> None:
    html = page(built_book, "build-the-network")
    text = " ".join(re.sub(r"<[^>]+>", "", html).split())
    assert "{glue" not in html
    steps = re.search(r"Your network ran (\d+) steps, and at every one its loss matched", text)
    assert steps is not None
    assert 5 <= int(steps.group(1)) <= 10
    for claim in [
        "337 parameters: the first layer",
        "All 9 gradients agree with nudging",
        "numbers agree with PyTorch 2.13.0",
    ]:
        assert claim in text, claim
    assert re.search(r"The library finished the demo.s 100 steps at 100% accuracy", text)
    tags = re.findall(r'<img[^>]*src="_images/[^>]*>', html)
    assert len(tags) == 2  # the hinge, the two engines' losses
    for tag in tags:
        assert re.search(r'alt="[^"]{20,}"', tag), tag
        src = re.search(r'src="([^"]+)"', tag).group(1)  # type: ignore[union-attr]
        assert (built_book / src).stat().st_size > 1000, src


def test_build_the_network_pytorch_code_is_the_tested_code() -> None:
    """The chapter's PyTorch blocks are what tests/test_torch_parity.py runs.

    Every statement of the chapter's (not executed) ``python`` blocks, except the
    import and the prints, is a statement of the test's PyTorch functions.
    """
    import ast  # noqa: PLC0415

    chapter = (BOOK / "build-the-network.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```python\n(.*?)^```$", chapter, re.MULTILINE | re.DOTALL)
    assert len(blocks) == 2
    test_source = (BOOK.parent / "tests" / "test_torch_parity.py").read_text(encoding="utf-8")
    functions = {
        node.name: node for node in ast.parse(test_source).body if isinstance(node, ast.FunctionDef)
    }
    for block, name in zip(blocks, ["warm_up_in_torch", "tanh_neuron_in_torch"], strict=True):
        tested = {ast.unparse(statement) for statement in functions[name].body}
        shown = [
            ast.unparse(statement)
            for statement in ast.parse(block).body
            if not isinstance(statement, ast.Import)
            and not (
                isinstance(statement, ast.Expr)
                and isinstance(statement.value, ast.Call)
                and getattr(statement.value.func, "id", "") == "print"
            )
        ]
        assert len(shown) >= 6, name
        assert [s for s in shown if s not in tested] == [], name


def test_build_the_network_recorded_pytorch_numbers_are_complete() -> None:
    recorded = json.loads((BOOK / "data" / "torch_reference.json").read_text(encoding="utf-8"))
    assert recorded["torch_version"].startswith("2.13.0")
    assert recorded["warm_up"] == {"y": -20.0, "dy/dx": 46.0}
    neuron = recorded["tanh_neuron"]
    assert set(neuron) == {"o"} | {f"do/d{k}" for k in ("x1", "x2", "w1", "w2", "b")}
    assert abs(neuron["o"] - 2**-0.5) < 1e-12
