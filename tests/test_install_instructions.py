"""Every install command the project prints or documents works as written today.

The package is not on PyPI until its first release, so a bare
``pip install "micrograd-book[...]"`` fails. Each such command must install from the
repository named in pyproject.toml (``"micrograd-book[...] @ git+<url>"``);
``nox -s package`` installs that form from a clone to prove it resolves.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT_URLS = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]
REPOSITORY_URL = re.fullmatch(r"(https://.+)", PROJECT_URLS["Source"])
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "book").glob("*.md"))]
SOURCES = sorted((ROOT / "micrograd").glob("*.py"))
# "micrograd-book" named right after pip install (options allowed in between), quoted or not
INSTALL = re.compile(r"pip install (?:-\S+ )*\"?(micrograd-book[^\"\s`']*(?: @ [^\"\s`']+)?)")


def install_commands(path: Path) -> list[str]:
    return INSTALL.findall(path.read_text())


def test_the_repository_url_is_found_in_pyproject() -> None:
    assert REPOSITORY_URL is not None
    assert REPOSITORY_URL.group(1).startswith("https://")


@pytest.mark.parametrize("path", DOCUMENTS + SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_install_command_names_the_repository(path: Path) -> None:
    assert REPOSITORY_URL is not None
    url = REPOSITORY_URL.group(1)
    wrong = [c for c in install_commands(path) if not c.endswith(f" @ git+{url}")]
    assert wrong == [], f"{path.name}: install from the repository: @ git+{url}"
