"""The SVG charts: valid XML, escaped text, shapes in proportion to the values."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from ventanilla.reports.charts import (
    HEIGHT,
    Series,
    bar_chart,
    line_chart,
    nice_max,
    stacked_bar_chart,
)

NS = {"s": "http://www.w3.org/2000/svg"}


def num(element: ET.Element, attribute: str) -> float:
    """A numeric attribute of an SVG element."""
    return float(element.get(attribute) or "nan")


@pytest.mark.parametrize(("value", "top"), [(0, 1), (1, 1), (3, 5), (7, 10), (11, 20), (450, 500)])
def test_axis_top_is_a_round_number_at_least_the_maximum(value, top):
    assert nice_max(value) == top


def test_line_chart_is_valid_svg_with_one_point_per_label():
    svg = line_chart(
        title="Tickets <por día>",
        labels=["1", "2", "3"],
        series=[Series("creados", [1, 4, 2]), Series("resueltos", [0, 2, 2])],
    )
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.findtext("s:title", namespaces=NS) == "Tickets <por día>"
    lines = root.findall("s:polyline", NS)
    assert [len(str(line.get("points")).split()) for line in lines] == [3, 3]


def test_bars_are_proportional_and_labels_escaped():
    svg = bar_chart(title="t", labels=["<a>", "b"], values=[5, 10])
    root = ET.fromstring(svg)
    heights = [num(r, "height") for r in root.findall("s:rect", NS)]
    assert heights[1] == pytest.approx(2 * heights[0])
    assert "<a>" not in svg.replace("&lt;a&gt;", "")


def test_stacked_bars_stack_and_skip_zeros():
    svg = stacked_bar_chart(
        title="SLA", labels=["P1", "P2"], series=[Series("met", [3, 0]), Series("missed", [1, 2])]
    )
    root = ET.fromstring(svg)
    bars = [r for r in root.findall("s:rect", NS) if r.get("class") == "bar"]
    assert len(bars) == 3  # the zero is not drawn
    first, second = bars[0], bars[1]  # P1 met, P1 missed: the second sits on the first
    assert num(second, "y") + num(second, "height") == pytest.approx(num(first, "y"))
    assert all(0 <= num(b, "y") <= HEIGHT for b in bars)


def test_empty_chart_still_renders():
    root = ET.fromstring(line_chart(title="nada", labels=[], series=[]))
    assert root.findall("s:polyline", NS) == []
