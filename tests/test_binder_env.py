"""binder/requirements.txt installs what the chapters' cells import.

The chapters run with the `docs` dependency group when the book is built, so Binder's
environment must hold every package of that group; `nox -s binder` then executes every
chapter in an environment built from binder/ to prove it.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]


def names(requirements: list[str]) -> set[str]:
    return {canonicalize_name(Requirement(line).name) for line in requirements}


def binder_requirements() -> list[str]:
    lines = (ROOT / "binder" / "requirements.txt").read_text().splitlines()
    return [line.split("#")[0].strip() for line in lines if line.split("#")[0].strip()]


def docs_group() -> list[str]:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    group = pyproject["dependency-groups"]["docs"]
    return [entry for entry in group if isinstance(entry, str)]


def test_binder_installs_every_package_of_the_docs_group() -> None:
    missing = names(docs_group()) - names(binder_requirements())
    assert missing == set(), f"add to binder/requirements.txt: {sorted(missing)}"
