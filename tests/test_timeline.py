"""quotes.web.timeline: quotes per month (or year) as a server-side SVG bar chart."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from quotes.web.timeline import MAX_MONTHS, Timeline, as_json, build, svg

NS = "{http://www.w3.org/2000/svg}"


def test_months_between_are_filled_with_zeros():
    line = build({"2025-01": 2, "2025-03": 5, "2024": 1, None: 3})
    assert line == Timeline("month", [("2025-01", 2), ("2025-02", 0), ("2025-03", 5)], undated=3,
                            coarse=[("2024", 1)])
    assert line.total == 11


def test_months_across_a_new_year():
    assert [p for p, _ in build({"2024-11": 1, "2025-02": 1}).bars] == ["2024-11", "2024-12", "2025-01", "2025-02"]


def test_too_many_months_become_years():
    line = build({"2019-03": 1, "2025-03": 4, "2022": 2})
    assert line.unit == "year" and line.coarse == []
    assert line.bars == [("2019", 1), ("2020", 0), ("2021", 0), ("2022", 2), ("2023", 0), ("2024", 0), ("2025", 4)]
    assert len(build({"2020-01": 1, "2022-12": 1}).bars) == MAX_MONTHS


def test_only_years_or_nothing():
    assert build({"2021": 2, "2023": 1}).bars == [("2021", 2), ("2022", 0), ("2023", 1)]
    assert build({None: 4}) == Timeline("year", [], undated=4)
    assert build({}) == Timeline("year", [], undated=0)


def test_a_frame_widens_the_axis_when_it_fits():
    line = build({"2025-03": 9}, frame=("2025-02", "2025-05"))
    assert line.bars == [("2025-02", 0), ("2025-03", 9), ("2025-04", 0), ("2025-05", 0)]
    assert build({"2025-03": 9}, frame=("2015-01", "2025-05")).bars == [("2025-03", 9)]
    assert build({"2025-03": 9}, frame=(None, "2019")).bars == [("2025-03", 9)]


def test_svg_bars_titles_and_links():
    line = build({"2025-01": 2, "2025-03": 5})
    chart = svg(line, href=lambda p: f"/q?said_month={p}&speaker_id=<1>")
    root = ET.fromstring(str(chart))  # well-formed XML
    rects = root.findall(f".//{NS}rect")
    assert [r.find(f"{NS}title").text for r in rects] == ["2025-01: 2 quotes", "2025-02: 0 quotes", "2025-03: 5 quotes"]
    heights = [float(r.get("height")) for r in rects]
    assert heights[1] == 0 and heights[2] > heights[0] > 0
    links = [a.get("href") for a in root.findall(f".//{NS}a")]
    assert links == ["/q?said_month=2025-01&speaker_id=<1>", "/q?said_month=2025-03&speaker_id=<1>"]
    assert "&amp;speaker_id=&lt;1&gt;" in chart  # escaped in the markup
    assert root.get("aria-label") == "Quotes per month"


def test_empty_chart_says_so():
    root = ET.fromstring(str(svg(build({}))))
    assert root.find(f"{NS}text").text == "No dated quotes"


def test_as_json():
    assert as_json(build({"2025-01": 1, "2024": 2, None: 1})) == {
        "unit": "month", "periods": [{"period": "2025-01", "count": 1}],
        "year_only": [{"period": "2024", "count": 2}], "undated": 1,
    }
