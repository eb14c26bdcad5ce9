"""The trainer's app's drawings: plain SVG in the Okabe-Ito palette that never relies on colour alone."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

from sim.viz import svg

SVG = "{http://www.w3.org/2000/svg}"
NODES = [
    svg.Node("Northdale DC", 1.0, 0.9, 0.4, 0, True, True, -1),
    svg.Node("Westmere DC", 2.0, 0.45, 0.4, 5, False, True, -1),
    svg.Node("Southby DC", 0.5, 0.2, 0.4, 0, True, False, 30),
]


def test_network_writes_value_trust_a_lost_champion_a_notice_and_a_council_that_left():
    drawing = svg.network(NODES, {(0, 1): 0.62})
    ET.fromstring(drawing)  # well-formed
    assert "0.90" in drawing and "0.45" in drawing and "0.62" in drawing
    assert "champion left" in drawing and "NOTICE: leaves in 5 months" in drawing and "left in month 30" in drawing
    for nd in NODES:
        assert nd.name in drawing
    assert svg.value_colour(0.5) in drawing
    assert "Westmere DC sees 0.45 (notice given)" in drawing, "the accessible label says it too"


def test_bigger_councils_are_drawn_bigger():
    drawing = ET.fromstring(svg.network(NODES[:2], {}))
    radii = [float(c.get("r")) for c in drawing.iter(f"{SVG}circle") if c.get("stroke-width") == "4"]
    assert radii[1] > radii[0]


def test_value_scale_runs_from_vermillion_through_grey_to_blue():
    assert svg.value_colour(-svg.NET_RANGE) == svg.value_colour(-5) == svg.OI["vermillion"]
    assert svg.value_colour(svg.NET_RANGE) == svg.OI["blue"]
    assert svg.value_colour(0.0) == "#E8E8E8"
    assert svg.value_colour(math.nan) == svg.LIGHT


def test_every_case_has_its_own_okabe_ito_tag_and_text_reads_on_it():
    backgrounds = [svg.tag_colours(f"case 0{k}")[0] for k in range(1, 8)]
    assert len(set(backgrounds)) == 7 and set(backgrounds) <= set(svg.OKABE_ITO.values())
    for k in range(1, 8):
        bg, fg = svg.tag_colours(f"case 0{k}")
        assert fg == svg._text_on(bg) or fg in (svg.INK, "#FFFFFF")


def test_line_chart_breaks_lines_at_nan_and_marks_the_month():
    chart = svg.line_chart(
        [svg.Series("Northdale DC", [0, 1, 2, 3, 4], [0.7, 0.6, math.nan, 0.5, 0.4], svg.OI["blue"])],
        x_max=120,
        y_min=0,
        y_max=1,
        title="Value each council sees",
        now=4,
    )
    root = ET.fromstring(chart)
    assert len(list(root.iter(f"{SVG}polyline"))) == 2
    assert "Northdale DC" in chart and "Value each council sees" in chart
    assert any(line.get("x1") == line.get("x2") and line.get("stroke") == "#BBBBBB" for line in root.iter(f"{SVG}line")), "the current month is marked"


def councils(count: int) -> list[svg.Node]:
    """``count`` councils: long names, a notice, lost champions, one that left."""
    names = ["Northdale DC", "Westmere DC", "Southby DC", "Eastshire", "Lowfield Borough Council", "Highmoor DC", "Rivermouth City Council", "Oakbridge DC"]
    return [svg.Node(name, 1.0 + 0.3 * k, 0.5, 0.35, 14 * (k % 2), k % 3 != 0, k != 2, 47 if k == 2 else -1) for k, name in enumerate(names[:count])]


def all_joined(count: int, left: int = -1) -> dict[tuple[int, int], float]:
    return {(i, j): 0.5 + 0.01 * (i + j) for i in range(count) for j in range(i + 1, count) if left not in (i, j)}


def viewbox(drawing: str) -> tuple[float, float]:
    _, _, width, height = (float(v) for v in ET.fromstring(drawing).get("viewBox").split())
    return width, height


def test_the_drawing_alone_decides_its_size_and_the_app_asks_it_for_no_height():
    from sim.viz import adapter, app

    for count in range(2, 9):
        nodes = councils(count)
        views = tuple(
            adapter.CouncilView(
                k, nd.name, nd.size, "district", nd.value_seen, nd.outside_option, nd.notice, nd.key_person_present, nd.active, nd.exit_month, "none", "none"
            )
            for k, nd in enumerate(nodes)
        )
        view = type("View", (), {"councils": views, "trust": all_joined(count, 2)})()
        assert app.network_svg(view) == svg.network(nodes, all_joined(count, 2)), count
        assert viewbox(svg.network(nodes, {}))[1] >= svg.room(count), "at least the room its councils need"


def test_a_month_that_changes_only_the_numbers_reuses_the_placement():
    nodes = councils(6)
    first = svg.network(nodes, all_joined(6))
    hits = svg._place.cache_info().hits
    later = [svg.Node(nd.name, nd.size, nd.value_seen - 0.1, nd.outside_option, nd.notice, nd.key_person_present, nd.active, nd.exit_month) for nd in nodes]
    second = svg.network(later, {edge: t - 0.2 for edge, t in all_joined(6).items()})
    assert svg._place.cache_info().hits == hits + 1
    assert first != second and "0.40" in second, "the numbers are the month's own"
    assert [line for line in first.split("<") if "sim-council-label" in line] == [line for line in second.split("<") if "sim-council-label" in line]
