"""The built book as a reader sees it, in headless Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.browser.fixtures import DESKTOP, PHONE, Tab, load, open_tab, switch_to_dark
from tests.helpers import CHAPTERS, EXERCISE_CHAPTERS, NOTEBOOK_CHAPTERS, launchers, solutions_in

WALKTHROUGH_FIGURES = {
    "dataset": "Scatter plot of the 100 points over the inputs x₁ and x₂",
    "loss": "Line chart on a log scale of the total, data and regularization loss",
    "accuracy": "Line chart of the training accuracy",
    "boundary": "The trained model's decision boundary",
    "training animation": "Animation of the demo's training",
}


def all_pages(book_html: Path) -> list[str]:
    return sorted(
        str(path.relative_to(book_html))
        for path in book_html.rglob("*.html")
        # _static holds no pages of the book; lite/ is JupyterLite (test_lite_offline.py)
        if path.relative_to(book_html).parts[0] not in ("_static", "lite")
    )


def image_report(tab: Tab) -> list[dict[str, object]]:
    tab.page.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # lazy images
    tab.page.wait_for_function("Array.from(document.images).every(i => i.complete)")
    return tab.page.evaluate(
        """Array.from(document.images).map(i => ({
            src: i.getAttribute('src'), alt: i.getAttribute('alt') || '',
            width: i.naturalWidth, complete: i.complete}))"""
    )


def test_every_page_loads_cleanly_with_every_image(
    tab: Tab, base_url: str, book_html: Path
) -> None:
    pages = all_pages(book_html)
    assert len(pages) >= len(CHAPTERS)
    problems = []
    for page in pages:
        load(tab, base_url, page)
        for image in image_report(tab):
            if not image["width"]:
                problems.append(f"{page}: image did not load: {image['src']}")
            if not str(image["alt"]).strip():
                problems.append(f"{page}: image without alt text: {image['src']}")
    log = tab.log
    problems += [f"console error: {e}" for e in log.console_errors]
    problems += [f"failed request: {u}" for u in log.failed_requests]
    problems += [f"bad response: {r}" for r in log.bad_responses]
    problems += [f"request off this machine: {u}" for u in log.external_requests]
    assert problems == []


def test_walkthrough_shows_every_figure(tab: Tab, base_url: str) -> None:
    load(tab, base_url, "walkthrough.html")
    images = image_report(tab)
    for name, alt in WALKTHROUGH_FIGURES.items():
        matching = [i for i in images if str(i["alt"]).startswith(alt)]
        assert len(matching) == 1, name
        assert int(matching[0]["width"]) > 300, name  # type: ignore[call-overload]


FROM_SCRATCH_FIGURES = {
    "slope": ("The curve f(x)", ".png"),
    "nudging errors": ("Log-log plot of the forward and central", ".png"),
    "warm-up graph": ("Computation graph of the warm-up expression", ".svg"),
    "unfused neuron": ("Computation graph of one neuron", ".svg"),
    "fused neuron": ("Computation graph of the same neuron", ".svg"),
}


def test_from_scratch_shows_every_figure(tab: Tab, base_url: str) -> None:
    load(tab, base_url, "from-scratch.html")
    images = image_report(tab)
    for name, (alt, suffix) in FROM_SCRATCH_FIGURES.items():
        matching = [i for i in images if str(i["alt"]).startswith(alt)]
        assert len(matching) == 1, name
        assert str(matching[0]["src"]).endswith(suffix), name
        assert int(matching[0]["width"]) > 150, name  # type: ignore[call-overload]
    assert tab.log.console_errors == []


CLIPPED_CODE = """Array.from(document.querySelectorAll('div.cell_input pre'))
    .filter(pre => pre.scrollWidth > pre.clientWidth + 1)
    .map(pre => pre.innerText.split('\\n').reduce((a, b) => (b.length > a.length ? b : a)))"""


@pytest.mark.parametrize("chapter", [name for name in CHAPTERS if name != "api"])
def test_no_code_line_is_clipped_at_desktop_width(tab: Tab, base_url: str, chapter: str) -> None:
    """Folded solutions and toggles are opened first, so their code is measured too."""
    load(tab, base_url, f"{chapter}.html")
    titles = tab.page.locator("div.solution.dropdown > .admonition-title")
    for i in range(titles.count()):
        titles.nth(i).click()
    if titles.count():
        tab.page.locator("div.solution.dropdown .cell_output").last.wait_for(state="visible")
    tab.page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true })")
    assert tab.page.evaluate(CLIPPED_CODE) == []


@pytest.mark.parametrize("chapter", EXERCISE_CHAPTERS)
def test_solutions_are_folded_until_clicked(tab: Tab, base_url: str, chapter: str) -> None:
    """Each solution starts folded, opens on a click on its title with executed output,
    leaves the next one folded, and folds again on a second click."""
    load(tab, base_url, f"{chapter}.html")
    solutions = tab.page.locator("div.solution.dropdown")
    assert solutions.count() == solutions_in(chapter)
    for i in range(solutions.count()):
        solution = solutions.nth(i)
        code = solution.locator("div.cell_input").first
        output = solution.locator("div.cell_output").first
        assert not code.is_visible(), f"solution {i} is not folded"
        assert not output.is_visible(), f"solution {i} is not folded"
        solution.locator(".admonition-title").click()
        output.wait_for(state="visible", timeout=5_000)
        assert code.is_visible(), f"solution {i} shows no code"
        assert output.inner_text().strip(), f"solution {i} printed nothing"
        solution.locator(".admonition-title").click()
        output.wait_for(state="hidden", timeout=5_000)


def test_from_scratch_exercise_2_answer_opens_with_its_solution(tab: Tab, base_url: str) -> None:
    """Exercise 2 runs the overwriting pass on the reader's own Node."""
    load(tab, base_url, "from-scratch.html")
    answer = tab.page.get_by_text("dy/dx = 16.0; the overwriting pass says 9.0")
    assert answer.count() == 1
    assert not answer.is_visible()
    tab.page.locator("div.solution.dropdown").nth(1).locator(".admonition-title").click()
    answer.wait_for(state="visible", timeout=5_000)


def test_navigation_lists_and_opens_every_chapter(tab: Tab, base_url: str) -> None:
    load(tab, base_url, "index.html")
    nav = tab.page.locator("nav.bd-links a.reference.internal")
    hrefs = [nav.nth(i).get_attribute("href") for i in range(nav.count())]
    expected = [f"{name}.html" for name in CHAPTERS if name != "index"]
    assert [h for h in hrefs if h in expected] == expected
    for name in expected:
        load(tab, base_url, "index.html")
        tab.page.locator(f'nav.bd-links a[href="{name}"]').first.click()
        tab.page.wait_for_load_state("networkidle")
        assert tab.page.url.endswith(name)
        heading = tab.page.locator("article h1").first.inner_text()
        assert heading.rstrip("#").strip() == CHAPTERS[name.removesuffix(".html")]


@pytest.mark.parametrize("chapter", NOTEBOOK_CHAPTERS)
def test_launch_and_download_buttons(tab: Tab, base_url: str, chapter: str) -> None:
    load(tab, base_url, f"{chapter}.html")
    page = tab.page
    page.locator(".dropdown-launch-buttons button").first.click()
    for text, url in launchers(chapter).items():
        link = page.locator(".dropdown-launch-buttons a", has_text=text)
        assert link.is_visible(), text
        assert link.get_attribute("href") == url, text
    page.keyboard.press("Escape")
    page.locator(".dropdown-download-buttons button").first.click()
    notebook = page.locator(".dropdown-download-buttons a", has_text=".ipynb")
    assert notebook.is_visible()
    href = notebook.get_attribute("href") or ""
    assert href.endswith(f"_sources/{chapter}.ipynb")
    response = page.request.get(f"{base_url}/{href}")
    assert response.ok
    assert '"outputs"' in response.text()


def test_search_for_max_margin_finds_the_walkthrough(tab: Tab, base_url: str) -> None:
    load(tab, base_url, "search.html?q=max-margin")
    results = tab.page.locator("#search-results ul.search li a")
    results.first.wait_for(timeout=15_000)
    titles = [results.nth(i).inner_text() for i in range(results.count())]
    assert any("Walkthrough" in title for title in titles), titles


@pytest.mark.parametrize("chapter", list(CHAPTERS))
def test_phone_layout_does_not_scroll_sideways(phone_tab: Tab, base_url: str, chapter: str) -> None:
    load(phone_tab, base_url, f"{chapter}.html")
    page = phone_tab.page
    overflow = page.evaluate(
        "document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth"
    )
    assert overflow <= 0, f"{chapter} scrolls {overflow}px sideways"
    too_wide = page.evaluate(
        # a graph drawing wider than the phone scrolls inside its output, which must fit
        f"""Array.from(document.querySelectorAll('article img'))
            .map(i => [i, i.closest('.cell_output')])
            .map(([i, o]) => (o && getComputedStyle(o).overflowX === 'auto' ? o : i))
            .map(e => e.getBoundingClientRect())
            .filter(r => r.right > {PHONE["width"]} + 1 || r.left < -1).length"""
    )
    assert too_wide == 0


def test_dark_mode_toggle_keeps_figures_on_white(tab: Tab, base_url: str) -> None:
    load(tab, base_url, "walkthrough.html")
    page = tab.page
    assert page.evaluate("document.documentElement.dataset.theme") == "light"
    switch_to_dark(tab)
    styles = page.evaluate(
        """Array.from(document.querySelectorAll('.cell_output img'))
            .map(i => [getComputedStyle(i).backgroundColor, getComputedStyle(i).filter])"""
    )
    assert len(styles) == len(WALKTHROUGH_FIGURES)
    assert {tuple(s) for s in styles} == {("rgb(255, 255, 255)", "none")}
    body = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert body != "rgb(255, 255, 255)"  # the page itself did turn dark


SCREENSHOTS = [
    ("introduction", "index.html", None),
    ("from-scratch-top", "from-scratch.html", None),
    ("from-scratch-paths", "from-scratch.html", "#the-chain-rule-by-hand"),
    ("from-scratch-by-hand", "from-scratch.html", "#backpropagation-by-hand-node-by-node"),
    ("from-scratch-sort", "from-scratch.html", "#putting-the-nodes-in-order"),
    ("from-scratch-zero-grad", "from-scratch.html", "#why-there-is-no-zero-grad"),
    ("from-scratch-exercises", "from-scratch.html", "#exercises"),
    ("walkthrough-top", "walkthrough.html", None),
    ("walkthrough-decision-boundary", "walkthrough.html", "#the-decision-boundary"),
    ("extras", "extras.html", None),
]


@pytest.mark.parametrize(("size", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_screenshots_for_people(
    browser: Browser, base_url: str, book_html: Path, size: str, viewport: dict[str, int]
) -> None:
    out = book_html.parent / "screenshots"
    out.mkdir(exist_ok=True)
    tab = open_tab(browser, base_url, viewport)
    try:
        for name, page, anchor in SCREENSHOTS:
            load(tab, base_url, page)
            image_report(tab)  # scrolls to the bottom so lazy images load
            if anchor is None:
                tab.page.evaluate("window.scrollTo(0, 0)")
            else:
                tab.page.evaluate(f"document.querySelector('{anchor}').scrollIntoView()")
            path = out / f"{name}-{size}.png"
            tab.page.screenshot(path=str(path))
            assert path.stat().st_size > 10_000
    finally:
        tab.page.context.close()
