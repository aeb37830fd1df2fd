"""A reader's click on a chapter's Binder button, reproduced on 127.0.0.1.

sphinx-book-theme's Binder button (``notebook_interface: "jupyterlab"``) opens the
notebook paired with the chapter, ``?urlpath=lab/tree/book/<chapter>.ipynb``;
tests/browser/test_book_in_browser.py checks the built button against that address.
Here JupyterLab from the Binder environment gets the same path and must show the
chapter as a notebook whose cells all run, with no glue role left in its text.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

from playwright.sync_api import Browser, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.binder.conftest import Lab, jupyter_lab, remove_viewer_setting
from tests.browser.fixtures import PROMPTS, Tab, open_tab, run_all_cells
from tests.helpers import ROOT, launchers

CHAPTER = Path("book", "walkthrough.md")
LAUNCH_URLPATH = launchers(CHAPTER.stem)["Binder"].split("?urlpath=")[1]  # the button's path
SOURCE_URLPATH = f"lab/tree/{CHAPTER.as_posix()}"  # the chapter's source, from the file browser
OPEN_SECONDS = 120
RUN_ALL_SECONDS = 600
NOTEBOOK = ".jp-NotebookPanel"
TEXT_EDITOR = ".jp-FileEditor"
MARKDOWN_PREVIEW = ".jp-MarkdownViewer"


def open_launch_url(tab: Tab, lab: Lab, urlpath: str = LAUNCH_URLPATH) -> str:
    """Follow the Binder button's urlpath; what the chapter opened as."""
    tab.page.goto(f"{lab.base_url}/{urlpath}?token={lab.token}")
    views = {NOTEBOOK: "notebook", TEXT_EDITOR: "text editor", MARKDOWN_PREVIEW: "preview"}
    tab_content = "#jp-main-dock-panel .lm-DockPanel-widget:not(.lm-mod-hidden)"
    selectors = {view: f"{tab_content}{css}, {tab_content} {css}" for css, view in views.items()}
    any_view = tab.page.locator(", ".join(selectors.values()))
    any_view.first.wait_for(timeout=OPEN_SECONDS * 1000)
    return next(view for view, css in selectors.items() if tab.page.locator(css).count())


def wait_for_code_cells(page: Page, expected: int) -> int:
    """Wait until the notebook shows ``expected`` code cells (it attaches them lazily)."""
    count = f"{PROMPTS}.length"
    # on a timeout the caller compares the count read now with the chapter's
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_function(f"{count} >= {expected}", timeout=OPEN_SECONDS * 1000)
    return int(page.evaluate(count))


def test_binder_url_opens_the_walkthrough_as_a_notebook_that_runs(
    browser: Browser, binder_env: Path, postbuild_config: Path, book_copy: Path, tmp_path: Path
) -> None:
    code_cells = (ROOT / CHAPTER).read_text().count("```{code-cell}") + 1  # + the setup cell
    with jupyter_lab(binder_env, postbuild_config, book_copy, tmp_path) as lab:
        tab = open_tab(browser, lab.base_url)
        try:
            assert open_launch_url(tab, lab) == "notebook"
            assert wait_for_code_cells(tab.page, code_cells) == code_cells
            prose = tab.page.locator(".jp-NotebookPanel .jp-MarkdownOutput").all_inner_texts()
            prompts = run_all_cells(tab.page, OPEN_SECONDS * 1000, RUN_ALL_SECONDS * 1000)
            # textContent, not innerText: cells scrolled out of view are not rendered
            outputs = tab.page.evaluate(
                """Array.from(document.querySelectorAll('.jp-NotebookPanel .jp-OutputArea-output'))
                    .map(output => output.textContent)"""
            )
        finally:
            tab.page.context.close()
    # Run All stops at the first error, so [1]..[n] means every cell ran, in order, cleanly.
    assert prompts == [f"[{number}]:" for number in range(1, code_cells + 1)]
    tracebacks = [text for text in outputs if "Traceback" in text]
    assert tracebacks == []
    assert not [text for text in prose if re.search(r"\{glue[\w:]*\}", text)]
    assert any("initial_loss = " in text for text in outputs)  # a cell a pointer names
    assert tab.log.external_requests == []


def test_without_postbuilds_viewer_setting_the_chapter_is_not_a_notebook(
    browser: Browser, binder_env: Path, postbuild_config: Path, book_copy: Path, tmp_path: Path
) -> None:
    """postBuild's setting opens a chapter's .md as a notebook; without it, as text."""
    remove_viewer_setting(postbuild_config)
    with jupyter_lab(binder_env, postbuild_config, book_copy, tmp_path) as lab:
        tab = open_tab(browser, lab.base_url)
        try:
            assert open_launch_url(tab, lab, SOURCE_URLPATH) == "text editor"
        finally:
            tab.page.context.close()
