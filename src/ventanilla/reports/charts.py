"""Charts as inline SVG, drawn on the server: line, bar and stacked bar.

Why our own SVG and not a chart library: the workspace's CSP allows no inline script or
style, and there is no JS build. SVG markup needs neither (colours are presentation
attributes and classes of our stylesheet), prints sharp at any size, and every chart has a
``<title>`` and a ``<desc>`` for screen readers. Every text is escaped; the numbers are ours.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 10, 12, 36
PALETTE = ("#1f5f99", "#c4572a", "#4c8c3f", "#8a5aa8", "#b8912d", "#5b6770")


@dataclass(frozen=True)
class Series:
    """One named line or stack of a chart."""

    name: str
    values: Sequence[float]


def nice_max(value: float) -> float:
    """The top of the axis: 1, 2 or 5 times a power of ten, at least ``value`` (1 if empty)."""
    if value <= 0:
        return 1.0
    step = 1.0
    while step * 10 <= value:
        step *= 10
    for factor in (1, 2, 5, 10):
        if step * factor >= value:
            return step * factor
    return step * 10  # pragma: no cover - the loop above always returns


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _frame(title: str, desc: str, body: list[str], top: float, labels: Sequence[str]) -> SafeString:
    plot_h = HEIGHT - TOP - BOTTOM
    # Ids unique per chart, so several charts on one page stay valid HTML.
    ident = f"c{zlib.crc32(title.encode()):08x}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="{ident}t {ident}d" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{ident}t">{escape(title)}</title><desc id="{ident}d">{escape(desc)}</desc>',
    ]
    for i in range(5):
        y = TOP + plot_h * i / 4
        parts.append(
            f'<line class="grid" x1="{LEFT}" y1="{_fmt(y)}" x2="{WIDTH - RIGHT}" y2="{_fmt(y)}"/>'
        )
        label = _fmt(top * (4 - i) / 4)
        parts.append(
            f'<text class="axis" x="{LEFT - 4}" y="{_fmt(y + 4)}" text-anchor="end">{label}</text>'
        )
    parts += body
    parts += _x_labels(labels)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above went through escape()


def _x_labels(labels: Sequence[str]) -> list[str]:
    if not labels:
        return []
    plot_w = WIDTH - LEFT - RIGHT
    every = max(1, len(labels) // 12)
    out = []
    for i, label in enumerate(labels):
        if i % every == 0:
            x = LEFT + plot_w * (i + 0.5) / len(labels)
            out.append(
                f'<text class="axis" x="{_fmt(x)}" y="{HEIGHT - BOTTOM + 16}" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    return out


def _legend(series: Sequence[Series]) -> list[str]:
    out = []
    for i, s in enumerate(series):
        x = LEFT + i * 150
        colour = PALETTE[i % len(PALETTE)]
        out.append(f'<rect x="{x}" y="{HEIGHT - 12}" width="10" height="10" fill="{colour}"/>')
        out.append(f'<text class="legend" x="{x + 14}" y="{HEIGHT - 3}">{escape(s.name)}</text>')
    return out


def line_chart(*, title: str, labels: Sequence[str], series: Sequence[Series]) -> SafeString:
    """A line per series over ``labels`` (the x axis)."""
    top = nice_max(max((v for s in series for v in s.values), default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    body = []
    for i, s in enumerate(series):
        points = " ".join(
            f"{_fmt(LEFT + plot_w * (j + 0.5) / max(len(s.values), 1))},"
            f"{_fmt(TOP + plot_h * (1 - v / top))}"
            for j, v in enumerate(s.values)
        )
        colour = PALETTE[i % len(PALETTE)]
        body.append(
            f'<polyline class="line" fill="none" stroke="{colour}" stroke-width="2" '
            f'points="{points}"/>'
        )
    desc = "; ".join(f"{s.name}: {_fmt(sum(s.values))}" for s in series)
    return _frame(title, desc, body + _legend(series), top, labels)


def bar_chart(*, title: str, labels: Sequence[str], values: Sequence[float]) -> SafeString:
    """One bar per label."""
    return stacked_bar_chart(title=title, labels=labels, series=[Series("", values)], legend=False)


def stacked_bar_chart(
    *, title: str, labels: Sequence[str], series: Sequence[Series], legend: bool = True
) -> SafeString:
    """Bars of the series stacked per label (the first series at the bottom)."""
    totals = [sum(s.values[j] for s in series) for j in range(len(labels))]
    top = nice_max(max(totals, default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(labels), 1)
    body = []
    for j, label in enumerate(labels):
        base = 0.0
        for i, s in enumerate(series):
            value = s.values[j]
            if value <= 0:
                continue
            height = plot_h * value / top
            y = TOP + plot_h * (1 - (base + value) / top)
            body.append(
                f'<rect class="bar" x="{_fmt(LEFT + slot * j + slot * 0.15)}" y="{_fmt(y)}" '
                f'width="{_fmt(slot * 0.7)}" height="{_fmt(height)}" '
                f'fill="{PALETTE[i % len(PALETTE)]}"><title>{escape(label)} {escape(s.name)}: '
                f"{_fmt(value)}</title></rect>"
            )
            base += value
    desc = "; ".join(f"{label}: {_fmt(t)}" for label, t in zip(labels, totals, strict=True))
    return _frame(title, desc, body + (_legend(series) if legend else []), top, labels)
