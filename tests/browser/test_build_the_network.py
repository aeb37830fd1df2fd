"""The chapter "Build the network" as a reader sees it, at desktop and phone width."""

from __future__ import annotations

from tests.browser.fixtures import PHONE, Tab, load

PAGE = "build-the-network.html"
FIGURES = ["The hinge loss relu(1 ", "The library's total loss over 100 training steps"]
OUTSIDE_THE_SCREEN = f"""Array.from(document.querySelectorAll('article pre, article table'))
    .map(e => e.getBoundingClientRect())
    .filter(r => r.width > 0 && (r.right > {PHONE["width"]} + 1 || r.left < -1)).length"""


def load_chapter(tab: Tab, base_url: str) -> None:
    load(tab, base_url, PAGE)
    tab.page.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # lazy images
    tab.page.wait_for_function("Array.from(document.images).every(i => i.complete)")


def test_it_renders_with_its_figures_and_alt_text(tab: Tab, base_url: str) -> None:
    load_chapter(tab, base_url)
    heading = tab.page.locator("article h1").first.inner_text()
    assert heading.rstrip("#").strip() == "Build the network"
    images = tab.page.evaluate(
        """Array.from(document.querySelectorAll('article img')).map(i => ({
            alt: i.getAttribute('alt') || '', width: i.naturalWidth}))"""
    )
    for start in FIGURES:
        matching = [i for i in images if i["alt"].startswith(start)]
        assert len(matching) == 1, start
        assert matching[0]["width"] > 300, start
    assert all(len(i["alt"]) > 20 for i in images), images
    assert tab.log.console_errors == []
    assert tab.log.failed_requests == []


def test_no_code_block_leaves_a_phone_screen(phone_tab: Tab, base_url: str) -> None:
    load_chapter(phone_tab, base_url)
    page = phone_tab.page
    assert page.locator("article pre").count() > 20
    assert page.evaluate(OUTSIDE_THE_SCREEN) == 0


def test_no_code_line_is_clipped_at_desktop_width(tab: Tab, base_url: str) -> None:
    """Outputs too: the per-chapter test in test_book_in_browser.py measures input cells only."""
    load_chapter(tab, base_url)
    tab.page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true })")
    clipped = tab.page.evaluate(
        """Array.from(document.querySelectorAll('div.cell_input pre, div.highlight pre'))
            .filter(p => p.scrollWidth > p.clientWidth + 1)
            .map(p => p.textContent.split('\\n')[0])"""
    )
    assert clipped == []
