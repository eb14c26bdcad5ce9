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
