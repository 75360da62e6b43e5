"""Small SVG charts drawn on the server: readable without JavaScript, with the same numbers
in the table next to them.

    for figure in figures(table, lang="nl", id_prefix="funnel"):
        html += figure.svg          # inline <svg role="img" aria-labelledby=...>

Built with ElementTree, so every label is XML-escaped. Text is dark on a white background
(contrast far above 4.5:1); bars are 3:1 or more against the background. Each bar carries
a <title> with its label and value. Charts have fixed user-unit sizes and class="chart":
give them `max-width: 100%; height: auto` in the page's CSS.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # noqa: S405 - only builds XML, never parses it
from collections.abc import Sequence
from dataclasses import dataclass

from elearning.analytics.formatting import Cell, cell
from elearning.analytics.tables import Chart, Table
from elearning.i18n import translator

BACKGROUND = "#ffffff"
TEXT = "#1a1a1a"
MUTED = "#4d4d4d"
BAR = "#1f5f99"
NEGATIVE = "#9a3b00"
AXIS = "#595959"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"

WIDTH = 640
PAD = 12
VALUE_SPACE = 130  # right of the longest bar, for its value text
ROW = 44
HEAD = 34


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    text: str  # the value as shown, e.g. "412 (82%)"


@dataclass(frozen=True)
class Figure:
    id: str
    title: str
    svg: str


def _id(text: str) -> str:
    clean = re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-")
    return clean if clean[:1].isalpha() else f"chart-{clean}"


def _number(value: Cell) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def figures(table: Table, lang: str = "nl", id_prefix: str | None = None) -> list[Figure]:
    """The SVG charts of a table (one per chart, or one per group for a grouped chart)."""
    prefix = _id(id_prefix or table.key)
    out: list[Figure] = []
    for n, chart in enumerate(table.charts, start=1):
        groups: dict[Cell, list[tuple[Cell, ...]]] = {}
        for row in table.rows:
            key = row[table.index(chart.group)] if chart.group else None
            groups.setdefault(key, []).append(row)
        if not groups:
            groups[None] = []
        for g, rows in enumerate(groups.values(), start=1):
            title = chart.title
            if chart.group_label is not None and rows:
                title = str(rows[0][table.index(chart.group_label)])
            chart_id = f"{prefix}-{n}" + (f"-{g}" if chart.group else "")
            bars = [_bar(table, chart, row, lang) for row in rows]
            svg = (histogram(chart_id, title, bars, lang) if chart.kind == "histogram"
                   else bar_chart(chart_id, title, bars, lang, chart.minimum, chart.maximum))
            out.append(Figure(chart_id, title, svg))
    return out


def _bar(table: Table, chart: Chart, row: tuple[Cell, ...], lang: str) -> Bar:
    value = row[table.index(chart.value)]
    text = cell(value, table.column(chart.value).kind, lang)
    if chart.note is not None:
        note = row[table.index(chart.note)]
        if note is not None:
            text += f" ({cell(note, table.column(chart.note).kind, lang)})"
    return Bar(str(row[table.index(chart.label)]), _number(value), text)


def _svg(chart_id: str, title: str, description: str, height: int) -> ET.Element:
    svg = ET.Element("svg", {
        "xmlns": "http://www.w3.org/2000/svg", "class": "chart", "role": "img",
        "width": str(WIDTH), "height": str(height), "viewBox": f"0 0 {WIDTH} {height}",
        "aria-labelledby": f"{chart_id}-title {chart_id}-desc", "id": chart_id,
        "font-family": FONT, "font-size": "13",
    })
    ET.SubElement(svg, "title", {"id": f"{chart_id}-title"}).text = title
    ET.SubElement(svg, "desc", {"id": f"{chart_id}-desc"}).text = description
    ET.SubElement(svg, "rect", {"width": str(WIDTH), "height": str(height), "fill": BACKGROUND})
    _text(svg, PAD, 22, title, weight="bold", size=15)
    return svg


def _text(parent: ET.Element, x: float, y: float, text: str, *, fill: str = TEXT, size: int | None = None,
          weight: str | None = None, anchor: str | None = None) -> ET.Element:
    attrs = {"x": _f(x), "y": _f(y), "fill": fill}
    if size is not None:
        attrs["font-size"] = str(size)
    if weight is not None:
        attrs["font-weight"] = weight
    if anchor is not None:
        attrs["text-anchor"] = anchor
    node = ET.SubElement(parent, "text", attrs)
    node.text = text
    return node


def _f(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _empty(svg: ET.Element, lang: str) -> str:
    _ = translator(lang)
    _text(svg, PAD, HEAD + 20, _("No data yet."), fill=MUTED)
    return ET.tostring(svg, encoding="unicode")


def bar_chart(chart_id: str, title: str, bars: Sequence[Bar], lang: str = "nl",
              minimum: float = 0.0, maximum: float | None = None) -> str:
    """Horizontal bars, the label above each bar and the value after it."""
    _ = translator(lang)
    height = HEAD + max(1, len(bars)) * ROW + PAD
    svg = _svg(chart_id, title, _("Bar chart: {title}. The numbers are also in the table.", title=title),
               height)
    if not bars:
        return _empty(svg, lang)
    values = [b.value for b in bars if b.value is not None]
    low = min([minimum, *values])
    high = max([maximum if maximum is not None else 0.0, *values])
    if high <= low:
        high = low + 1
    span = WIDTH - 2 * PAD - VALUE_SPACE

    def x(v: float) -> float:
        return PAD + (v - low) / (high - low) * span

    zero = x(0.0) if low < 0 else x(low)
    for i, bar in enumerate(bars):
        top = HEAD + i * ROW
        group = ET.SubElement(svg, "g")
        ET.SubElement(group, "title").text = f"{bar.label}: {bar.text}"
        _text(group, PAD, top + 14, bar.label)
        end = zero
        if bar.value is not None:
            end = x(bar.value)
            left, right = sorted((zero, end))
            ET.SubElement(group, "rect", {
                "x": _f(left), "y": _f(top + 20), "width": _f(max(right - left, 1.0)), "height": "16",
                "fill": NEGATIVE if bar.value < 0 else BAR,
            })
        _text(group, max(zero, end) + 6, top + 33, bar.text, fill=TEXT)
    if low < 0:
        ET.SubElement(svg, "line", {
            "x1": _f(zero), "x2": _f(zero), "y1": str(HEAD), "y2": str(height - PAD),
            "stroke": AXIS, "stroke-width": "1",
        })
    return ET.tostring(svg, encoding="unicode")


def histogram(chart_id: str, title: str, bars: Sequence[Bar], lang: str = "nl") -> str:
    """Vertical bars side by side; counts above the bars, band labels along the bottom."""
    _ = translator(lang)
    plot_top, plot_height, axis_space = HEAD + 24, 180, 54
    height = plot_top + plot_height + axis_space
    svg = _svg(chart_id, title, _("Histogram: {title}. The numbers are also in the table.", title=title),
               height)
    if not bars:
        return _empty(svg, lang)
    top = max([b.value or 0.0 for b in bars] + [1.0])
    slot = (WIDTH - 2 * PAD) / len(bars)
    base = plot_top + plot_height
    every = max(1, round(90 / slot))  # room for about one band label per 90 units
    for i, bar in enumerate(bars):
        group = ET.SubElement(svg, "g")
        ET.SubElement(group, "title").text = f"{bar.label}: {bar.text}"
        h = (bar.value or 0.0) / top * plot_height
        left = PAD + i * slot
        ET.SubElement(group, "rect", {
            "x": _f(left + 1), "y": _f(base - h), "width": _f(max(slot - 2, 1.0)), "height": _f(h), "fill": BAR,
        })
        if len(bar.text) * 6.2 <= slot:  # else it would overlap its neighbours; the <title> has it
            _text(group, left + slot / 2, base - h - 5, bar.text, size=11, anchor="middle")
        label = bar.label if len(bar.label) * 6.2 <= slot else bar.label.split(" – ")[0]
        if i % every == 0 or label == bar.label:
            _text(group, left + slot / 2, base + 18, label, fill=MUTED, size=11, anchor="middle")
    ET.SubElement(svg, "line", {
        "x1": str(PAD), "x2": str(WIDTH - PAD), "y1": _f(base), "y2": _f(base), "stroke": AXIS, "stroke-width": "1",
    })
    return ET.tostring(svg, encoding="unicode")


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2.1 contrast ratio of two #rrggbb colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
