"""Every way this project is run: tests, lint, benchmark, book. `nox -l` lists them."""

from __future__ import annotations

import importlib.util
import logging
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path
from types import FrameType

import nox
from nox.logger import logger as nox_logger

nox.needs_version = ">=2025.2.9"
# uv when it is installed (fast), else virtualenv, which comes with nox: the README
# asks only for Python and nox.
HAS_UV = shutil.which("uv") is not None or importlib.util.find_spec("uv") is not None
nox.options.default_venv_backend = "uv|virtualenv" if HAS_UV else "virtualenv"


class HideUvProbe(logging.Filter):
    """Drop nox's "uv binary not found." lines, which it logs each time it looks for uv."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != "uv binary not found."


if not HAS_UV:
    # Said once, and what it means, instead of once per command in every session.
    nox_logger.addFilter(HideUvProbe())
    nox_logger.info(
        "uv is not installed: sessions use virtualenv and pip (pip install uv is faster)"
    )
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


def install_book(session: nox.Session) -> dict[str, str]:
    """The library with its extras, the docs toolchain, a ``dot`` program and micrograd 0.1.0.

    Returns the environment the build needs: the design notes run Karpathy's
    micrograd (found through ``MICROGRAD_REFERENCE_PATH``) to compare and time it.
    """
    session.install("-e", ".[plot,graph]", *nox.project.dependency_groups(PYPROJECT, "docs"))
    provide_dot(session)
    return {"MICROGRAD_REFERENCE_PATH": install_reference_micrograd(session)}


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite with coverage of micrograd/, including a full book build."""
    env = install_book(session)
    session.install(*nox.project.dependency_groups(PYPROJECT, "test"))
    session.run(
        "pytest",
        "--ignore=tests/browser",  # needs Chromium; run by the browser session
        "--ignore=tests/binder",  # needs the Binder environment; run by the binder session
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
    session.run("actionlint")  # .github/workflows: syntax, expressions, outdated action runtimes


@nox.session
def package(session: nox.Session) -> None:
    """Build the sdist and wheel into dist/ and check them, as the release workflow does.

    Then install the committed tree the way the README tells readers to until the
    first PyPI release (``micrograd-book[plot,graph] @ git+<repository>``), with this
    clone standing in for the repository's URL, and import both extras.
    """
    session.install(*nox.project.dependency_groups(PYPROJECT, "package"))
    dist = ROOT / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    installer = ["--installer", "uv"] if session.venv_backend == "uv" else []
    session.run("python", "-m", "build", *installer, "--outdir", str(dist), str(ROOT))
    session.run("twine", "check", "--strict", *(str(path) for path in sorted(dist.iterdir())))
    session.install(f"micrograd-book[plot,graph] @ git+file://{ROOT}")
    session.run("python", "-c", "import micrograd.graph, micrograd.plots", silent=True)


@nox.session
def bench(session: nox.Session) -> None:
    """Time the demo's training, the boundary grid and deep backward; compare with micrograd."""
    session.install("-e", ".")
    env = {"MICROGRAD_REFERENCE_PATH": install_reference_micrograd(session)}
    session.run("python", "benchmarks/bench.py", *session.posargs, env=env)


@nox.session
def docs(session: nox.Session) -> None:
    """Execute every chapter and build the book into book/_build/html (warnings are errors)."""
    env = install_book(session)
    session.run(*SPHINX_BUILD, str(BOOK), str(BOOK_HTML), *session.posargs, env=env)


@nox.session
def notebooks(session: nox.Session) -> None:
    """Regenerate book/notebooks/*.ipynb (for Colab) from the chapters; commit the result."""
    session.install("-e", ".", *nox.project.dependency_groups(PYPROJECT, "notebooks"))
    session.run("python", "book/_ext/runnable_notebooks.py", *session.posargs)


# PyTorch 2.13.0's CPU build (about 750 MB), which pip finds through its configured wheel
# folder. uv does not read pip's configuration and a newer torch pulls several GB of CUDA
# packages, so this session uses pip (the venv backend) and this exact pin.
TORCH = "torch==2.13.0"


@nox.session(venv_backend="venv")
def torch(session: nox.Session) -> None:
    """Recompute the book's recorded PyTorch numbers and the library's gradients in PyTorch."""
    session.install("-e", ".", "pytest>=8", "numpy", TORCH)  # torch warns without numpy
    env = {"MICROGRAD_REQUIRE_TORCH": "1"}  # a missing torch fails instead of skipping
    session.run(
        "pytest", "tests/test_torch_parity.py", "-p", "no:cacheprovider", *session.posargs, env=env
    )


CHROMIUM = "/usr/bin/chromium"


def find_chromium(session: nox.Session) -> str:
    """Debian's Chromium, which Playwright drives instead of downloading a browser."""
    chromium = shutil.which("chromium") or CHROMIUM
    if not Path(chromium).exists():
        session.error("Chromium not found: install it with `apt-get install -y chromium`")
    return chromium


@nox.session
def browser(session: nox.Session) -> None:
    """Check the built book in headless Chromium (Debian's /usr/bin/chromium) with Playwright."""
    book_env = install_book(session)
    session.install(*nox.project.dependency_groups(PYPROJECT, "browser"))
    if not (BOOK_HTML / "index.html").exists():
        session.run(*SPHINX_BUILD, str(BOOK), str(BOOK_HTML), env=book_env)
    chromium = find_chromium(session)
    env = {
        "MICROGRAD_BOOK_HTML": str(BOOK_HTML),
        "MICROGRAD_CHROMIUM": chromium,
        "MICROGRAD_PYODIDE_DIR": offline_pyodide(session),
    }
    session.run("pytest", "tests/browser", "-p", "no:cacheprovider", *session.posargs, env=env)


def offline_pyodide(session: nox.Session) -> str:
    """Pyodide for the offline JupyterLite test: core from npm, the kernel's wheels from PyPI."""
    if shutil.which("npm") is None:
        session.error(
            "npm not found (the offline JupyterLite test packs Pyodide with it): "
            "install it with `apt-get install -y npm`"
        )
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


BINDER = ROOT / "binder"


def binder_python(session: nox.Session) -> str:
    """The Python that binder/runtime.txt names, else the nearest minor version installed."""
    wanted = (BINDER / "runtime.txt").read_text().strip().removeprefix("python-")
    major, minor = (int(part) for part in wanted.split(".")[:2])
    nearest_first = sorted(range(minor - 4, minor + 5), key=lambda m: (abs(m - minor), -m))
    # pyenv puts shims on PATH for versions it refuses to run: try each candidate
    runnable = (
        (nearby, found)
        for nearby in nearest_first
        if (found := shutil.which(f"python{major}.{nearby}"))
        and subprocess.run([found, "-c", ""], check=False).returncode == 0
    )
    nearby, found = next(runnable, (None, None))
    if found is None:
        session.error(f"no Python {major}.x near binder/runtime.txt's {wanted} on PATH")
    if nearby == minor:
        session.log(f"Python {major}.{nearby} ({found}), as binder/runtime.txt asks")
    else:
        session.warn(f"binder/runtime.txt asks for Python {wanted}; {found} is the nearest")
    return found


def create_binder_env(session: nox.Session, env_dir: Path) -> Path:
    """A fresh venv holding binder/requirements.txt, as repo2docker builds it; its Python."""
    python = binder_python(session)
    shutil.rmtree(env_dir, ignore_errors=True)
    env_python = env_dir / "bin" / "python"
    requirements = str(BINDER / "requirements.txt")
    if shutil.which("uv"):  # same requirements as Binder's pip, resolved faster
        session.run(
            "uv", "venv", "--quiet", "--seed", "--python", python, str(env_dir), external=True
        )
        session.run(
            "uv",
            "pip",
            "install",
            "--quiet",
            "--python",
            str(env_python),
            "-r",
            requirements,
            external=True,
        )
    else:
        session.run(python, "-m", "venv", str(env_dir), external=True)
        session.run(
            str(env_python), "-m", "pip", "install", "--quiet", "-r", requirements, external=True
        )
    return env_python


def run_in_binder_env(session: nox.Session, binder_env: dict[str, str], *args: str) -> None:
    """Run a command with the Binder venv first on PATH (nox would put its own first)."""
    assignments = [f"{name}={value}" for name, value in binder_env.items()]
    session.run("env", *assignments, *args, external=True)


@nox.session
def binder(session: nox.Session) -> None:
    """Build Binder's environment from binder/ without Docker and run every chapter in it.

    A fresh venv from binder/requirements.txt on binder/runtime.txt's Python,
    binder/postBuild with temporary Jupyter config, data and runtime folders, then
    every chapter executed with that environment's kernel, then JupyterLab from it
    opening the walkthrough in headless Chromium. repo2docker itself and apt.txt on
    Binder's image are not reproduced (see the getting-started chapter).
    """
    session.install(*nox.project.dependency_groups(PYPROJECT, "browser"))
    chromium = find_chromium(session)
    work = Path(session.create_tmp()).resolve()
    env_dir, jupyter = work / "binder-env", work / "jupyter"
    shutil.rmtree(jupyter, ignore_errors=True)
    binder_env = {
        "PATH": f"{env_dir / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "VIRTUAL_ENV": str(env_dir),
        "JUPYTER_CONFIG_DIR": str(jupyter / "config"),
        "JUPYTER_DATA_DIR": str(jupyter / "data"),
        "JUPYTER_RUNTIME_DIR": str(jupyter / "runtime"),
    }
    timings = {}
    start = time.perf_counter()
    env_python = create_binder_env(session, env_dir)
    timings["environment from requirements.txt"] = time.perf_counter() - start
    start = time.perf_counter()
    run_in_binder_env(session, binder_env, "bash", str(BINDER / "postBuild"))
    timings["postBuild"] = time.perf_counter() - start
    start = time.perf_counter()
    run_in_binder_env(
        session, binder_env, str(env_python), "tests/binder/run_chapters.py", str(BOOK)
    )
    timings["every chapter executed"] = time.perf_counter() - start
    start = time.perf_counter()
    session.run(
        "pytest",
        "tests/binder",
        "-p",
        "no:cacheprovider",
        *session.posargs,
        env={
            **{name: value for name, value in binder_env.items() if name.startswith("JUPYTER_")},
            "MICROGRAD_BINDER_ENV": str(env_dir),
            "MICROGRAD_CHROMIUM": chromium,
        },
    )
    timings["JupyterLab test"] = time.perf_counter() - start
    for step, seconds in timings.items():
        session.log(f"{step}: {seconds:.0f} s")


def interrupt(_signum: int, _frame: FrameType | None) -> None:
    """Turn a signal into Ctrl-C, which nox answers by stopping the command it runs."""
    raise KeyboardInterrupt


@nox.session(name="docs-live")
def docs_live(session: nox.Session) -> None:
    """Rebuild the book on every change and serve it with live reload."""
    env = install_book(session)
    session.install("sphinx-autobuild")
    # A SIGTERM (`kill`, a closing IDE, a CI timeout) would end nox alone and leave
    # sphinx-autobuild serving port 8000; as a KeyboardInterrupt, nox stops it first.
    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        session.run(
            "sphinx-autobuild",
            "-n",
            "--watch",
            "micrograd",
            str(BOOK),
            str(BOOK_HTML),
            *session.posargs,
            env=env,
        )
    finally:
        signal.signal(signal.SIGTERM, previous)


@nox.session(name="format")
def format_(session: nox.Session) -> None:
    """Apply ruff's formatter and autofixes."""
    session.install("ruff")
    session.run("ruff", "check", "--fix", ".")
    session.run("ruff", "format", ".")
