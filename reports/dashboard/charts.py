"""Small SVG charts drawn on the server, for PDF reports.

WeasyPrint embeds SVG as vector graphics, so the notice's charts stay sharp
in print and need no browser or JavaScript. Labels are escaped: they carry
school and district names."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe

# One colour per category, each distinct from the others and with at least
# 3:1 contrast against white (WCAG 1.4.11 for graphics); the dashboard's
# ECharts panels use the same palette (tests/reports/test_charts.py checks).
PALETTE = (
    "#1f5fa8",  # blue
    "#c2410c",  # orange
    "#15803d",  # green
    "#b91c1c",  # red
    "#7e22ce",  # purple
    "#0e7490",  # teal
    "#a16207",  # ochre
    "#be185d",  # pink
    "#4b5563",  # grey
    "#3730a3",  # indigo
    "#4d7c0f",  # olive
    "#854d0e",  # brown
)


def palette(n: int) -> list[str]:
    """``n`` distinct colours: the fixed palette, then further hues spaced by
    the golden angle at a lightness dark enough for contrast on white."""
    colours = list(PALETTE[:n])
    for i in range(len(colours), n):
        hue = (i * 137.508) % 360
        colours.append(_hsl_hex(hue, 0.65, 0.32))
    return colours


def _hsl_hex(hue: float, saturation: float, lightness: float) -> str:
    import colorsys

    r, g, b = colorsys.hls_to_rgb(hue / 360, lightness, saturation)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


def contrast_on_white(colour: str) -> float:
    """The WCAG contrast ratio of ``colour`` against white."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


FONT = "WenQuanYi Micro Hei, HanaMinB, Noto Sans CJK SC, sans-serif"  # as static/reports/pdf.css


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float]


def _fmt(value: float, percent: bool) -> str:
    return f"{value * 100:.0f}%" if percent else (f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}")


def bar_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str = "",
    width: int = 640,
    height: int = 260,
    percent: bool = False,
    max_value: float | None = None,
) -> SafeString:
    """A vertical grouped bar chart as an inline SVG string."""
    colours = palette(len(series))
    # The legend wraps into rows below the axis labels, so it never overlaps
    # them or the bars; the chart grows by the rows it needs.
    legend_rows: list[list[tuple[int, float]]] = [[]]
    if len(series) > 1:
        x = 44.0
        for si, s in enumerate(series):
            item_w = 18 + 11 * len(s.name)
            if legend_rows[-1] and x + item_w > width - 12:
                legend_rows.append([])
                x = 44.0
            legend_rows[-1].append((si, x))
            x += item_w + 12
    legend_h = 14 * len(legend_rows) if len(series) > 1 else 0
    height += legend_h
    left, right, top, bottom = 44, 12, 28 if title else 12, 56 + legend_h
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max_value if max_value is not None else max([v for s in series for v in s.values] + [0]) or 1
    if not percent and max_value is None:
        peak = -(-peak // 4) * 4  # counts: round up so that the four gridlines fall on whole numbers
    n = max(len(labels), 1)
    group_w = plot_w / n
    bar_w = max(2.0, group_w * 0.8 / max(len(series), 1))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="10">'
    ]
    if title:
        parts.append(f'<text x="{width / 2}" y="16" text-anchor="middle" font-size="12">{escape(title)}</text>')
    for i in range(5):
        y = top + plot_h - plot_h * i / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 3:.1f}" text-anchor="end">{_fmt(peak * i / 4, percent)}</text>')
    for gi, label in enumerate(labels):
        x0 = left + gi * group_w + group_w * 0.1
        for si, s in enumerate(series):
            value = s.values[gi] if gi < len(s.values) else 0
            h = plot_h * (value / peak) if peak else 0
            x = x0 + si * bar_w
            parts.append(
                f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w - 1:.1f}" height="{h:.1f}" '
                f'fill="{colours[si]}"/>'
            )
        cx = left + gi * group_w + group_w / 2
        parts.append(
            f'<text x="{cx:.1f}" y="{top + plot_h + 12}" text-anchor="end" '
            f'transform="rotate(-35 {cx:.1f} {top + plot_h + 12})">{escape(str(label)[:16])}</text>'
        )
    if len(series) > 1:
        for row_i, row in enumerate(legend_rows):
            y = height - legend_h + 14 * row_i + 4
            for si, x in row:
                parts.append(f'<rect x="{x:.0f}" y="{y}" width="10" height="8" fill="{colours[si]}"/>')
                parts.append(f'<text x="{x + 14:.0f}" y="{y + 8}">{escape(series[si].name)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
