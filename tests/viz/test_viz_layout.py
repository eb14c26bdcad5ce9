"""The page's pieces laid out by the system's headless Chromium at projector widths: nothing runs past its box.

No server: each piece's HTML (as the page makes it, with the page's CSS) is set into a blank
page of the width a 1280x800 screen gives it, and measured.
"""

from __future__ import annotations

import pytest
from viz_support import CHROMIUM_FLAGS, need_chromium

need_chromium()

from sim.viz import adapter, app  # noqa: E402

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=need_chromium(), args=list(CHROMIUM_FLAGS), headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


def laid_out(browser, body: str, width: int):
    """A page holding ``body`` in a box ``width`` pixels wide, with the page's CSS."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.set_content(f'<html><head><style>{app.CSS}</style></head><body class="v-application"><div id="box" style="width:{width}px">{body}</div></body></html>')
    return page


def overflowing(page, selector: str) -> list[str]:
    """The texts of the elements under ``selector`` whose right edge lies beyond the box's."""
    return page.evaluate(
        """sel => { const box = document.getElementById('box').getBoundingClientRect();
        return [...document.querySelectorAll(sel)].filter(e => e.getBoundingClientRect().right > box.right + 0.5).map(e => e.textContent); }""",
        selector,
    )


def test_long_trigger_tags_and_their_text_stay_inside_the_timeline(browser):
    items = [
        adapter.Item(13, "Month 13", "Westmere DC", "a new chief executive took up post", "", "", "new_chief_executive"),
        adapter.Item(
            10,
            "Month 10",
            "",
            "the proposal was shelved; mostly decision slippage: two neighbouring district councils",
            "case 02",
            "02",
            "chief_executive_leaving",
        ),
    ]
    page = laid_out(browser, app.timeline_html(items), 370)  # the Timeline card's text at 1280 px
    try:
        assert overflowing(page, ".sim-chip") == [] and overflowing(page, ".sim-what") == []
    finally:
        page.close()


def labels_and_legend(page) -> dict:
    """Every text and badge of the councils' drawing as boxes in the drawing's units, and the legend's top."""
    return page.evaluate(
        """() => { const svg = document.querySelector('svg'); const vb = svg.viewBox.baseVal;
        const shapes = [...svg.querySelectorAll('text, rect')].map(e => { const b = e.getBBox();
          return {text: e.textContent || e.tagName, x: b.x, y: b.y, right: b.x + b.width, bottom: b.y + b.height}; });
        return {width: vb.width, height: vb.height, shapes: shapes}; }"""
    )


@pytest.mark.parametrize("count", [3, 4, 5])
def test_notice_badges_and_champion_notes_stay_inside_the_drawing_and_off_the_legend(browser, count):
    names = ["Northdale DC", "Westmere DC", "Southby DC", "Eastshire", "Lowfield DC"][:count]
    councils = tuple(adapter.CouncilView(k, name, 1.0 + 0.1 * k, "district", 0.36, 0.35, 14, False, True, -1, "none", "none") for k, name in enumerate(names))
    view = type("View", (), {"councils": councils, "trust": {}})()
    page = laid_out(browser, app.network_svg(view), 430)  # the councils' card at 1280 px
    try:
        drawn = labels_and_legend(page)
        legend_top = min(s["y"] for s in drawn["shapes"] if s["text"] in ("leave", "stay"))
        for s in drawn["shapes"]:
            assert s["x"] >= 0 and s["right"] <= drawn["width"] and s["y"] >= 0 and s["bottom"] <= drawn["height"], s
            if s["text"].startswith(("NOTICE", "champion left")) or s["text"] in names:
                assert s["bottom"] <= legend_top, s
    finally:
        page.close()
