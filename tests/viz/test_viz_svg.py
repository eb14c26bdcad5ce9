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
