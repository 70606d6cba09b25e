"""Small SVG charts drawn on the server, for PDF reports.

WeasyPrint embeds SVG as vector graphics, so the notice's charts stay sharp
in print and need no browser or JavaScript. Labels are escaped: they carry
school and district names."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#2f5597", "#c0504d", "#9bbb59", "#8064a2", "#4bacc6", "#f79646")
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
    left, right, top, bottom = 44, 12, 28 if title else 12, 56
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
                f'fill="{PALETTE[si % len(PALETTE)]}"/>'
            )
        cx = left + gi * group_w + group_w / 2
        parts.append(
            f'<text x="{cx:.1f}" y="{top + plot_h + 12}" text-anchor="end" '
            f'transform="rotate(-35 {cx:.1f} {top + plot_h + 12})">{escape(str(label)[:16])}</text>'
        )
    if len(series) > 1:
        for si, s in enumerate(series):
            x = left + si * 120
            parts.append(f'<rect x="{x}" y="{height - 12}" width="10" height="8" fill="{PALETTE[si % len(PALETTE)]}"/>')
            parts.append(f'<text x="{x + 14}" y="{height - 4}">{escape(s.name)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
