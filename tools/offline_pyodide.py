"""Make a Pyodide distribution that the lite site's kernel can start from with no CDN.

Used by ``nox -s browser`` for the offline JupyterLite test::

    python tools/offline_pyodide.py DIR VERSION

- Pyodide's core (``pyodide.mjs``, the WebAssembly interpreter, the standard library,
  ``pyodide-lock.json``) comes from the npm registry's ``pyodide`` package, ``VERSION``
  being the one the JupyterLite kernel loads from the CDN.
- The kernel also installs pure-Python packages while it starts (micropip, IPython, jedi,
  comm and their dependencies). The CDN serves Pyodide's rebuilt copies; here the same
  versions come from PyPI, and ``pyodide-lock.json`` gets those files' sha256 (Pyodide
  checks them). ``comm``, which the kernel takes from PyPI, is added to the lock.

Anything else (matplotlib, numpy: compiled for WebAssembly) is only on the CDN and
stays out: a notebook that asks for it fails the offline test.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

KERNEL_STARTUP = ["micropip", "ipython", "jedi"]
"""What the kernel loads from Pyodide's packages while it starts (and their dependencies)."""
FROM_PYPI = {"comm": "comm"}
"""What it loads from PyPI instead (not in Pyodide's lock): name -> import name."""


def unpack_core(target: Path, version: str) -> None:
    """``npm pack pyodide@version`` and unpack its files into ``target``."""
    with tempfile.TemporaryDirectory() as scratch:
        subprocess.run(
            ["npm", "pack", f"pyodide@{version}", "--pack-destination", scratch, "--silent"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        (tarball,) = Path(scratch).glob("pyodide-*.tgz")
        with tarfile.open(tarball) as archive:
            for member in archive.getmembers():
                if member.isfile() and member.name.startswith("package/"):
                    member.name = member.name.removeprefix("package/")
                    archive.extract(member, target, filter="data")


def closure(packages: dict[str, Any], roots: list[str]) -> list[str]:
    """``roots`` and everything they depend on in the lock, sorted."""
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = re.sub(r"[-_.]+", "-", todo.pop()).lower()  # the lock's keys are normalized
        if name not in seen:
            seen.add(name)
            todo.extend(packages[name]["depends"])
    return sorted(seen)


def download(target: Path, specs: list[str]) -> None:
    """Pure-Python wheels for Pyodide's Python from PyPI, without dependencies."""
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
         "--python-version", "3.14", "--dest", str(target), *specs],
        check=True,
    )  # fmt: skip


def sha256(path: Path) -> str:
    """The hex sha256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make(target: Path, version: str) -> None:
    """Write the offline distribution into ``target`` (done once; kept in nox's cache)."""
    ready = target / "offline-ready"
    if ready.exists():
        return
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    lock_path = target / "pyodide-lock.json"
    unpack_core(target, version)
    lock = json.loads(lock_path.read_text(encoding="utf-8"))
    packages = lock["packages"]
    names = closure(packages, KERNEL_STARTUP)
    download(target, [f"{name}=={packages[name]['version']}" for name in names])
    download(target, list(FROM_PYPI))
    for name in names:
        entry = packages[name]
        entry["sha256"] = sha256(target / entry["file_name"])
    for name, module in FROM_PYPI.items():
        (wheel,) = target.glob(f"{name}-*.whl")
        packages[name] = {
            "name": name,
            "version": wheel.name.split("-")[1],
            "file_name": wheel.name,
            "install_dir": "site",
            "sha256": sha256(wheel),
            "package_type": "package",
            "imports": [module],
            "depends": [],
        }
    lock_path.write_text(json.dumps(lock), encoding="utf-8")
    ready.write_text(version, encoding="utf-8")


if __name__ == "__main__":
    make(Path(sys.argv[1]), sys.argv[2])
