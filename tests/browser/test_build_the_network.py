"""The chapter "Build the network" as a reader sees it, at desktop and phone width."""

from __future__ import annotations

import re

from tests.browser.fixtures import PHONE, Tab

PAGE = "build-the-network.html"
FIGURES = ["The hinge loss relu(1 ", "The library's total loss over 100 training steps"]
OUTSIDE_THE_SCREEN = f"""Array.from(document.querySelectorAll('article pre, article table'))
    .map(e => e.getBoundingClientRect())
    .filter(r => r.width > 0 && (r.right > {PHONE["width"]} + 1 || r.left < -1)).length"""


def load(tab: Tab, base_url: str) -> None:
    response = tab.page.goto(f"{base_url}/{PAGE}", wait_until="networkidle")
    assert response is not None
    assert response.status == 200
    tab.page.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # lazy images
    tab.page.wait_for_function("Array.from(document.images).every(i => i.complete)")


def test_it_renders_with_its_figures_and_alt_text(tab: Tab, base_url: str) -> None:
    load(tab, base_url)
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


def test_the_glued_numbers_appear(tab: Tab, base_url: str) -> None:
    load(tab, base_url)
    text = " ".join(tab.page.locator("article").inner_text().split())
    assert "{glue" not in text
    steps = re.search(r"Your network ran (\d+) steps, and at every one its loss matched", text)
    assert steps is not None
    assert 5 <= int(steps.group(1)) <= 10
    assert re.search(r"the largest relative difference is \S+, where the cell allows 1e-12", text)
    assert "337 parameters: the first layer" in text
    assert re.search(r"All \d+ numbers agree with PyTorch 2\.13\.0", text)
    assert re.search(r"The library finished the demo.s 100 steps at 100% accuracy", text)


def test_no_code_block_leaves_a_phone_screen(phone_tab: Tab, base_url: str) -> None:
    load(phone_tab, base_url)
    page = phone_tab.page
    sideways = page.evaluate(
        "document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth"
    )
    assert sideways <= 0
    assert page.locator("article pre").count() > 20
    assert page.evaluate(OUTSIDE_THE_SCREEN) == 0


def test_no_code_line_is_clipped_at_desktop_width(tab: Tab, base_url: str) -> None:
    load(tab, base_url)
    tab.page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true })")
    clipped = tab.page.evaluate(
        """Array.from(document.querySelectorAll('div.cell_input pre, div.highlight pre'))
            .filter(p => p.scrollWidth > p.clientWidth + 1)
            .map(p => p.textContent.split('\\n')[0])"""
    )
    assert clipped == []
