"""Figures explain themselves: specific alt text, sane sizes on a phone, players that play."""

from __future__ import annotations

import pytest

from tests.browser.fixtures import PHONE, Tab, load
from tests.helpers import SOURCES

PAGES = [name for name in SOURCES if name != "api"]  # the API page has no figures
# Matplotlib's figures and players; the graph drawings (SVG) are checked with the graph tests.
FIGURES = """Array.from(document.querySelectorAll(
        '.cell_output img[src$=".png"], .micrograd-animation img'))
    .map(img => ({alt: img.getAttribute('alt') || '', natural: img.naturalWidth,
                  width: img.getBoundingClientRect().width,
                  height: img.getBoundingClientRect().height,
                  right: img.getBoundingClientRect().right}))"""
GENERIC = {"png", "image", "figure", "plot", "chart", "output", "<figure>"}
# At 390 px a figure may be shown at a third of its pixel width at most: the book's
# figures use 10 to 12 pt type at 100 dpi (14 to 17 px), so text stays above ~5 px
# tall; wider figures would turn into smudges.
MOST_SHRINKING = 3.0


def _open(tab: Tab, base_url: str, page: str) -> None:
    load(tab, base_url, f"{page}.html")
    tab.page.wait_for_function(  # a player shows its first frame once its script has run
        "Array.from(document.querySelectorAll('.micrograd-animation img'))"
        ".every(img => img.complete && img.naturalWidth > 0)"
    )


@pytest.mark.parametrize("page", PAGES)
def test_every_figure_says_what_it_shows(tab: Tab, base_url: str, page: str) -> None:
    _open(tab, base_url, page)
    figures = tab.page.evaluate(FIGURES)
    alts = [figure["alt"] for figure in figures]
    for alt in alts:
        assert alt.strip().lower() not in GENERIC
        assert len(alt.split()) >= 12, f"alt text too short to say what the figure shows: {alt!r}"
    assert len(set(alts)) == len(alts), "two figures of one page share their alt text"


@pytest.mark.parametrize("page", PAGES)
def test_figures_fit_a_phone(phone_tab: Tab, base_url: str, page: str) -> None:
    _open(phone_tab, base_url, page)
    for figure in phone_tab.page.evaluate(FIGURES):
        assert figure["natural"] > 0, f"a figure did not load: {figure['alt']!r}"
        assert figure["right"] <= PHONE["width"] + 1, f"overflows the phone: {figure['alt']!r}"
        assert figure["height"] >= 120, f"too small to read: {figure['alt']!r}"
        shrink = figure["natural"] / figure["width"]
        assert shrink <= MOST_SHRINKING, f"shrunk {shrink:.1f} times: {figure['alt']!r}"


PLAYERS = [("walkthrough", "after 100 steps (final model): loss "), ("extras", "after 60 steps")]


@pytest.mark.parametrize(("page", "last"), PLAYERS)
def test_the_training_player_plays_to_the_last_step(
    tab: Tab, base_url: str, page: str, last: str
) -> None:
    _open(tab, base_url, page)
    player = tab.page.locator(".micrograd-animation").first
    player.scroll_into_view_if_needed()
    image = player.locator("img").first
    caption = player.locator(".micrograd-animation-caption")
    assert caption.inner_text().startswith("step 0 of ")
    first = image.get_attribute("src")
    player.get_by_role("button", name="Play", exact=True).click()
    tab.page.wait_for_function(
        "([img, src]) => img.getAttribute('src') !== src", arg=[image.element_handle(), first]
    )
    tab.page.wait_for_function(
        "([line, text]) => line.textContent.startsWith(text)",
        arg=[caption.element_handle(), last],
        timeout=30_000,
    )
    slider = player.locator("input[type=range]")
    assert slider.input_value() == slider.get_attribute("max")
    assert tab.log.external_requests == []  # the player's icon font comes with the theme
    assert tab.log.console_errors == []


def test_the_player_works_from_the_keyboard(tab: Tab, base_url: str) -> None:
    _open(tab, base_url, "walkthrough")
    player = tab.page.locator(".micrograd-animation").first
    slider = player.locator("input[type=range]")
    caption = player.locator(".micrograd-animation-caption")
    slider.focus()
    tab.page.keyboard.press("ArrowRight")
    assert caption.inner_text().startswith("step 5 of 100: loss ")
    tab.page.keyboard.press("End")
    assert caption.inner_text().startswith("after 100 steps (final model)")
    tab.page.keyboard.press("Home")
    assert caption.inner_text().startswith("step 0 of 100")
