"""The chapters' notebooks (Binder, Colab, JupyterLite) match the chapters and read right.

The committed notebooks sit beside their chapters (``book/<chapter>.ipynb``); the lite
ones are made by the docs build. ``book/_ext/runnable_notebooks.py`` makes both. Marked
``book``: they need the docs toolchain, so ``nox -s docs`` runs them.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.helpers import load_module, skip_unless_available

pytestmark = pytest.mark.book
BOOK = Path(__file__).resolve().parents[1] / "book"
RAW_GLUE = re.compile(r"\{glue[\w:]*\}`")
"""What a glue role looks like unresolved, in any notebook a reader opens."""


@pytest.fixture(scope="module")
def runnable() -> ModuleType:
    skip_unless_available(
        importlib.util.find_spec("jupytext") is not None,
        "jupytext is not installed; run `nox -s tests`",
    )
    return load_module(BOOK / "_ext" / "runnable_notebooks.py", "runnable_notebooks")


def chapter_file(tmp_path: Path, body: str, stem: str = "chapter") -> Path:
    path = tmp_path / f"{stem}.md"
    path.write_text(
        "---\nkernelspec:\n  display_name: Python 3\n  language: python\n  name: python3\n"
        f"---\n\n{body}",
        encoding="utf-8",
    )
    return path


def test_every_chapter_has_its_notebook_up_to_date(runnable: ModuleType) -> None:
    url = runnable.repository_url()
    chapters = runnable.chapters()
    assert {c.stem for c in chapters} >= {"index", "walkthrough", "troubleshooting"}
    stale = [
        str(runnable.repository_path(chapter).relative_to(BOOK.parent))
        for chapter in chapters
        if not runnable.repository_path(chapter).is_file()
        or runnable.repository_path(chapter).read_text(encoding="utf-8")
        != runnable.render(chapter, "repository", url)
    ]
    extra = {p.stem for p in BOOK.glob("*.ipynb")} - {c.stem for c in chapters}
    assert not stale, f"out of date: {stale}; run `nox -s notebooks` and commit the result"
    assert not extra, f"notebooks of no chapter: {extra}; run `nox -s notebooks`"


def test_the_repository_url_comes_from_pyproject_unless_overridden(
    runnable: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MICROGRAD_BOOK_REPOSITORY_URL", raising=False)
    assert runnable.repository_url() == "https://github.com/micrograd-book/micrograd-book"
    monkeypatch.setenv("MICROGRAD_BOOK_REPOSITORY_URL", "https://github.com/a/fork")
    assert runnable.repository_url() == "https://github.com/a/fork"


def test_no_notebook_a_reader_opens_shows_a_raw_glue_role(runnable: ModuleType) -> None:
    """Binder and Colab open the committed notebooks; JupyterLite the lite ones."""
    left = []
    for chapter in runnable.chapters():
        committed = runnable.repository_path(chapter).read_text(encoding="utf-8")
        lite = json.dumps(runnable.to_notebook(chapter, "lite", "unused"))
        left += [f"{chapter.stem}.ipynb" for text in (committed, lite) if RAW_GLUE.search(text)]
    assert left == []


def test_glued_numbers_become_pointers_or_build_values(
    runnable: ModuleType, tmp_path: Path
) -> None:
    chapter = chapter_file(
        tmp_path,
        "Ahead: {glue:text}`loss:.2f`.\n\n"
        "```{code-cell} python\nfrom myst_nb import glue\nglue('loss', 0.25, display=False)\n"
        "glue(f'took_{1}', 3.14159, display=False)\n```\n\n"
        "Loss {glue:text}`loss:.2f`, in {glue:text}`took_1:.1f` s; {glue}`unknown`.\n",
    )
    chapter.write_text(
        chapter.read_text().replace("---\n\n", "micrograd_book:\n  measured: [took_1]\n---\n\n"),
        encoding="utf-8",
    )
    pointers = runnable.to_notebook(chapter, "repository", "unused").cells
    assert pointers[1].source == "Ahead: `loss` (printed by a code cell below)."
    assert pointers[3].source == (
        "Loss `loss` (printed by the code cell above), in `took_1` (printed by the code"
        " cell above) s; `unknown` (printed when this notebook runs)."
    )
    built = runnable.to_notebook(chapter, "lite", "unused", {"loss": "0.25", "took_1": "3.14159"})
    assert built.cells[3].source.startswith("Loss 0.25, in 3.1 s; `unknown`")
    assert "Measured when the book was built: 3.1." in built.cells[3].source


def test_glue_text_formats_as_the_book_does(runnable: ModuleType) -> None:
    assert runnable.glue_text("0.006000999998263978", ".1e") == "6.0e-03"
    assert runnable.glue_text("337", "d") == "337"
    assert runnable.glue_text("'moons'", "") == "moons"
    assert runnable.glue_text("81.0", ".0f") == "81"


def test_a_raw_cell_stays_raw(runnable: ModuleType, tmp_path: Path) -> None:
    chapter = chapter_file(tmp_path, "Text.\n\n```{raw-cell}\nnot python: a b c\n```\n")
    cells = runnable.to_notebook(chapter, "repository", "unused").cells
    assert [c.cell_type for c in cells] == ["code", "markdown", "raw"]
    assert cells[2].source == "not python: a b c"


def test_a_dotted_chapter_name_gives_valid_cell_ids(runnable: ModuleType, tmp_path: Path) -> None:
    import nbformat  # noqa: PLC0415 - only with the docs tools

    chapter = chapter_file(tmp_path, "# Part\n", stem="part-1.2")
    notebook = runnable.to_notebook(chapter, "repository", "unused")
    nbformat.validate(notebook)
    assert [c.id for c in notebook.cells] == ["part-1-2-0", "part-1-2-1"]


def test_roles_inside_literal_code_are_kept(runnable: ModuleType, tmp_path: Path) -> None:
    body = (
        "See {py:func}`micrograd.graph.draw` and ``{py:func}`literal` ``.\n\n"
        "```markdown\nWrite {py:func}`f` in MyST.\n```\n\n"
        ":::{note}\nIn a note: {py:func}`g`.\n:::\n\n"
        "````{tip}\nNested: {py:func}`h`.\n```text\n{py:func}`kept`\n```\n````\n\n"
        "After: {py:func}`i`.\n"
    )
    chapter = chapter_file(tmp_path, body)
    (markdown,) = (c.source for c in runnable.to_notebook(chapter, "lite", "unused").cells[1:])
    assert "See `micrograd.graph.draw` and ``{py:func}`literal` ``." in markdown
    assert "Write {py:func}`f` in MyST." in markdown
    assert "In a note: `g`." in markdown
    assert "Nested: `h`." in markdown
    assert "\n{py:func}`kept`\n" in markdown
    assert markdown.endswith("After: `i`.")


def test_cross_references_read_as_the_book_shows_them(runnable: ModuleType, tmp_path: Path) -> None:
    body = (
        "{py:func}`~micrograd.engine.topological_order`, {py:class}`!micrograd.nn.MLP`, "
        "{py:meth}`Value.linear <micrograd.engine.Value.linear>`, "
        "{doc}`the design notes <design-notes>`, {doc}`from-scratch`, {math}`a <b>`.\n"
    )
    chapter = chapter_file(tmp_path, body)
    (markdown,) = (c.source for c in runnable.to_notebook(chapter, "lite", "unused").cells[1:])
    assert markdown == (
        "`topological_order`, `micrograd.nn.MLP`, `Value.linear`, "
        "`the design notes`, `from-scratch`, `a <b>`."
    )


def test_setup_cell_installs_from_the_repository_only_where_missing(
    runnable: ModuleType,
) -> None:
    notebook = json.loads((BOOK / "walkthrough.ipynb").read_text())
    setup = "".join(notebook["cells"][0]["source"])
    assert notebook["cells"][0]["outputs"] == []
    assert 'if importlib.util.find_spec("micrograd") is None:' in setup
    assert (
        '    %pip install --quiet "micrograd-book[plot,graph] @ git+'
        f'{runnable.repository_url()}"' in setup
    )
    assert all(c.get("outputs", []) == [] for c in notebook["cells"])


def test_lite_setup_installs_the_wheel_and_only_what_the_chapter_needs(
    runnable: ModuleType,
) -> None:
    url = runnable.repository_url()
    started = runnable.to_notebook(BOOK / "getting-started.md", "lite", url)
    walkthrough = runnable.to_notebook(BOOK / "walkthrough.md", "lite", url)
    assert "\n%pip install micrograd-book\n" in started.cells[0].source
    assert "%pip install micrograd-book matplotlib graphviz" in walkthrough.cells[0].source


def imported_modules(code: str) -> set[str]:
    lines = [line for line in code.splitlines() if not line.lstrip().startswith(("%", "!"))]
    found: set[str] = set()
    for node in ast.walk(ast.parse("\n".join(lines))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
    return found


def test_each_chapter_declares_the_extras_it_imports(runnable: ModuleType) -> None:
    """The front matter's extras cover the chapter's imports (Colab installs just those)."""
    import jupytext  # noqa: PLC0415 - only with the docs tools

    for chapter in runnable.chapters():
        notebook = jupytext.read(chapter)
        modules = set().union(
            *(imported_modules(c.source) for c in notebook.cells if c.cell_type == "code")
        )
        needed = set()
        if any(m.startswith(("matplotlib", "micrograd.plots")) for m in modules):
            needed.add("plot")
        if modules & {"micrograd.graph.draw", "graphviz"}:
            needed.add("graph")
        declared = set(runnable.Settings.of(notebook.metadata).extras)
        assert needed <= declared, f"{chapter.name}: add micrograd_book: extras: {sorted(needed)}"


def test_glue_prints_by_name_outside_the_book(runnable: ModuleType) -> None:
    source = runnable.setup_cell_source(runnable.Settings(), "lite", "unused")
    code = source.split("\n\n", 1)[1]  # after the comments and the %pip line
    shown: list[object] = []
    display = ModuleType("IPython.display")
    display.display = shown.append  # type: ignore[attr-defined]
    saved = {name: sys.modules.get(name) for name in ("myst_nb", "IPython.display")}
    sys.modules["IPython.display"] = display
    try:
        exec(code, {})  # noqa: S102 - the generated setup code is what is under test
        glue = sys.modules["myst_nb"].glue  # the stand-in it registered
        glue("hidden", 1.5, display=False)
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


def test_the_kernel_encryption_default_is_set_in_one_place() -> None:
    """conf.py's one override of jupyter_client (no public option exists for it)."""
    skip_unless_available(
        importlib.util.find_spec("jupyter_client") is not None, "needs the docs tools"
    )
    import zmq  # noqa: PLC0415
    from jupyter_client.manager import KernelManager  # noqa: PLC0415

    setting = KernelManager.class_traits().get("transport_encryption")
    skip_unless_available(
        setting is not None and zmq.has("curve"), "no transport encryption to configure"
    )
    assert setting is not None
    before = setting.default_value
    try:
        load_module(BOOK / "conf.py", "book_conf")
        assert KernelManager().transport_encryption == "auto"
    finally:
        setting.default_value = before
