"""Exercise solutions start folded and open on a click, showing their executed output."""

from __future__ import annotations

import pytest

from tests.browser.conftest import Tab

PAGES_WITH_EXERCISES = ["walkthrough", "extras"]


@pytest.mark.parametrize("page", PAGES_WITH_EXERCISES)
def test_solutions_are_hidden_until_clicked(tab: Tab, base_url: str, page: str) -> None:
    response = tab.page.goto(f"{base_url}/{page}.html", wait_until="networkidle")
    assert response is not None
    assert response.status == 200
    solutions = tab.page.locator("div.solution.dropdown")
    assert 3 <= solutions.count() <= 5
    for i in range(solutions.count()):
        solution = solutions.nth(i)
        code = solution.locator("div.cell_input").first
        output = solution.locator("div.cell_output").first
        assert not code.is_visible(), f"solution {i} is not folded"
        solution.locator("button.toggle-button").first.click()
        code.wait_for(state="visible")
        assert output.is_visible(), f"solution {i} shows no executed output"
        assert output.inner_text().strip(), f"solution {i} printed nothing"
