"""Every way this project is run: tests, lint, benchmark, book. `nox -l` lists them."""

from __future__ import annotations

import shutil
from pathlib import Path

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "tests"]

ROOT = Path(__file__).parent
BOOK = ROOT / "book"
BOOK_HTML = BOOK / "_build" / "html"
PYPROJECT = nox.project.load_toml("pyproject.toml")
REFERENCE_MICROGRAD = "micrograd==0.1.0"  # Karpathy's original, for parity tests and the benchmark
# -j auto: chapters execute in parallel, one kernel per core (about 50 s -> 33 s on 2 cores).
SPHINX_BUILD = ["sphinx-build", "-E", "-j", "auto", "-n", "-W", "--keep-going", "-b", "html"]


def install_reference_micrograd(session: nox.Session) -> str:
    """Install Karpathy's micrograd into its own folder (it shares our import name)."""
    target = (Path(session.cache_dir) / "reference-micrograd").resolve()
    session.install("--target", str(target), "--no-deps", "--upgrade", REFERENCE_MICROGRAD)
    return str(target)


def provide_dot(session: nox.Session) -> None:
    """Make Graphviz's ``dot`` available: the system one, else graphviz-pure from PyPI.

    graphviz-pure is a self-contained port of Graphviz that installs with pip, so
    the book builds on a machine with only Python. Its command is named
    ``graphviz-pure``; a ``dot`` link to it goes into the session's ``bin``.
    """
    if shutil.which("dot"):
        return
    session.install("graphviz-pure")
    assert session.bin is not None
    link = Path(session.bin) / "dot"
    if not link.exists():
        target = shutil.which("graphviz-pure", path=session.bin)
        if target is None:
            session.error("graphviz-pure installed no graphviz-pure command; install Graphviz")
        link.symlink_to(target)
    session.log("Graphviz not found on PATH: using graphviz-pure as dot")


def install_book(session: nox.Session) -> None:
    """The library with its extras, the docs toolchain, and a ``dot`` program."""
    session.install("-e", ".[plot,graph]", *nox.project.dependency_groups(PYPROJECT, "docs"))
    provide_dot(session)


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite with coverage of micrograd/, including a full book build."""
    install_book(session)
    session.install(*nox.project.dependency_groups(PYPROJECT, "test"))
    env = {"MICROGRAD_REFERENCE_PATH": install_reference_micrograd(session)}
    session.run(
        "pytest",
        "--ignore=tests/browser",  # needs Chromium; run by the browser session
        "--cov=micrograd",
        "--cov-report=term-missing:skip-covered",
        *session.posargs,
        env=env,
    )


@nox.session
def lint(session: nox.Session) -> None:
    """Check formatting, lint rules and strict typing."""
    session.install("-e", ".", *nox.project.dependency_groups(PYPROJECT, "lint"))
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")


@nox.session
def bench(session: nox.Session) -> None:
    """Time the demo's training, the boundary grid and deep backward; compare with micrograd."""
    session.install("-e", ".")
    env = {"MICROGRAD_REFERENCE_PATH": install_reference_micrograd(session)}
    session.run("python", "benchmarks/bench.py", *session.posargs, env=env)


@nox.session
def docs(session: nox.Session) -> None:
    """Execute every chapter and build the book into book/_build/html (warnings are errors)."""
    install_book(session)
    session.run(*SPHINX_BUILD, str(BOOK), str(BOOK_HTML), *session.posargs)


@nox.session
def notebooks(session: nox.Session) -> None:
    """Regenerate book/notebooks/*.ipynb (for Colab) from the chapters; commit the result."""
    session.install("-e", ".", *nox.project.dependency_groups(PYPROJECT, "notebooks"))
    session.run("python", "book/_ext/runnable_notebooks.py", *session.posargs)


CHROMIUM = "/usr/bin/chromium"


@nox.session
def browser(session: nox.Session) -> None:
    """Check the built book in headless Chromium (Debian's /usr/bin/chromium) with Playwright."""
    install_book(session)
    session.install(*nox.project.dependency_groups(PYPROJECT, "browser"))
    if not (BOOK_HTML / "index.html").exists():
        session.run(*SPHINX_BUILD, str(BOOK), str(BOOK_HTML))
    chromium = shutil.which("chromium") or CHROMIUM
    if not Path(chromium).exists():
        session.error("Chromium not found: install it with `apt-get install -y chromium`")
    env = {
        "MICROGRAD_BOOK_HTML": str(BOOK_HTML),
        "MICROGRAD_CHROMIUM": chromium,
        "MICROGRAD_PYODIDE_DIR": offline_pyodide(session),
    }
    session.run("pytest", "tests/browser", "-p", "no:cacheprovider", *session.posargs, env=env)


def offline_pyodide(session: nox.Session) -> str:
    """Pyodide for the offline JupyterLite test: core from npm, the kernel's wheels from PyPI."""
    session.install("pip")  # to download wheels
    version = session.run(
        "python",
        "-c",
        "from jupyterlite_pyodide_kernel.constants import PYODIDE_VERSION; print(PYODIDE_VERSION)",
        silent=True,
    )
    assert isinstance(version, str)
    target = (Path(session.cache_dir) / f"pyodide-{version.strip()}").resolve()
    session.run("python", "tests/browser/offline_pyodide.py", str(target), version.strip())
    return str(target)


@nox.session(name="docs-live")
def docs_live(session: nox.Session) -> None:
    """Rebuild the book on every change and serve it with live reload."""
    install_book(session)
    session.install("sphinx-autobuild")
    session.run(
        "sphinx-autobuild",
        "-n",
        "--watch",
        "micrograd",
        str(BOOK),
        str(BOOK_HTML),
        *session.posargs,
    )


@nox.session(name="format")
def format_(session: nox.Session) -> None:
    """Apply ruff's formatter and autofixes."""
    session.install("ruff")
    session.run("ruff", "check", "--fix", ".")
    session.run("ruff", "format", ".")
