"""The backward-pass players of the from-scratch chapter and its graph drawings, in Chromium."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator

from tests.browser.fixtures import DESKTOP, PHONE, Tab, load, open_tab, switch_to_dark

SMALLEST_TEXT_PX = 10


def open_chapter(tab: Tab, base_url: str) -> Locator:
    load(tab, base_url, "from-scratch.html")
    players = tab.page.locator(".mg-player")
    players.nth(1).wait_for(state="attached")  # a loaded machine may still be parsing
    assert players.count() == 2  # the warm-up and the neuron
    return players


def node_text(player: Locator, label: str) -> str:
    """The gradient line of the box whose first line is ``label``."""
    box = player.locator(".mg-node").filter(has=player.page.locator(f'text:text-is("{label}")'))
    assert box.count() == 1, label
    return box.locator(".mg-grad").text_content() or ""


def step_number(player: Locator) -> tuple[int, int]:
    found = re.fullmatch(r"Step (\d+) of (\d+)", player.locator(".mg-count").inner_text())
    assert found is not None
    return int(found.group(1)), int(found.group(2))


def test_stepping_to_the_end_shows_x_gradient_and_back(tab: Tab, base_url: str) -> None:
    player = open_chapter(tab, base_url).first
    assert step_number(player) == (1, 11)
    assert node_text(player, "x") == "grad ?"
    assert player.locator(".mg-prev").get_attribute("aria-disabled") == "true"
    nexts = 0
    while player.locator(".mg-next").get_attribute("aria-disabled") != "true":
        player.locator(".mg-next").click()
        nexts += 1
    assert nexts == 10  # one step per node that passes gradient on
    assert step_number(player) == (11, 11)
    grad = node_text(player, "x")
    assert grad == "grad 46 = sum of 4"
    assert float(grad.split()[1]) == 46
    assert (
        player.locator(".mg-text")
        .inner_text()
        .endswith("sum so far 46 (4 of 4). Final now, with nothing to pass on: x.")
    )
    assert player.locator(".mg-edge.mg-k").count() == 1  # into relu(z): local derivative 0
    player.locator(".mg-prev").click()
    player.locator(".mg-prev").click()
    assert step_number(player) == (9, 11)
    assert node_text(player, "x") == "so far 62 (3 of 4)"  # a fan-out sum, still collecting
    assert player.locator(".mg-node.mg-cur").count() == 1
    assert player.locator(".mg-edge.mg-s").count() == 2  # z sends down its two edges
    assert player.locator(".mg-text").inner_text().startswith("z: gradient -8, final.")
    assert tab.log.console_errors == []


def test_the_keyboard_steps_too(tab: Tab, base_url: str) -> None:
    player = open_chapter(tab, base_url).first
    page = tab.page
    player.locator(".mg-next").focus()
    page.keyboard.press("End")
    assert step_number(player) == (11, 11)
    page.keyboard.press("Home")
    assert step_number(player) == (1, 11)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert step_number(player) == (3, 11)
    page.keyboard.press("ArrowLeft")
    assert step_number(player) == (2, 11)
    page.keyboard.press("Enter")  # the focused Next button
    assert step_number(player) == (3, 11)
    page.keyboard.press("Tab")  # Next -> the slider is before it; Tab goes on to the graph
    player.locator(".mg-slider").focus()
    page.keyboard.press("ArrowRight")  # the slider's own key handling
    assert step_number(player) == (4, 11)
    page.keyboard.press("End")
    assert step_number(player) == (11, 11)
    assert node_text(player, "x") == "grad 46 = sum of 4"


def test_the_neuron_player_ends_at_backward_gradients(tab: Tab, base_url: str) -> None:
    player = open_chapter(tab, base_url).nth(1)
    first, last = step_number(player)
    assert first == 1
    player.locator(".mg-slider").fill(str(last - 1))
    assert step_number(player) == (last, last)
    grads = player.locator(".mg-grad").all_text_contents()
    assert all(g.startswith("grad ") for g in grads), grads
    assert node_text(player, "x1").startswith("grad ")
    assert player.locator(".mg-node.mg-f").count() == len(grads)


def texts_too_small(tab: Tab, selector: str) -> list[str]:
    return tab.page.evaluate(
        f"""Array.from(document.querySelectorAll({selector!r}))
            .filter(t => t.getBoundingClientRect().height > 0)
            .filter(t => t.getBoundingClientRect().height < {SMALLEST_TEXT_PX})
            .map(t => t.textContent + ': ' + t.getBoundingClientRect().height.toFixed(1))"""
    )


def test_phone_layout_fits_and_keeps_text_readable(phone_tab: Tab, base_url: str) -> None:
    players = open_chapter(phone_tab, base_url)
    assert texts_too_small(phone_tab, ".mg-player svg text") == []
    for i in range(players.count()):
        player = players.nth(i)
        player.scroll_into_view_if_needed()
        box = player.bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= PHONE["width"] + 1
        for control in (".mg-prev", ".mg-next", ".mg-slider"):
            rect = player.locator(control).bounding_box()
            assert rect is not None
            assert rect["x"] + rect["width"] <= PHONE["width"] + 1, control
            assert rect["height"] >= 24, control  # big enough to tap
        scroller = player.locator(".mg-scroll")
        wider = scroller.evaluate("s => s.scrollWidth > s.clientWidth + 1")
        assert player.locator(".mg-hint").is_visible() == wider


def test_graph_drawings_are_readable_on_a_phone(phone_tab: Tab, base_url: str) -> None:
    """Graph images keep their smallest text 10 CSS px tall; wider ones scroll, with a hint."""
    load(phone_tab, base_url, "from-scratch.html")  # the walkthrough draws no graph
    drawings = phone_tab.page.evaluate(
        """Promise.all(Array.from(document.querySelectorAll('.cell_output > img'))
            .filter(i => (i.alt || '').startsWith('Computation graph'))
            .map(async i => {
                const svg = await (await fetch(i.src)).text();
                const sizes = Array.from(svg.matchAll(/font-size="([0-9.]+)"/g), m => +m[1]);
                const box = i.parentElement;
                return {
                    alt: i.alt,
                    smallest: Math.min(...sizes) * 4 / 3 * i.getBoundingClientRect().width
                        / i.naturalWidth,
                    scrolls: box.scrollWidth > box.clientWidth + 1,
                    hint: parseFloat(getComputedStyle(box, '::before').height) || 0,
                };
            }))"""
    )
    assert drawings
    for drawing in drawings:
        assert drawing["smallest"] >= SMALLEST_TEXT_PX, drawing
        assert (drawing["hint"] > 0) == drawing["scrolls"], drawing


def test_the_player_follows_the_dark_theme(tab: Tab, base_url: str) -> None:
    player = open_chapter(tab, base_url).first
    colours = "t => [getComputedStyle(t).fill, getComputedStyle(document.body).color]"
    light = player.locator(".mg-node text").first.evaluate(colours)
    switch_to_dark(tab)
    dark = player.locator(".mg-node text").first.evaluate(colours)
    assert light[0] == light[1]  # box text in the page's own text colour
    assert dark[0] == dark[1]
    assert dark[0] != light[0]
    background = player.locator("svg").evaluate("s => getComputedStyle(s).backgroundColor")
    assert background == "rgba(0, 0, 0, 0)"  # no white card behind it


@pytest.mark.parametrize(("size", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_player_screenshots_for_people(
    browser: Browser,
    base_url: str,
    book_html: Path,
    size: str,
    viewport: dict[str, int],
    theme: str,
) -> None:
    out = book_html.parent / "screenshots"
    out.mkdir(exist_ok=True)
    tab = open_tab(browser, base_url, viewport)
    try:
        players = open_chapter(tab, base_url)
        if theme == "dark":
            switch_to_dark(tab)
        for name, player in (("warm-up", players.first), ("neuron", players.nth(1))):
            player.scroll_into_view_if_needed()
            for _ in range(4):
                player.locator(".mg-next").click()
            path = out / f"player-{name}-{size}-{theme}.png"
            tab.page.screenshot(path=str(path))
            assert path.stat().st_size > 10_000
    finally:
        tab.page.context.close()
