"""The page's pieces laid out by the system's headless Chromium at projector widths: nothing runs past its box.

No server: each piece's HTML (as the page makes it, with the page's CSS) is set into a blank
page of the width a 1280x800 screen gives it, and measured.
"""

from __future__ import annotations

import pytest
from viz_support import CHROMIUM_FLAGS, need, need_chromium

need_chromium()

from sim.frontends.narrative import Told  # noqa: E402
from sim.viz import adapter, app, stories, svg  # noqa: E402

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
        adapter.Item(13, Told("Month 13", ("Westmere DC",), "a new chief executive took up post"), "", "", "new_chief_executive"),
        adapter.Item(
            10,
            Told("Month 10", (), "the proposal was shelved", why="decision slippage: two neighbouring district councils"),
            "case 02",
            "02",
            "chief_executive_leaving",
        ),
    ]
    page = laid_out(browser, app.timeline_html(items), 370)  # the Timeline card's text at 1280 px
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")  # the trigger and the detail shown
    try:
        assert overflowing(page, ".sim-chip") == [] and overflowing(page, ".sim-what") == []
    finally:
        page.close()


@pytest.fixture(scope="module")
def case_02s_story() -> list[adapter.Item]:
    """The timeline of case 02's story told to its end (its events' own words, long and short)."""
    story = stories.story_for("02")
    assert story is not None
    run = adapter.Run(adapter.case_list()[1].scenario, adapter.NO_POLICY, story.seed, story.replication)
    run.run_to_end()
    return list(run.view().timeline)


#: Each timeline line's height, its line of text's height and its padding (CSS pixels), and whether its text is cut short.
LINES = """() => [...document.querySelectorAll('.sim-event')].map(e => { const s = getComputedStyle(e), what = e.querySelector('summary');
  return {text: e.textContent.slice(0, 60), height: e.getBoundingClientRect().height, line: parseFloat(s.lineHeight),
          padding: parseFloat(s.paddingTop) + parseFloat(s.paddingBottom), cut: what.scrollHeight > what.clientHeight + 1}; })"""


@pytest.mark.parametrize("box", [314, 485])
def test_a_replays_timeline_keeps_each_line_to_two_lines_of_text_with_the_whole_a_click_away(browser, case_02s_story, box):
    """In a run of a replay (its timeline's text 314 px wide at 1024x768 with the side bar open, 485 at 1366x768) case 02's
    lines took three to six lines of text each (82 to 151 px), four to a screen. Cut short at two lines, each opens whole."""
    assert len(case_02s_story) >= 5
    page = laid_out(browser, app.timeline_html(case_02s_story, clamped=True), box)
    try:
        lines = page.evaluate(LINES)
        tall = [(round(e["height"]), e["text"]) for e in lines if e["height"] > 2 * e["line"] + e["padding"] + 3]
        assert len(lines) == len(case_02s_story) and not tall, tall
        if box == 314:
            assert any(e["cut"] for e in lines), "some lines are longer than two lines of text here"
        page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
        assert not [e["text"] for e in page.evaluate(LINES) if e["cut"]], "opened, a line shows whole"
        assert overflowing(page, ".sim-chip") == [] and overflowing(page, ".sim-what") == []
    finally:
        page.close()


@pytest.fixture(scope="module")
def stories_endings() -> list[adapter.Why]:
    """Why each case's story ended (told to its end), as its replay says it under its councils while the replay plays on."""
    whys = []
    for case in adapter.case_list():
        story = stories.story_for(case.id)
        assert story is not None
        run = adapter.Run(case.scenario, adapter.NO_POLICY, story.seed, story.replication)
        run.run_to_end()
        assert run.view().why is not None
        whys.append(run.view().why)
    return whys


@pytest.mark.parametrize("box", [334, 462])
def test_the_line_under_an_ended_runs_councils_says_how_it_ended_whole(browser, stories_endings, box):
    """A run of a replay that ended while the other plays on (its line under its councils 334 px wide at 1024x768 with the
    side bar open, 462 at 1280x720): its folded "Why did it end?" was cut at two lines, case 01's "Why did it end? The
    partnership collapsed in..." at 1024x768; the room read neither the month nor what ended it without a click. Now what
    ended, when and what opened it show whole, in no more lines than the drawings keep room for (app.ended_lines)."""
    for why in stories_endings:
        page = laid_out(browser, app.ended_html(why), box)
        try:
            shown = page.evaluate(
                """() => { const s = document.querySelector('summary'), e = getComputedStyle(s);
                return {text: s.innerText, cut: s.scrollHeight > s.clientHeight + 1, lines: s.getBoundingClientRect().height / parseFloat(e.lineHeight)}; }"""
            )
            assert not shown["cut"] and why.ending in shown["text"], (box, shown)
            assert round(shown["lines"]) <= app.ended_lines(why), (box, shown, app.ended_lines(why))
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


@pytest.mark.parametrize(("count", "compact"), [(3, False), (4, False), (5, False), (2, True), (3, True), (4, True)])
def test_notice_badges_and_champion_notes_stay_inside_the_drawing_and_off_the_legend(browser, count, compact):
    names = ["Northdale DC", "Westmere DC", "Southby DC", "Eastshire", "Lowfield DC"][:count]
    councils = tuple(adapter.CouncilView(k, name, 1.0 + 0.1 * k, "district", 0.36, 0.35, 14, False, True, -1, "none", "none") for k, name in enumerate(names))
    view = type("View", (), {"councils": councils, "trust": {}})()
    page = laid_out(browser, app.network_svg(view, svg.drawing_width(count, compact)), 330 if compact else 430)  # the councils' card at 1280 px
    try:
        drawn = labels_and_legend(page)
        legend_top = min(s["y"] for s in drawn["shapes"] if s["text"] in ("leave", "stay"))
        for s in drawn["shapes"]:
            assert s["x"] >= 0 and s["right"] <= drawn["width"] and s["y"] >= 0 and s["bottom"] <= drawn["height"], s
            if s["text"].startswith(("NOTICE", "champion left")) or s["text"] in names:
                assert s["bottom"] <= legend_top, s
    finally:
        page.close()


def boxes(page) -> dict:
    """The councils' drawing as boxes in its units: council labels and badges, trust labels, councils (with a champion's ring)."""
    return page.evaluate(
        """() => { const svg = document.querySelector('svg'); const vb = svg.viewBox.baseVal;
        const box = (b) => ({x: b.x, y: b.y, right: b.x + b.width, bottom: b.y + b.height});
        const of = (sel) => [...svg.querySelectorAll(sel)].map(e => ({text: e.textContent, ...box(e.getBBox())}));
        const circles = [...svg.querySelectorAll('circle')].map(c => { const r = c.r.baseVal.value + c.getAttribute('stroke-width') / 2;
          return {text: 'circle', x: c.cx.baseVal.value - r, y: c.cy.baseVal.value - r, right: c.cx.baseVal.value + r, bottom: c.cy.baseVal.value + r}; });
        const values = [...svg.querySelectorAll(':scope > text:not(.sim-council-label)')].filter(e => /^-?[0-9]+[.][0-9][0-9]$/.test(e.textContent))
          .map(e => ({text: 'value ' + e.textContent, ...box(e.getBBox())}));
        return {width: vb.width, height: vb.height, labels: of('.sim-council-label'), trust: of('.sim-trust'), circles: circles, values: values}; }"""
    )


def overlaps(a: dict, b: dict) -> bool:
    return a["x"] < b["right"] and b["x"] < a["right"] and a["y"] < b["bottom"] and b["y"] < a["bottom"]


@pytest.mark.parametrize(("count", "compact"), [*((n, False) for n in range(4, 9)), *((n, True) for n in range(2, 9))])
def test_with_many_councils_labels_keep_off_each_other_and_the_councils(browser, count, compact):
    """Also in a replay's compact drawing (:data:`sim.viz.svg.COMPACT` units wide, its legend in two rows; of five councils
    or more :data:`sim.viz.svg.COMPACT_WIDE`). Placed by names as wide as DejaVu Sans sets them, a replay's drawing of eight
    has a trust number with no clear place, which sits over a council's rim (docs/trainer.md), never over the value in
    its circle ("0.60" sat over Lowfield's "0.50")."""
    names = ["Northdale DC", "Westmere DC", "Southby DC", "Eastshire", "Lowfield Borough Council", "Highmoor DC", "Rivermouth City Council", "Oakbridge DC"]
    names = names[:count]
    councils = tuple(
        adapter.CouncilView(k, name, 1.0 + 0.3 * k, "district", 0.5, 0.35, 14 * (k % 2), k % 3 != 0, k != 2, 47 if k == 2 else -1, "none", "none")
        for k, name in enumerate(names)
    )
    trust = {(i, j): 0.5 + 0.01 * (i + j) for i in range(count) for j in range(i + 1, count) if 2 not in (i, j)}
    view = type("View", (), {"councils": councils, "trust": trust})()
    page = laid_out(browser, app.network_svg(view, svg.drawing_width(count, compact)), 330 if compact else 430)
    try:
        drawn = boxes(page)
        labels, marks = drawn["labels"], drawn["trust"]
        assert len(labels) >= count and len(marks) == len(trust)
        for a in labels + marks:
            assert a["x"] >= 0 and a["right"] <= drawn["width"] and a["y"] >= 0 and a["bottom"] <= drawn["height"], a
        for k, a in enumerate(labels):
            assert not [b["text"] for b in labels[k + 1 :] + marks + drawn["circles"] if overlaps(a, b)], a["text"]
        rims = [] if compact and count == 8 else drawn["circles"]
        for k, a in enumerate(marks):
            assert not [b["text"] for b in marks[k + 1 :] + rims + drawn["values"] if overlaps(a, b)], a["text"]
    finally:
        page.close()


@pytest.mark.parametrize(("screen", "box"), [((1920, 1080), 732), ((1024, 768), 588), ((1366, 768), 930), ((1280, 800), 850)])
def test_the_councils_drawing_keeps_to_the_screen_where_its_text_keeps_14_px(browser, screen, box):
    """With 7 councils the drawing was 1273 px tall at 1920x1080 (the bottom councils below the screen; 8: 1464 px)."""
    names = ["Northdale DC", "Westmere DC", "Southby DC", "Eastshire", "Lowfield Borough Council", "Highmoor DC", "Rivermouth City Council"]
    councils = tuple(adapter.CouncilView(k, name, 1.0 + 0.3 * k, "district", 0.5, 0.35, 0, True, True, -1, "none", "none") for k, name in enumerate(names))
    view = type("View", (), {"councils": councils, "trust": {(i, j): 0.5 for i in range(7) for j in range(i + 1, 7)}})()
    page = browser.new_page(viewport={"width": screen[0], "height": screen[1]})
    try:
        page.set_content(f'<html><body style="margin:0"><div style="width:{box}px">{app.network_svg(view)}</div></body></html>')
        shown = page.evaluate(
            """() => { const svg = document.querySelector('svg'); const r = svg.getBoundingClientRect(); const vb = svg.viewBox.baseVal;
            return {height: r.height, scale: Math.min(r.width / vb.width, r.height / vb.height)}; }"""
        )
        assert shown["scale"] * svg.SMALLEST_TEXT >= svg.LEAST_PX - 0.05, shown
        assert shown["height"] <= screen[1] - svg.AROUND + 0.5 or shown["scale"] * svg.SMALLEST_TEXT <= svg.LEAST_PX + 0.05, shown
    finally:
        page.close()


#: The faces of :data:`sim.viz.svg.FONT` a Debian machine may have, each with the width of :data:`sim.viz.svg.KEY` in it at
#: 16 units: DejaVu Sans (a bare machine's only one) and Arial's metrics (Liberation Sans, which Chromium's package brings).
FACES = {"DejaVu Sans": 357, "Liberation Sans": 308}


def boxes_apart(a: dict, b: dict, gap: float) -> bool:
    """Whether the boxes ``a`` and ``b`` are ``gap`` or more apart side by side, or do not share a row."""
    return a["x"] >= b["right"] + gap or b["x"] >= a["right"] + gap or a["y"] >= b["bottom"] or b["y"] >= a["bottom"]


@pytest.mark.parametrize("face", FACES)
@pytest.mark.parametrize(("count", "compact"), [(3, False), (3, True), (6, False), (6, True)])
def test_the_legend_says_the_numbers_and_lines_scales_inside_the_drawing_clear_of_the_colour_scale(browser, count, compact, face):
    """The legend said "number: value seen; lines: trust", on no scale. Its key (:data:`sim.viz.svg.KEY`) says them, in
    each width of drawing (a replay's and the main view's, of four councils or fewer and of more), inside the drawing and
    clear of the colour scale and its words: beside them in a wide drawing, under them in a narrow one. Placed by Arial's
    metrics, with only DejaVu Sans (a bare Debian machine) the key ran 17 units over "stay" in a replay of five councils or
    more and 10 past the right edge of a replay's drawing of four or fewer ("lines: trust, 0-"): each face is tried."""
    names = ["Northdale DC", "Westmere DC", "Southby DC", "Eastshire", "Lowfield DC", "Highmoor DC"][:count]
    councils = tuple(adapter.CouncilView(k, name, 1.0, "district", 0.8, 0.35, 0, True, True, -1, "none", "none") for k, name in enumerate(names))
    view = type("View", (), {"councils": councils, "trust": {}})()
    drawing = app.network_svg(view, svg.drawing_width(count, compact)).replace(svg.FONT, f"font-family:'{face}'")
    page = laid_out(browser, drawing, 330 if compact else 430)
    try:
        key = page.evaluate(
            "text => { const e = document.createElementNS('http://www.w3.org/2000/svg', 'text'); e.textContent = text;"
            " e.setAttribute('font-size', '16'); document.querySelector('svg').appendChild(e); const w = e.getBBox().width; e.remove(); return w; }",
            svg.KEY,
        )
        need(abs(key - FACES[face]) < 4, f"{face} is not installed (the key is {key:.0f} units wide, not {FACES[face]})")
        drawn = labels_and_legend(page)
        words = [s for s in drawn["shapes"] if s["text"] in ("leave", "stay", svg.KEY, *svg.KEY_PARTS)]
        leave = next(s for s in words if s["text"] == "leave")
        scale = [s for s in drawn["shapes"] if s["text"] == "rect" and s["y"] < leave["bottom"] and s["bottom"] > leave["y"]]
        assert len(scale) == 24, "the colour scale's steps"
        scale_box = {"x": scale[0]["x"], "right": scale[-1]["right"], "y": scale[0]["y"], "bottom": scale[0]["bottom"]}
        said = [s["text"] for s in words if s["text"] not in ("leave", "stay")]
        assert "; ".join(sorted(said)) in (svg.KEY, "; ".join(sorted(svg.KEY_PARTS))), said
        for k, s in enumerate(words):
            assert s["x"] >= 0 and s["right"] <= drawn["width"] and s["bottom"] <= drawn["height"], s
            assert boxes_apart(s, scale_box, 4), (s, scale_box)
            assert all(boxes_apart(s, other, 8) for other in words[k + 1 :]), (s, words)
    finally:
        page.close()


#: The element with the focus: its tag, and its outline's style, width (CSS pixels) and colour.
FOCUSED = """() => { const e = document.activeElement, s = getComputedStyle(e);
  return [e.tagName, s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor]; }"""


def test_a_button_or_a_timeline_line_reached_by_the_keyboard_shows_a_ring(browser):
    """A trainer who drives the page by the keyboard (Tab to a button, Enter) could not see where the focus was: Vuetify
    marks a focused button with a tint the projector does not show (Step focused and not looked alike, its outline
    'none'). A button or a timeline line reached by Tab now has a 3 px ring in the page's ink, clear of its edge."""
    items = [adapter.Item(12, Told("Month 12", ("Westmere DC",), "left the partnership", "the annual budget setting", "working together"), "research", "", "")]
    page = laid_out(browser, '<button class="v-btn">Step</button>' + app.timeline_html(items), 600)
    try:
        for selector in ("button", "summary"):
            page.keyboard.press("Tab")
            ring = page.evaluate(FOCUSED)
            assert ring == [selector.upper(), "solid", 3, "rgb(26, 26, 26)"], ring
    finally:
        page.close()
