"""A small bar chart of quotes over time, drawn server-side as SVG.

No JavaScript and no chart library: the page works offline and in any browser, and
the chart is in the HTML that tests read. Dates are the project's ISO text, possibly
partial ("2025-03", "2025"): counts come in per period (what SQL grouped by
`substr(date, 1, 7)`), and the chart picks months when they fit, else years.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from markupsafe import Markup, escape

MAX_MONTHS = 36  # more months than this and the bars are years


@dataclass
class Timeline:
    unit: str  # "month" or "year"
    bars: list[tuple[str, int]]  # (period, count), every period from first to last
    undated: int = 0  # no date at all
    coarse: list[tuple[str, int]] = field(default_factory=list)  # year-only dates, in month mode

    @property
    def total(self) -> int:
        return sum(n for _, n in self.bars) + sum(n for _, n in self.coarse) + self.undated


def _months(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _is_month(p: str) -> bool:
    return len(p) >= 7 and p[:4].isdigit() and p[4] == "-" and p[5:7].isdigit() and 1 <= int(p[5:7]) <= 12


def build(counts: Mapping[str | None, int], max_months: int = MAX_MONTHS,
          frame: tuple[str | None, str | None] | None = None) -> Timeline:
    """Bars from {period: count}; a period is "YYYY-MM", "YYYY", or None (undated).

    Months between the first and the last are filled with zeros, so gaps show.
    `frame` (first, last) widens the axis to a larger range, the corpus's, so one
    person's months sit among all the months covered, when that still fits.
    """
    months: dict[str, int] = {}
    years: dict[str, int] = {}
    undated = 0
    for period, n in counts.items():
        if period and _is_month(period):
            months[period[:7]] = months.get(period[:7], 0) + n
        elif period and period[:4].isdigit():
            years[period[:4]] = years.get(period[:4], 0) + n
        else:
            undated += n
    span = _months(min(months), max(months)) if months else []
    if months and len(span) <= max_months:
        framed = [p[:7] for p in (frame or ()) if p and _is_month(p)]
        if framed:
            wider = _months(min(span[0], *framed), max(span[-1], *framed))
            span = wider if len(wider) <= max_months else span
        return Timeline("month", [(m, months.get(m, 0)) for m in span], undated, sorted(years.items()))
    for m, n in months.items():
        years[m[:4]] = years.get(m[:4], 0) + n
    if not years:
        return Timeline("year", [], undated)
    first, last = int(min(years)), int(max(years))
    framed = [int(p[:4]) for p in (frame or ()) if p and p[:4].isdigit()]
    if framed and max(last, *framed) - min(first, *framed) < 2 * max_months:
        first, last = min(first, *framed), max(last, *framed)
    return Timeline("year", [(str(y), years.get(str(y), 0)) for y in range(first, last + 1)], undated)


def svg(timeline: Timeline, href: Callable[[str], str | None] | None = None,
        width: int = 640, height: int = 150, noun: str = "quote") -> Markup:
    """The chart: one bar per period, a hover title on each, linked by `href(period)`."""
    top, bottom, left, right = 18, 26, 34, 8
    plot_w, plot_h = width - left - right, height - top - bottom
    parts = [Markup(
        '<svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" '
        'width="{w}" height="{h}" role="img" aria-label="{label}">'
    ).format(w=width, h=height, label=f"{noun.capitalize()}s per {timeline.unit}")]
    if not timeline.bars:
        parts.append(Markup('<text x="{}" y="{}" text-anchor="middle" class="empty">No dated {}s</text>').format(
            width / 2, height / 2, noun))
        parts.append(Markup("</svg>"))
        return Markup("").join(parts)
    peak = max(n for _, n in timeline.bars) or 1
    n_bars = len(timeline.bars)
    band = plot_w / n_bars
    bar_w = min(48.0, max(1.0, band * 0.78))
    every = max(1, math.ceil(n_bars / 10))  # at most ten axis labels
    base = top + plot_h
    parts.append(Markup('<line class="axis" x1="{}" y1="{}" x2="{}" y2="{}"/>').format(left, base, width - right, base))
    parts.append(Markup('<text class="tick" x="{}" y="{}" text-anchor="end">{}</text>').format(left - 4, top + 4, peak))
    parts.append(Markup('<text class="tick" x="{}" y="{}" text-anchor="end">0</text>').format(left - 4, base))
    for i, (period, n) in enumerate(timeline.bars):
        x = left + i * band + (band - bar_w) / 2
        h = plot_h * n / peak
        title = f"{period}: {n} {noun}{'' if n == 1 else 's'}"
        rect = Markup('<rect class="bar" x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}"><title>{}</title></rect>').format(
            x, base - h, bar_w, h, title)
        link = href(period) if (href and n) else None
        if link:
            rect = Markup('<a href="{}">{}</a>').format(link, rect)
        parts.append(rect)
        if n and n_bars <= 24:
            parts.append(Markup('<text class="count" x="{:.1f}" y="{:.1f}" text-anchor="middle">{}</text>').format(
                x + bar_w / 2, base - h - 3, n))
        if i % every == 0 or i == n_bars - 1 and n_bars <= 10:
            parts.append(Markup('<text class="tick" x="{:.1f}" y="{}" text-anchor="middle">{}</text>').format(
                left + i * band + band / 2, base + 16, escape(period)))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def as_json(timeline: Timeline) -> dict:
    """The chart's data for the JSON pages."""
    return {
        "unit": timeline.unit,
        "periods": [{"period": p, "count": n} for p, n in timeline.bars],
        "year_only": [{"period": p, "count": n} for p, n in timeline.coarse],
        "undated": timeline.undated,
    }
