"""The book that `nox -s docs` built, as files: pages, figures, glue, launchers, the lite site.

Marked ``book``: the docs session runs these right after its build, with
``MICROGRAD_BOOK_HTML`` naming the output and ``MICROGRAD_SPHINX_BUILD`` its command.
"""

from __future__ import annotations

import ast
import html as html_module
import json
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

import micrograd
from tests.helpers import (
    BOOK,
    CHAPTERS,
    EXERCISE_CHAPTERS,
    NOTEBOOK_CHAPTERS,
    SOURCES,
    launchers,
    load_module,
    prepared_folder,
    skip_unless_available,
    solutions_in,
)

pytestmark = pytest.mark.book
GLUE_ROLE = re.compile(r"\{glue(?::\w+)?\}`")


@pytest.fixture(scope="module")
def built_book() -> Path:
    missing = "no built book at {path}: `nox -s docs` builds it, then runs these checks"
    return prepared_folder("MICROGRAD_BOOK_HTML", BOOK / "_build" / "html", "index.html", missing)


def page(built_book: Path, name: str) -> str:
    return (built_book / f"{name}.html").read_text(encoding="utf-8")


def test_every_chapter_page_exists(built_book: Path) -> None:
    for name in CHAPTERS:
        assert (built_book / f"{name}.html").is_file(), name
    assert "✅" in page(built_book, "build-report")
    assert "❌" not in page(built_book, "build-report")
    assert re.search(r'<span id="build-seconds">\d+ s</span>', page(built_book, "build-report"))


def test_walkthrough_shows_its_figures_and_the_337_check(built_book: Path) -> None:
    html = page(built_book, "walkthrough")
    assert "parameter check passed: 337 == 337" in html
    images = [src for src in re.findall(r'<img[^>]*src="([^"]+)"', html) if "_images/" in src]
    # the warm-up's graph is drawn in from-scratch, not again here
    assert not [src for src in images if src.endswith(".svg")], images
    pngs = [src for src in images if src.endswith(".png")]
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
    figures = {}
    for tag in tags:
        alt = re.search(r'alt="([^"]{10,})"', tag)
        assert alt is not None, tag
        src = re.search(r'src="([^"]+)"', tag).group(1)  # type: ignore[union-attr]
        assert (built_book / src).stat().st_size > 1000, src
        figures[alt.group(1)] = src

    def figure(words: str) -> str:
        (src,) = [src for alt, src in figures.items() if words in alt]
        return src

    assert figure("The curve f(x)").endswith(".png")
    assert figure("Log-log plot of the forward and central").endswith(".png")  # two Vs
    warm_up_graph = figure("Computation graph of the warm-up expression")
    fused_graph = figure("linear node")
    warm_up_svg = (built_book / warm_up_graph).read_text(encoding="utf-8")
    assert ">grad 46<" in warm_up_svg
    assert re.search(r">data (-|&#45;)20<", warm_up_svg)
    for label in ("relu(z)", "z·z", "q·x"):
        assert label in warm_up_svg
    assert "linear" in (built_book / fused_graph).read_text(encoding="utf-8")


def text_of(html: str) -> str:
    """The page's visible words, one space apart, with HTML entities decoded."""
    return html_module.unescape(" ".join(re.sub(r"<[^>]+>", "", html).split()))


def test_from_scratch_prose_numbers_come_from_cells(built_book: Path) -> None:
    html = page(built_book, "from-scratch")
    assert html.count('class="pasted-text"') >= 30
    text = text_of(html)
    for claim in [
        "gets back 46.",
        # the log-log plot's conclusion: each V's bottom, measured
        (
            "the central difference is best at h = 1e-05 (an error of 1.9e-10) and the "
            "forward difference at h = 1e-08 (an error of 4.9e-08)"
        ),
        "its error here is 2.3e-10, against 1.9e-10 at 1e-5, so within a factor of 2",
        # why two rows of the path table read the same
        "Each of these 2 routes is listed twice, once for each of the two edges from z into z·z.",
        "The sum over all paths is 46, exactly what backward() returned",
        "On the warm-up it returns -20 instead of 46",
        # backprop by hand, then two wrong orders
        "2x → x 62 + -8 × 2 = 46",  # noqa: RUF001 - the printed multiplication sign
        "The answer is 0. With q one place too early the answer is -42",
        # the recursive sort's failure, live, then the stack
        "sys.getrecursionlimit() calls, 1000 here",
        "RecursionError: maximum recursion depth exceeded",
        # the zero_grad bug
        "the run that forgot holds -19.8 in w.grad where its loss has a gradient of -1.8",
        "-18 is still in the field",
        "after 3 steps w = 1.9990, as in the zeroed run",
        "that README promises: g = 24.7041, dg/da = 138.8338, dg/db = 645.5773.",
        "On 20 random expressions, all 60 gradients agree",
        "The next chapter, Build the network, starts from the engine cell of section 6",
    ]:
        assert claim in text, claim
    engine = re.search(r"That is the whole engine: (\d+) non-blank lines\.", text)
    assert engine is not None
    assert 30 <= int(engine.group(1)) <= 50  # "about 40 lines", counted by the build


@pytest.mark.parametrize("name", EXERCISE_CHAPTERS)
def test_exercise_solutions_are_executed_and_folded(built_book: Path, name: str) -> None:
    html = page(built_book, name)
    solutions = html.split('class="solution dropdown admonition"')[1:]
    assert len(solutions) == solutions_in(name)
    for solution in solutions:
        assert 'class="cell_output' in solution.split("</section>")[0]
    assert "togglebutton.js" in html


def test_from_scratch_exercises_run_on_the_readers_engine(built_book: Path) -> None:
    html = page(built_book, "from-scratch")
    text = text_of(html)
    assert "dy/da = -2.0, dy/db = -3.0" in text
    # exercise 2 runs the overwriting pass on the reader's Node, and each edge brings
    # a different amount, so the one it keeps can be named
    assert "each edge brings {'into 3·x': 9.0, 'into x+1': 6.0, 'into y': 1.0}" in text
    assert "dy/dx = 16.0; the overwriting pass says 9.0" in text
    numbers = re.findall(r'<span class="caption-number">Exercise (\d+) </span>', html)
    assert numbers == ["1", "2", "3", "4"]  # numbered within the chapter


def test_the_recursive_sort_is_taught_once_in_from_scratch() -> None:
    scratch = (BOOK / "from-scratch.md").read_text(encoding="utf-8")
    notes = (BOOK / "design-notes.md").read_text(encoding="utf-8")
    assert "def topological_sort_recursive(root):" in scratch
    assert "except RecursionError" in scratch
    assert "except RecursionError" not in notes
    assert "def recursive_order" not in notes
    assert "{doc}`from-scratch` (section 5)" in notes
    engine = scratch.split("# The engine: Node, topological_sort, backward.")[1]
    engine = engine.split("```")[0]
    assert "class Node:" in engine
    assert "def backward(root):" in engine
    assert "stack.append((node, True))" in engine  # the (node, inputs placed) stack
    assert "else:" not in engine  # no for ... else


def test_prose_numbers_are_glued_from_executed_cells(built_book: Path) -> None:
    text = re.sub(r"<[^>]+>", "", page(built_book, "walkthrough"))
    assert "Where do the 337 parameters sit?" in text
    assert re.search(r"ends at\s+100%\s+training accuracy", text)
    for name in SOURCES:
        if GLUE_ROLE.search((BOOK / f"{name}.md").read_text(encoding="utf-8")):
            html = page(built_book, name)
            assert "{glue" not in html, f"{name}: a glue role was not replaced"
            assert "Glue reference" not in html, name


@pytest.mark.parametrize("name", NOTEBOOK_CHAPTERS)
def test_every_notebook_chapter_offers_its_launchers_and_a_download(
    built_book: Path, name: str
) -> None:
    links = set(re.findall(r'href="([^"]+)"', page(built_book, name)))
    assert set(launchers(name).values()) <= links
    assert f"_sources/{name}.ipynb" in links
    lite_contents = json.loads((built_book / "lite/api/contents/book/all.json").read_text())
    assert f"{name}.ipynb" in {item["name"] for item in lite_contents["content"]}


def test_the_notebook_chapters_include_the_walkthrough() -> None:
    assert "walkthrough" in NOTEBOOK_CHAPTERS


def test_downloadable_notebook_holds_outputs(built_book: Path) -> None:
    notebook = json.loads((built_book / "_sources" / "walkthrough.ipynb").read_text())
    outputs = [o for cell in notebook["cells"] for o in cell.get("outputs", [])]
    assert any("image/png" in o.get("data", {}) for o in outputs)


def test_no_notebook_of_the_build_shows_a_raw_glue_role(built_book: Path) -> None:
    """The download button's notebooks and the lite site's show numbers, not roles."""
    downloads = sorted((built_book / "_sources").glob("*.ipynb"))
    lite = sorted((built_book / "lite" / "files" / "book").glob("*.ipynb"))
    assert len(lite) == len(downloads) == len(NOTEBOOK_CHAPTERS)
    raw = [p.name for p in downloads + lite if GLUE_ROLE.search(p.read_text(encoding="utf-8"))]
    assert raw == []
    from_scratch = json.loads((built_book / "lite/files/book/from-scratch.ipynb").read_text())
    prose = " ".join("".join(c["source"]) for c in from_scratch["cells"])
    assert "forward estimate is off by 6.0e-03" in prose.replace("\n", " ")


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
    shutil.copy(BOOK.parent / "pyproject.toml", tmp_path)  # for the repository URL
    for folder in ("_static", "_ext"):
        shutil.copytree(BOOK / folder, source / folder)
    (source / "index.md").write_text(FAILING_CHAPTER, encoding="utf-8")
    command = os.environ.get("MICROGRAD_SPHINX_BUILD")
    skip_unless_available(command is not None, "the docs session's build command is not set")
    assert command is not None
    done = subprocess.run(
        [*shlex.split(command), str(source), str(tmp_path / "html")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    output = done.stdout + done.stderr
    assert "ExecutionError" in output
    assert "index.md" in output


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
    assert re.search(r"the largest relative difference is \S+, where the cell allows 1e-12", text)
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


# -- The parallel readers' shares (book/_ext/balanced_reading.py) ---------------------------


def test_a_chapter_without_an_execution_time_is_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    balanced = load_module(BOOK / "_ext" / "balanced_reading.py", "balanced_reading")
    app = SimpleNamespace(config=SimpleNamespace(chapter_execution_seconds={"old": 3}), parallel=2)
    docnames = ["new", "old"]
    balanced._reorder(app, None, docnames)
    assert "new has no entry in chapter_execution_seconds (conf.py)" in caplog.text
    assert "old has" not in caplog.text
    assert sorted(docnames) == ["new", "old"]


def test_every_chapter_has_an_execution_time_and_the_split_is_even() -> None:
    from sphinx.util.parallel import make_chunks  # noqa: PLC0415

    (seconds,) = (  # read, not run: conf.py sets class defaults of the kernel manager
        ast.literal_eval(node.value)
        for node in ast.parse((BOOK / "conf.py").read_text(encoding="utf-8")).body
        if isinstance(node, ast.Assign)
        and ast.unparse(node.targets[0]) == "chapter_execution_seconds"
    )
    assert set(seconds) == {path.stem for path in BOOK.glob("*.md") if path.stem != "README"}
    names = sorted(seconds)
    balanced = load_module(BOOK / "_ext" / "balanced_reading.py", "balanced_reading")
    order = balanced.balanced_order(names, [5, 5], seconds)
    halves = sum(seconds[n] for n in order[:5]), sum(seconds[n] for n in order[5:])
    assert abs(halves[0] - halves[1]) <= 2, halves
    assert [len(chunk) for chunk in make_chunks(names, 2)] == [5, 5]  # Sphinx's split, as assumed
