"""Serve the built book on 127.0.0.1 and drive Debian's Chromium with Playwright.

A pytest plugin (``pytest_plugins`` in tests/conftest.py) for the browser and Binder
tests. ``nox -s browser`` sets ``MICROGRAD_BOOK_HTML`` (the book ``nox -s docs`` built)
and ``MICROGRAD_CHROMIUM``. Chromium runs headless with no network: Playwright never
downloads a browser of its own.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.helpers import BOOK, prepared_folder

if TYPE_CHECKING:  # imported when a fixture runs: the unit tests load this plugin too
    from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, Request, Response

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def book_html() -> Path:
    missing = "no built book at {path}; run `nox -s docs`, then `nox -s browser`"
    return prepared_folder("MICROGRAD_BOOK_HTML", BOOK / "_build" / "html", "index.html", missing)


class QuietLog:
    """A request handler mixin that keeps the test output free of access logs."""

    def log_message(self, format: str, *args: object) -> None:
        pass


class _QuietHandler(QuietLog, http.server.SimpleHTTPRequestHandler):
    pass


@contextmanager
def serving(
    handler: Callable[..., http.server.BaseHTTPRequestHandler],
) -> Iterator[http.server.ThreadingHTTPServer]:
    """``handler`` served on a free port of 127.0.0.1 until the block ends."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def base_url(book_html: Path) -> Iterator[str]:
    """The book served on a free port of 127.0.0.1 for the whole test run."""
    with serving(functools.partial(_QuietHandler, directory=str(book_html))) as server:
        yield f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="session")
def chromium() -> str:
    executable = os.environ.get("MICROGRAD_CHROMIUM", "/usr/bin/chromium")
    if not Path(executable).exists():
        pytest.fail(f"Chromium not found at {executable}: apt-get install -y chromium")
    return executable


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    with sync_playwright() as started:
        yield started


@pytest.fixture(scope="session")
def browser(playwright: Playwright, chromium: str) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@dataclass
class PageLog:
    """What went wrong while a page loaded: console errors, failed and non-OK requests."""

    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    bad_responses: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)


@dataclass
class Tab:
    page: Page
    log: PageLog


def open_tab(browser: Browser, base_url: str, viewport: dict[str, int] = DESKTOP) -> Tab:
    """A fresh page that records problems, with every request off this machine refused."""
    context = browser.new_context(viewport=viewport)  # type: ignore[arg-type]
    page = context.new_page()
    log = PageLog()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            log.console_errors.append(message.text)

    def on_failed(request: Request) -> None:
        if request.url.startswith(base_url):
            log.failed_requests.append(request.url)

    def on_response(response: Response) -> None:
        if response.url.startswith(base_url) and response.status >= 400:
            log.bad_responses.append(f"{response.status} {response.url}")

    def route(route: object) -> None:
        request = route.request  # type: ignore[attr-defined]
        if request.url.startswith(base_url) or request.url.startswith("data:"):
            route.continue_()  # type: ignore[attr-defined]
        else:
            log.external_requests.append(request.url)
            route.abort()  # type: ignore[attr-defined]

    page.on("console", on_console)
    page.on("requestfailed", on_failed)
    page.on("response", on_response)
    page.route("**/*", route)
    return Tab(page, log)


def load(tab: Tab, base_url: str, page: str) -> None:
    """Open a page of the built book and wait until the network is idle; it must be a 200."""
    response = tab.page.goto(f"{base_url}/{page}", wait_until="networkidle")
    assert response is not None
    assert response.status == 200, page


def switch_to_dark(tab: Tab) -> None:
    """Pick the dark theme with the theme's own buttons."""
    page = tab.page
    page.locator("button.theme-switch-button:visible").first.click()
    page.locator('button.theme-change-button[data-mode="dark"]:visible').first.click()
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"


@pytest.fixture
def tab(browser: Browser, base_url: str) -> Iterator[Tab]:
    opened = open_tab(browser, base_url)
    yield opened
    opened.page.context.close()


@pytest.fixture
def phone_tab(browser: Browser, base_url: str) -> Iterator[Tab]:
    opened = open_tab(browser, base_url, PHONE)
    yield opened
    opened.page.context.close()


PROMPTS = "document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell .jp-InputPrompt')"


def run_all_cells(page: Page, start_ms: int, run_ms: int) -> list[str]:
    """Run > Run All Cells in JupyterLab or JupyterLite, as a reader would; each cell's prompt.

    Waits for the kernel to be idle first (Run All before the kernel has started runs
    nothing, as a reader would see too), then until no cell is queued or running.
    """
    kernel_idle = page.locator("#jp-main-statusbar", has_text=re.compile(r"\| Idle"))
    kernel_idle.wait_for(timeout=start_ms)
    page.locator(".lm-MenuBar-item", has_text=re.compile(r"^Run$")).click()
    label = page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$"))
    page.locator(".lm-Menu-item", has=label).click()
    started = f"Array.from({PROMPTS}).some(p => /\\[(\\*|\\d+)\\]/.test(p.textContent))"
    page.wait_for_function(started, timeout=start_ms)
    finished = f"!Array.from({PROMPTS}).some(p => p.textContent.includes('[*]'))"
    page.wait_for_function(finished, timeout=run_ms, polling=1000)
    return page.evaluate(f"Array.from({PROMPTS}).map(p => p.textContent.trim())")  # type: ignore[no-any-return]
