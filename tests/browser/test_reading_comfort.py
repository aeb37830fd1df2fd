"""Code cells fit the text column at desktop width, folded ones included."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import Tab

NOTEBOOK_PAGES = sorted(
    path.stem
    for path in (Path(__file__).resolve().parents[2] / "book").glob("*.md")
    if path.stem != "api"
)
CLIPPED_CODE = """Array.from(document.querySelectorAll('div.cell_input pre'))
    .filter(pre => pre.scrollWidth > pre.clientWidth + 1)
    .map(pre => pre.innerText.split('\\n').reduce((a, b) => (b.length > a.length ? b : a)))"""


@pytest.mark.parametrize("page", NOTEBOOK_PAGES)
def test_no_code_line_is_clipped_at_desktop_width(tab: Tab, base_url: str, page: str) -> None:
    response = tab.page.goto(f"{base_url}/{page}.html", wait_until="networkidle")
    assert response is not None
    assert response.status == 200
    tab.page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true })")
    assert tab.page.evaluate(CLIPPED_CODE) == []
