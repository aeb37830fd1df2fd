"""Every way this project is run: tests, lint, benchmark, book. `nox -l` lists them."""

from __future__ import annotations

from pathlib import Path

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "tests"]

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml("pyproject.toml")
REFERENCE_MICROGRAD = "micrograd==0.1.0"  # Karpathy's original, for parity tests and the benchmark


def install_reference_micrograd(session: nox.Session) -> str:
    """Install Karpathy's micrograd into its own folder (it shares our import name)."""
    target = (Path(session.cache_dir) / "reference-micrograd").resolve()
    session.install("--target", str(target), "--no-deps", "--upgrade", REFERENCE_MICROGRAD)
    return str(target)


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite with coverage of micrograd/."""
    session.install("-e", ".", *nox.project.dependency_groups(PYPROJECT, "test"))
    env = {"MICROGRAD_REFERENCE_PATH": install_reference_micrograd(session)}
    session.run(
        "pytest",
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


@nox.session(name="format")
def format_(session: nox.Session) -> None:
    """Apply ruff's formatter and autofixes."""
    session.install("ruff")
    session.run("ruff", "check", "--fix", ".")
    session.run("ruff", "format", ".")
