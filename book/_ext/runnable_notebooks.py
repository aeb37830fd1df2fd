"""Run the book's chapters outside the book: in Binder, Colab, JupyterLite, or downloaded.

The MyST Markdown chapters in ``book/`` are the only source. This module turns each of
them into a plain ``.ipynb`` whose first cell sets up what the chapter needs where it
runs, and whose prose shows numbers instead of the book's glue placeholders:

- ``repository``: committed beside its chapter (``book/<chapter>.ipynb``, rewritten by
  ``nox -s notebooks``). sphinx-book-theme points its Binder and Colab buttons at a
  notebook paired with the page this way (its documented rule), so both open it. The
  setup cell installs the library from the repository when it is missing (Colab);
  Binder has it already. No build has run, so each glued number becomes a pointer to
  the cell that prints it.
- ``lite``: written by the docs build for the JupyterLite site, with this build's wheel;
  each glued number is the value this build computed.

The executed notebook that the page's download button offers gets the same prose
(numbers pasted, roles reduced to their text). Chapters declare the library's extras
they use, and the glued values that are timings, in their front matter::

    micrograd_book:
      extras: [plot, graph]
      measured: [our_step_ms]

As a Sphinx extension this module also builds the wheel for the lite site and drops
jupyterlite-sphinx's Google Fonts stylesheet from every page. Run as a script, it
writes the committed notebooks.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import jupytext
import nbformat

Target = Literal["repository", "lite"]

BOOK = Path(__file__).resolve().parent.parent
ROOT = BOOK.parent
DISTRIBUTION = "micrograd-book"
STAGING = BOOK / "_build" / "lite-staging"
LITE_NOTEBOOKS = STAGING / "book"
"""Lite notebooks, handed to jupyterlite-sphinx with ``jupyterlite_contents`` (in conf.py)."""
LITE_WHEELS = STAGING / "wheels"
"""This commit's wheel, handed to the lite build with ``--piplite-wheels`` (in conf.py)."""
THIRD_PARTY_CSS = ("https://fonts.googleapis.com/",)
"""Stylesheets an extension adds that would make every page call another host."""

BROWSER_LIMITS = {
    "needs-subprocess": "it needs a new Python process, which Pyodide cannot start",
    "needs-build-tools": "it reads the versions of the book's build tools",
}
"""Cell tags (``:tags: [needs-subprocess]`` in a chapter) for code that cannot run in
the browser, and why (said in the cell, which may then fail)."""

GLUE_STAND_IN = """\
# Outside the book's build, glue() prints each value the text refers to by name.
import sys
import types

from IPython.display import display as _show


def _glue(name, variable, display=True):
    if display:
        _show(variable)
    else:
        print(f"{name} = {variable!r}")


sys.modules["myst_nb"] = types.ModuleType("myst_nb")
sys.modules["myst_nb"].glue = _glue"""

ROLE = re.compile(r"\{(?P<role>[\w:.-]+)\}`(?P<content>[^`]*)`")
"""A MyST role such as {py:func}`micrograd.graph.draw` or {glue:text}`loss:.4f`."""
INLINE = re.compile(
    rf"{ROLE.pattern}|(?P<code>(?<!`)(?P<ticks>`+)(?!`).+?(?<!`)(?P=ticks)(?!`))", re.DOTALL
)
"""A role, or an inline code span (whose text is literal, roles and all)."""
FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>[^\n]*)$")
LITERAL_DIRECTIVES = {"{code-block}", "{code}", "{sourcecode}", "{literalinclude}"}
"""Fenced directives whose body is code, not MyST Markdown."""
GLUE_ROLES = {"glue", "glue:", "glue:any", "glue:text", "glue:md"}
XREF_ROLES = ("doc", "ref", "numref", "term", "any", "py:")
"""Cross-reference roles (by prefix): Sphinx shows their content as a link title."""
EXPLICIT_TITLE = re.compile(r"^(?P<title>.+?)\s*<(?P<target>.*)>$", re.DOTALL)
GLUE_CALL = re.compile(r"""glue\(\s*(?P<f>f?)(?P<q>["'])(?P<name>.+?)(?P=q)""")


def repository_url(root: Path = ROOT) -> str:
    """The repository: ``MICROGRAD_BOOK_REPOSITORY_URL``, else pyproject.toml's Source URL."""
    override = os.environ.get("MICROGRAD_BOOK_REPOSITORY_URL")
    if override:
        return override
    with (root / "pyproject.toml").open("rb") as file:
        return str(tomllib.load(file)["project"]["urls"]["Source"])


def chapters(book: Path = BOOK) -> list[Path]:
    """Every MyST chapter of ``book`` that is a notebook (its front matter has a kernel)."""
    return [
        path
        for path in sorted(book.glob("*.md"))
        if path.name != "README.md" and "kernelspec" in jupytext.read(path).metadata
    ]


@dataclass(frozen=True)
class Settings:
    """What a chapter's front matter declares under ``micrograd_book``."""

    extras: tuple[str, ...] = ()
    measured: frozenset[str] = frozenset()

    @classmethod
    def of(cls, metadata: Mapping[str, Any]) -> Settings:
        """The settings in a notebook's metadata (none declared: no extras, no timings)."""
        declared = metadata.get("micrograd_book", {})
        unknown = set(declared) - {"extras", "measured"}
        if unknown:
            msg = f"micrograd_book front matter: unknown keys {sorted(unknown)}"
            raise ValueError(msg)
        return cls(tuple(declared.get("extras", ())), frozenset(declared.get("measured", ())))


def requirement(extras: tuple[str, ...], repository_url: str | None = None) -> str:
    """The pip requirement for the library, from the repository or (None) by name."""
    name = DISTRIBUTION + (f"[{','.join(extras)}]" if extras else "")
    return f"{name} @ git+{repository_url}" if repository_url else name


def setup_cell_source(settings: Settings, target: Target, repository_url: str) -> str:
    """The first cell: install the library (and extras), then a ``myst_nb.glue`` that prints."""
    if target == "repository":
        lines = [
            "# Setup (written by `nox -s notebooks` from the book's chapter). Binder has",
            "# micrograd installed; elsewhere (Colab) it comes from the repository.",
            "import importlib.util",
            "",
            'if importlib.util.find_spec("micrograd") is None:',
            f'    %pip install --quiet "{requirement(settings.extras, repository_url)}"',
        ]
    else:
        packages = [requirement(())]
        packages += ["matplotlib"] if "plot" in settings.extras else []
        packages += ["graphviz"] if "graph" in settings.extras else []
        lines = [
            "# Setup for your browser (JupyterLite, Pyodide): installs the micrograd built",
            "# with this book, and the packages this chapter imports.",
            f"%pip install {' '.join(packages)}",
        ]
    return "\n".join([*lines, "", GLUE_STAND_IN])


def browser_limit(tags: list[str]) -> str | None:
    """Why a code cell with these tags cannot run in the browser, or None when it can."""
    for tag in tags:
        if tag in BROWSER_LIMITS:
            return BROWSER_LIMITS[tag]
    return None


# -- prose: roles and glued values ------------------------------------------------------


def glue_text(plain: str, spec: str) -> str:
    """A glued value's ``text/plain`` as ``{glue:text}`name:spec``` shows it in the book."""
    try:
        value: Any = ast.literal_eval(plain)
    except (SyntaxError, ValueError):
        value = plain
    if not spec:
        return str(value)
    kind = spec[-1]
    if kind == "s":
        value = str(value)
    elif kind in "bcdoxX":
        value = int(value)
    elif kind in "eEfFgGn%":
        value = float(value)
    return format(value, spec)


Paste = Callable[[str, str, str], str]
"""(role, name, format spec) -> the text that stands for a glued value."""


def convert_inline(text: str, paste: Paste) -> str:
    """Roles outside code spans: glue roles pasted, other roles reduced to their text."""

    def replace(match: re.Match[str]) -> str:
        if match["code"] is not None:
            return match[0]
        role, content = match["role"], match["content"]
        if role not in GLUE_ROLES:
            return f"`{link_title(content) if role.startswith(XREF_ROLES) else content}`"
        name, _, spec = content.partition(":") if role == "glue:text" else (content, "", "")
        return paste(role, name, spec)

    return INLINE.sub(replace, text)


def link_title(content: str) -> str:
    """The text Sphinx shows for a cross-reference: ``title <target>`` shows ``title``,
    ``~micrograd.engine.Value`` shows ``Value`` and ``!name`` shows ``name``."""
    if explicit := EXPLICIT_TITLE.match(content):
        return explicit["title"]
    content = content.removeprefix("!")
    return content[1:].rpartition(".")[2] if content.startswith("~") else content


def convert_markdown(source: str, paste: Paste) -> str:
    """A Markdown cell for a notebook: literal code blocks kept as they are."""
    out: list[str] = []
    prose: list[str] = []
    closing: re.Pattern[str] | None = None
    directives: list[re.Pattern[str]] = []  # closing fences of the open directives
    for line in source.split("\n"):
        if closing is not None:  # inside a literal block
            out.append(line)
            if closing.match(line):
                closing = None
            continue
        opening = FENCE.match(line)
        if opening is None:
            prose.append(line)
            continue
        if prose:
            out.append(convert_inline("\n".join(prose), paste))
        prose = []
        out.append(line)  # a fence line itself is never prose
        info = opening["info"].strip()
        fence = re.escape(opening["fence"][0]) + "{" + str(len(opening["fence"])) + ",}"
        ends = re.compile(rf"^ {{0,3}}{fence}\s*$")
        if directives and not info and directives[-1].match(line):
            directives.pop()
        elif info.startswith("{") and info.split()[0] not in LITERAL_DIRECTIVES:
            directives.append(ends)
        else:
            closing = ends
    if prose:
        out.append(convert_inline("\n".join(prose), paste))
    return "\n".join(out)


def glued_names(code: str) -> list[re.Pattern[str]]:
    """The names a code cell glues (an f-string name matches any text in its braces)."""
    patterns = []
    for match in GLUE_CALL.finditer(code):
        name = match["name"]
        if match["f"]:
            parts = re.split(r"\{[^}]*\}", name)
            patterns.append(re.compile(".+".join(map(re.escape, parts))))
        else:
            patterns.append(re.compile(re.escape(name)))
    return patterns


def pointer(name: str, here: int, gluers: Mapping[int, list[re.Pattern[str]]]) -> str:
    """Where a reader finds ``name`` printed, said from Markdown cell ``here``."""
    cells = sorted(i for i, names in gluers.items() if any(p.fullmatch(name) for p in names))
    above = [i for i in cells if i < here]
    code_cells_between = [i for i in gluers if above and above[-1] < i < here]
    if above and not code_cells_between:
        where = "printed by the code cell above"
    elif above:
        where = "printed by a code cell above"
    elif cells:
        where = "printed by a code cell below"
    else:
        where = "printed when this notebook runs"
    return f"`{name}` ({where})"


# -- notebooks --------------------------------------------------------------------------


def cell_id(stem: str, index: int) -> str:
    """A valid, stable cell id (letters, digits, ``-`` and ``_`` only)."""
    return f"{re.sub(r'[^A-Za-z0-9_-]', '-', stem)}-{index}"


def to_notebook(
    chapter: Path,
    target: Target,
    repository_url: str,
    values: Mapping[str, str] | None = None,
) -> nbformat.NotebookNode:
    """The chapter as a notebook with no outputs, its setup cell first, stable cell ids.

    ``values`` maps glue names to their ``text/plain`` from an executed build; a glued
    number with no value becomes a pointer to the cell that prints it.
    """
    source = jupytext.read(chapter, fmt="md:myst")
    settings = Settings.of(source.metadata)
    cells = [nbformat.v4.new_code_cell(setup_cell_source(settings, target, repository_url))]
    offset = len(cells)
    gluers = {
        offset + i: glued_names(cell.source)
        for i, cell in enumerate(source.cells)
        if cell.cell_type == "code"
    }
    for index, cell in enumerate(source.cells, start=offset):
        if cell.cell_type == "markdown":
            paste = _Paster(
                values or {}, settings.measured, lambda n, i=index: pointer(n, i, gluers)
            )
            cells.append(nbformat.v4.new_markdown_cell(with_measured_note(cell.source, paste)))
        elif cell.cell_type == "raw":
            cells.append(nbformat.v4.new_raw_cell(cell.source, metadata=dict(cell.metadata)))
        else:
            cells.append(code_cell(cell, target))
    for index, cell in enumerate(cells):
        cell.id = cell_id(chapter.stem, index)
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    return notebook


def code_cell(cell: nbformat.NotebookNode, target: Target) -> nbformat.NotebookNode:
    """A chapter's code cell; in the browser, one that cannot run there says why."""
    metadata = dict(cell.metadata)
    code = cell.source
    reason = browser_limit(metadata.get("tags", [])) if target == "lite" else None
    if reason:
        code = f"# This cell cannot run in the browser: {reason}.\n{code}"
        metadata["tags"] = sorted({*metadata.get("tags", []), "raises-exception"})
    return nbformat.v4.new_code_cell(code, metadata=metadata)


@dataclass
class _Paster:
    """Paste build values; names without one go to ``fallback``; timings are noted."""

    values: Mapping[str, str]
    measured: frozenset[str]
    fallback: Callable[[str], str]
    measured_shown: list[str] = field(default_factory=list)

    def __call__(self, role: str, name: str, spec: str) -> str:
        if name not in self.values:
            return self.fallback(name)
        text = self.values[name] if role == "glue:md" else glue_text(self.values[name], spec)
        if name in self.measured:
            self.measured_shown.append(text)
        return text


def with_measured_note(source: str, paste: _Paster) -> str:
    """The converted cell, plus a line saying which of its numbers are timings."""
    text = convert_markdown(source, paste)
    if paste.measured_shown:
        numbers = ", ".join(paste.measured_shown)
        text += (
            f"\n\n*Measured when the book was built: {numbers}. "
            "The cells above measure them again on this machine.*"
        )
    return text


def glue_values(executed: Path, docname: str) -> dict[str, str]:
    """The glued values of an executed chapter: name -> ``text/plain`` (or markdown)."""
    path = executed / f"{docname}.glue.json"
    if not path.is_file():
        return {}
    found = {}
    for name, output in json.loads(path.read_text(encoding="utf-8")).items():
        data = output.get("data", {})
        text = data.get("text/markdown", data.get("text/plain"))
        if isinstance(text, str):
            found[name] = text
    return found


def resolve_notebook(path: Path, values: Mapping[str, str]) -> None:
    """Rewrite an executed notebook's Markdown cells as the other notebooks have them."""
    notebook = nbformat.read(path, as_version=4)
    measured = Settings.of(notebook.metadata).measured  # the chapter's front matter
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            paste = _Paster(values, measured, lambda n: f"`{n}` (printed by a code cell)")
            cell.source = with_measured_note(cell.source, paste)
    nbformat.write(notebook, path)


def render(chapter: Path, target: Target, repository_url: str) -> str:
    """The notebook file's text, exactly as written to disk."""
    return json.dumps(to_notebook(chapter, target, repository_url), indent=1) + "\n"


def repository_path(chapter: Path) -> Path:
    """Where the committed notebook of ``chapter`` lives: beside it, same name."""
    return chapter.with_suffix(".ipynb")


def write_repository_notebooks(repository_url: str, book: Path = BOOK) -> list[Path]:
    """Write every chapter's committed notebook; delete notebooks of no chapter."""
    written = []
    for chapter in chapters(book):
        path = repository_path(chapter)
        text = render(chapter, "repository", repository_url)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    for stale in set(book.glob("*.ipynb")) - set(written):
        stale.unlink()
    return written


def library_checkout() -> Path:
    """The checkout whose ``micrograd`` the book runs (installed with ``pip install -e .``)."""
    import micrograd  # noqa: PLC0415 - only the Sphinx build needs it

    root = Path(micrograd.__file__).resolve().parents[1]
    if not (root / "pyproject.toml").is_file():
        msg = f"the lite site needs micrograd installed from a checkout (pip install -e .): {root}"
        raise RuntimeError(msg)
    return root


def build_wheel(out_dir: Path, root: Path) -> Path:
    """Build the checkout's wheel with the project's own build backend (hatchling).

    Built aside, then moved in, so a concurrent build never sees a half-written wheel.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    hook = "import sys; from hatchling.build import build_wheel; print(build_wheel(sys.argv[1]))"
    with tempfile.TemporaryDirectory(dir=out_dir.parent) as scratch:
        done = subprocess.run(
            [sys.executable, "-c", hook, scratch],
            cwd=root,
            check=True,
            capture_output=True,
            text=True,
        )
        name = done.stdout.strip().splitlines()[-1]
        for old in out_dir.glob("*.whl"):
            if old.name != name:
                old.unlink()
        return Path(shutil.move(Path(scratch) / name, out_dir / name))


# -- Sphinx -----------------------------------------------------------------------------


def _executed_folder(app: Any) -> Path:
    """Where myst-nb writes executed notebooks and their glue data (``<build>/jupyter_execute``)."""
    from myst_nb.sphinx_ext import OUTPUT_FOLDER  # noqa: PLC0415 - build-time only

    return Path(app.outdir).parent / OUTPUT_FOLDER


def _build_wheel(app: Any) -> None:
    """This commit's wheel, where conf.py's ``--piplite-wheels`` option looks."""
    if app.builder.format == "html":
        build_wheel(LITE_WHEELS, library_checkout())


def _write_lite_notebooks(app: Any, _env: Any) -> None:
    """Every chapter as a lite notebook, with the numbers this build glued."""
    shutil.rmtree(LITE_NOTEBOOKS, ignore_errors=True)
    LITE_NOTEBOOKS.mkdir(parents=True)
    url = app.config.html_theme_options["repository_url"]
    executed = _executed_folder(app)
    for chapter in chapters(Path(app.srcdir)):
        notebook = to_notebook(chapter, "lite", url, glue_values(executed, chapter.stem))
        nbformat.write(notebook, LITE_NOTEBOOKS / f"{chapter.stem}.ipynb")


def _resolve_downloads(app: Any, error: Exception | None) -> None:
    """The download button's executed notebooks get numbers instead of glue roles."""
    if error is not None or app.builder.format != "html":
        return
    executed = _executed_folder(app)
    for chapter in chapters(Path(app.srcdir)):
        download = Path(app.outdir) / "_sources" / f"{chapter.stem}.ipynb"
        if download.is_file():
            resolve_notebook(download, glue_values(executed, chapter.stem))


def _drop_third_party_css(
    _app: Any, _pagename: str, _templatename: str, context: dict[str, Any], _doctree: Any
) -> None:
    """Drop stylesheets on other hosts (jupyterlite-sphinx's Google Fonts link).

    The entries are Sphinx's stylesheet objects, whose documented ``filename`` is the
    link (plain strings in older Sphinx).
    """
    context["css_files"] = [
        css
        for css in context.get("css_files", [])
        if not str(getattr(css, "filename", css)).startswith(THIRD_PARTY_CSS)
    ]


def setup(app: Any) -> dict[str, Any]:
    """Build the wheel, write the lite notebooks, fix the downloads, keep pages local."""
    app.setup_extension("jupyterlite_sphinx")
    app.connect("builder-inited", _build_wheel)
    app.connect("env-updated", _write_lite_notebooks)
    app.connect("build-finished", _resolve_downloads)
    app.connect("html-page-context", _drop_third_party_css)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


# -- command line -----------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    """Write the committed notebooks beside the chapters (the ``nox -s notebooks`` session)."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--repository-url", help="default: pyproject.toml's Source URL")
    args = parser.parse_args(argv)
    url = args.repository_url or repository_url()
    for path in write_repository_notebooks(url):
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
