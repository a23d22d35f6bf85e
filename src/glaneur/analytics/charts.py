"""Geometry of the server-rendered SVG bar chart (no script, no style: CSP allows neither)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Bar:
    day: date
    count: int
    x: float
    y: float
    width: float
    height: float
    # Every seventh day back from today carries a date under the axis.
    labelled: bool

    @property
    def centre(self) -> float:
        return round(self.x + self.width / 2, 2)


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    # The plot area sits between the left margin (value labels) and the bottom margin (dates).
    left: int
    baseline: float
    top: int
    peak: int
    bars: list[Bar]


def bar_chart(
    series: Sequence[tuple[date, int]],
    *,
    width: int = 640,
    height: int = 180,
    left: int = 40,
    bottom: int = 20,
    top: int = 10,
    gap: float = 2.0,
) -> BarChart:
    """Lay out one bar per day; the tallest bar fills the plot area, a zero day stays flat."""
    peak = max((count for _day, count in series), default=0)
    plot_width = width - left
    plot_height = height - top - bottom
    baseline = float(height - bottom)
    slot = plot_width / len(series) if series else 0.0
    bars = []
    for index, (day, count) in enumerate(series):
        bar_height = plot_height * count / peak if peak else 0.0
        # A day with views shows at least one pixel, so it never looks like a zero.
        if count and bar_height < 1:
            bar_height = 1.0
        bars.append(
            Bar(
                day=day,
                count=count,
                x=round(left + index * slot + gap / 2, 2),
                y=round(baseline - bar_height, 2),
                width=round(max(slot - gap, 1.0), 2),
                height=round(bar_height, 2),
                labelled=(len(series) - 1 - index) % 7 == 0,
            )
        )
    return BarChart(
        width=width, height=height, left=left, baseline=baseline, top=top, peak=peak, bars=bars
    )
