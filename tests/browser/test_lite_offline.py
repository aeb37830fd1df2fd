"""A chapter runs in the reader's browser (JupyterLite, Pyodide), proved with no network.

The hosted book loads Pyodide from its CDN. Here the same Pyodide version is served
from 127.0.0.1 (``tools/offline_pyodide.py`` builds it from npm and PyPI) and Chromium sends
every request for another host to a local proxy that refuses and records it: one such
request fails the test. What this cannot cover: packages only the CDN has (matplotlib,
numpy), so the chapter run here is one with no plots.
"""

from __future__ import annotations

import functools
import http.server
import json
import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Frame, Page, Playwright

import micrograd
from tests.browser.fixtures import CHROMIUM_ARGS, DESKTOP, QuietLog, run_all_cells, serving
from tests.helpers import launchers, prepared_folder

KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"
PYODIDE_PATH = "/_pyodide/"
CHAPTER = "getting-started"  # one code cell, no plots
CHROMIUM_SERVICES = {
    "accounts.google.com",
    "content-autofill.googleapis.com",
    "update.googleapis.com",
}
"""Hosts Chromium itself calls (sign-in, autofill, updates), whatever page is open."""
SCREENSHOT = Path(os.environ.get("MICROGRAD_LITE_SCREENSHOT", "book/_build/lite-offline.png"))


@pytest.fixture(scope="module")
def pyodide_dir() -> Path:
    missing = "no offline Pyodide at {path}; run `nox -s browser` (it makes one)"
    return prepared_folder("MICROGRAD_PYODIDE_DIR", Path(), "offline-ready", missing)


class _LiteHandler(QuietLog, http.server.SimpleHTTPRequestHandler):
    """The built book, plus Pyodide under /_pyodide/ and a lite config that points there."""

    pyodide_dir: Path

    def translate_path(self, path: str) -> str:
        if path.startswith(PYODIDE_PATH):
            return str(self.pyodide_dir / path.removeprefix(PYODIDE_PATH).split("?")[0])
        return super().translate_path(path)

    def do_GET(self) -> None:
        if self.path.split("?")[0] != "/lite/jupyter-lite.json":
            super().do_GET()
            return
        config = json.loads(Path(self.translate_path(self.path)).read_text(encoding="utf-8"))
        data = config["jupyter-config-data"]
        data["exposeAppInBrowser"] = "true"  # the Try-it test runs cells through the app
        origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        data["litePluginSettings"][KERNEL_PLUGIN]["pyodideUrl"] = (
            f"{origin}{PYODIDE_PATH}pyodide.mjs"
        )
        body = json.dumps(config).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _RefusingProxy(QuietLog, http.server.BaseHTTPRequestHandler):
    """Chromium's proxy for every host but 127.0.0.1: refuses and remembers each request."""

    refused: list[str]

    def _refuse(self) -> None:
        host = (
            self.path.split(":")[0] if self.command == "CONNECT" else urlsplit(self.path).hostname
        )
        if host not in CHROMIUM_SERVICES:
            self.refused.append(f"{self.command} {self.path}")
        self.send_error(403, "offline test: no network")

    do_GET = do_POST = do_HEAD = do_CONNECT = do_PUT = do_OPTIONS = _refuse


@pytest.fixture(scope="module")
def lite_site(book_html: Path, pyodide_dir: Path) -> Iterator[str]:
    handler = type("Handler", (_LiteHandler,), {"pyodide_dir": pyodide_dir})
    with serving(functools.partial(handler, directory=str(book_html))) as server:
        yield f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="module")
def refusing_proxy() -> Iterator[http.server.ThreadingHTTPServer]:
    with serving(type("Proxy", (_RefusingProxy,), {"refused": []})) as server:
        yield server


@pytest.fixture(scope="module")
def refused(refusing_proxy: http.server.ThreadingHTTPServer) -> list[str]:
    """Every request that tried to leave 127.0.0.1."""
    return refusing_proxy.RequestHandlerClass.refused  # type: ignore[attr-defined,no-any-return]


@pytest.fixture(scope="module")
def offline_page(
    playwright: Playwright, chromium: str, refusing_proxy: http.server.ThreadingHTTPServer
) -> Iterator[Page]:
    port = refusing_proxy.server_address[1]
    browser = playwright.chromium.launch(
        executable_path=chromium,
        # Chromium's own flag, not Playwright's proxy option (that one also proxies
        # loopback): requests to 127.0.0.1 go direct, all others to the refusing proxy.
        args=[*CHROMIUM_ARGS, f"--proxy-server=http://127.0.0.1:{port}"],
    )
    yield browser.new_context(viewport=DESKTOP).new_page()
    browser.close()


def test_a_chapter_runs_in_the_browser_with_no_network(
    offline_page: Page, lite_site: str, refused: list[str]
) -> None:
    page = offline_page
    page.goto(f"{lite_site}/{CHAPTER}.html")
    launch = page.locator("a[href*='lite/lab/index.html']").first
    href = launch.get_attribute("href")
    assert href == launchers(CHAPTER)["JupyterLite"]

    started = time.perf_counter()
    page.goto(f"{lite_site}/{href}")
    prompts = run_all_cells(page, start_ms=120_000, run_ms=120_000)
    seconds = time.perf_counter() - started
    outputs = page.locator(".jp-OutputArea-output").all_inner_texts()
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))

    text = "\n".join(outputs)
    assert prompts == [f"[{n}]:" for n in range(1, len(prompts) + 1)], prompts  # all ran, in order
    logging.getLogger(__name__).info("lite chapter opened and run offline in %.1f s", seconds)
    assert f"micrograd {micrograd.__version__} on Python 3." in text  # this build's wheel
    assert "y = x * x + 1 at x = 3.0: y = 10.0, dy/dx = 6.0" in text  # the engine ran
    assert "Graphviz dot program: missing" in text  # and it ran in the browser
    assert "Error" not in text, text
    assert refused == [], "requests that tried to leave 127.0.0.1"


def run_every_cell_in(frame: Frame, timeout_ms: int) -> None:
    """Run every cell of the notebook open in ``frame`` (JupyterLite's Notebook app)."""
    frame.wait_for_function(
        """() => {
            const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
            const kernel = panel && panel.sessionContext && panel.sessionContext.session
                && panel.sessionContext.session.kernel;
            return kernel && kernel.status === 'idle';
        }""",
        timeout=timeout_ms,
    )
    # the same command as Run > Run All Cells; not awaited (it settles when the kernel does)
    frame.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    frame.wait_for_function(
        """() => {
            const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
            return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
        }""",
        timeout=timeout_ms,
    )


def test_an_api_example_runs_in_the_page_with_no_network(
    offline_page: Page, lite_site: str, refused: list[str]
) -> None:
    """The API reference's "Try it" button swaps an example for a notebook that runs it."""
    page = offline_page
    page.goto(f"{lite_site}/api.html")
    example = page.locator(".try_examples_outer_container", has_text="y = x * x + 1")
    example.locator(".try_examples_button", has_text="Try it").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('iframe')].some(f => f.src.includes('notebooks'))"
    )
    frame = next(f for f in page.frames if "notebooks/index.html" in f.url)
    assert frame.url.endswith(".ipynb")
    started = time.perf_counter()
    run_every_cell_in(frame, timeout_ms=120_000)
    outputs = [text.strip() for text in frame.locator(".jp-OutputArea-output").all_inner_texts()]
    logging.getLogger(__name__).info(
        "API example opened and run offline in %.1f s", time.perf_counter() - started
    )
    page.screenshot(path=str(SCREENSHOT.with_name("try-it-offline.png")))
    assert [text for text in outputs if text in {"10.0", "6.0"}] == ["10.0", "6.0"]
    assert not [text for text in outputs if "Error" in text], outputs
    assert refused == [], "requests that tried to leave 127.0.0.1"
