"""JupyterLab started from the Binder environment that ``nox -s binder`` builds.

The session sets ``MICROGRAD_BINDER_ENV`` (the venv made from binder/requirements.txt
and binder/postBuild) and ``JUPYTER_CONFIG_DIR`` / ``JUPYTER_DATA_DIR`` (the folders
postBuild wrote its settings into). Chromium comes from tests/browser/fixtures.py:
headless, and every request that leaves 127.0.0.1 is refused.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import ROOT, prepared_folder
from tools.ports import free_port

STARTUP_SECONDS = 120
# What jupytext-config set-default-viewer (run by binder/postBuild) writes.
VIEWER_SETTING_FILE = Path("labconfig", "default_setting_overrides.json")
VIEWER_SETTING_KEY = "@jupyterlab/docmanager-extension:plugin"


@dataclass(frozen=True)
class Lab:
    """A running JupyterLab: its address on 127.0.0.1 and its token."""

    base_url: str
    token: str


@pytest.fixture(scope="session")
def binder_env() -> Path:
    missing = "no Binder environment at {path}; run `nox -s binder`, which builds it"
    return prepared_folder("MICROGRAD_BINDER_ENV", Path(), "bin/jupyter-lab", missing)


@pytest.fixture
def postbuild_config(tmp_path: Path) -> Path:
    """A private copy of the Jupyter config folder postBuild wrote (workspaces stay apart)."""
    source = Path(os.environ.get("JUPYTER_CONFIG_DIR", ""))
    if not (source / VIEWER_SETTING_FILE).is_file():
        pytest.fail(f"binder/postBuild wrote no viewer setting to {source / VIEWER_SETTING_FILE}")
    return Path(shutil.copytree(source, tmp_path / "config"))


@pytest.fixture
def book_copy(tmp_path: Path) -> Path:
    """A copy of the repository's chapters for JupyterLab to serve.

    JupyterLab autosaves an edited notebook, and Jupytext writes it back to the ``.md``
    (new front matter, ``ipython3`` cell markers): the test must not rewrite the book.
    """
    root = tmp_path / "repository"
    shutil.copytree(ROOT / "book", root / "book", ignore=shutil.ignore_patterns("_build"))
    return root


def remove_viewer_setting(config: Path) -> None:
    """Undo what ``jupytext-config set-default-viewer`` did in ``config``."""
    settings_file = config / VIEWER_SETTING_FILE
    settings = json.loads(settings_file.read_text())
    del settings[VIEWER_SETTING_KEY]
    settings_file.write_text(json.dumps(settings))


def wait_until_serving(lab: Lab, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"JupyterLab exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{lab.base_url}/api/status?token={lab.token}"):
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.5)
    pytest.fail(f"JupyterLab did not answer within {STARTUP_SECONDS} s:\n{log.read_text()}")


@contextmanager
def jupyter_lab(binder_env: Path, config: Path, root: Path, workdir: Path) -> Iterator[Lab]:
    """JupyterLab from the Binder venv, serving ``root`` on 127.0.0.1 with a token."""
    lab = Lab(f"http://127.0.0.1:{free_port()}", secrets.token_hex(16))
    env = {
        **os.environ,
        "PATH": f"{binder_env / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "VIRTUAL_ENV": str(binder_env),
        "JUPYTER_CONFIG_DIR": str(config),
        "JUPYTER_RUNTIME_DIR": str(workdir / "runtime"),
    }
    command = [
        str(binder_env / "bin" / "jupyter-lab"),
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={lab.base_url.rsplit(':', 1)[1]}",
        f"--IdentityProvider.token={lab.token}",
        f"--ServerApp.root_dir={root}",
        "--allow-root",  # this CI runs as root (Binder does not); JupyterLab refuses root otherwise
        # the server stays off the network too: no news feed, update check or PyPI search
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
    ]
    log = workdir / "jupyterlab.log"
    with log.open("wb") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_until_serving(lab, process, log)
        yield lab
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
