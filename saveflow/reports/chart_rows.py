"""Charts of labelled rows: horizontal bars and estimates with their intervals.

Each row's label sits above its drawing rather than beside it, so long labels fit a phone; the
axes maths is `saveflow.reports.charts`.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from saveflow.reports.charts import FONT, Plot, Scale, Tick, nice_ticks


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as written beside the bar
    label_y: float  # the baseline of the label and value line
    y: float
    x: float
    width: float
    height: float


@dataclass(frozen=True)
class BarChart:
    width: float
    height: float
    left: float
    right: float
    bars: tuple[Bar, ...]


BAR_ROW = 2.6 * FONT + 8  # a label line, then the bar, then a gap


def bars(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    width: float = 560,
    text: Callable[[float], str] = str,
) -> BarChart:
    """Lay out horizontal bars, each under its label with its value at the right end.

    Labels sit above their bars rather than beside them, so long labels fit a phone.
    """
    left, right = 0.0, width
    top = max(values, default=0.0)
    scale = Scale(0.0, top if top > 0 else 1.0, left, right)
    found = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        row = i * BAR_ROW
        found.append(
            Bar(
                label=label,
                value=value,
                text=text(value),
                label_y=row + FONT,
                y=row + FONT + 4,
                x=left,
                width=max(scale(max(value, 0.0)) - left, 0.0),
                height=FONT,
            )
        )
    return BarChart(width, max(len(found), 1) * BAR_ROW, left, right, tuple(found))


@dataclass(frozen=True)
class Interval:
    label: str
    enough: bool  # False: "not enough data yet", and nothing is drawn
    label_y: float
    y: float  # the centre line of the interval
    point: float | None  # x of the estimate
    low: float | None
    high: float | None


@dataclass(frozen=True)
class IntervalChart:
    width: float
    height: float
    plot: Plot
    zero: float
    ticks: tuple[Tick, ...]
    rows: tuple[Interval, ...]


INTERVAL_ROW = 2 * FONT + 18


def intervals(
    rows: Sequence[tuple[str, float | None, float | None, float | None, bool]],
    *,
    width: float = 560,
    x_text: Callable[[float], str] = str,
    ticks: int | None = None,
) -> IntervalChart:
    """Lay out estimates with their intervals on one horizontal axis that always shows zero.

    Each row is (label, estimate, low, high, enough data); a row without enough data keeps its
    place and label but draws no interval.
    """
    shown = [r for r in rows if r[4] and r[1] is not None]
    lows = [r[2] for r in shown if r[2] is not None]
    highs = [r[3] for r in shown if r[3] is not None]
    # About one tick per 90 units of width, so tick labels never meet on a phone.
    count = ticks or max(2, int((width - 16) // 90))
    values = nice_ticks(min([0.0, *lows]), max([0.0, *highs]), count)
    height = max(len(rows), 1) * INTERVAL_ROW + 2 * FONT
    plot = Plot(left=8, top=0, right=width - 8, bottom=height - 2 * FONT)
    scale = Scale(values[0], values[-1], plot.left, plot.right)
    found = []
    for i, (label, estimate, low, high, enough) in enumerate(rows):
        row = i * INTERVAL_ROW
        drawn = enough and estimate is not None and low is not None and high is not None
        found.append(
            Interval(
                label=label,
                enough=drawn,
                label_y=row + FONT,
                y=row + FONT + 14,
                point=scale(estimate) if drawn and estimate is not None else None,
                low=scale(low) if drawn and low is not None else None,
                high=scale(high) if drawn and high is not None else None,
            )
        )
    return IntervalChart(
        width=width,
        height=height,
        plot=plot,
        zero=scale(0.0),
        ticks=tuple(Tick(v, scale(v), x_text(v)) for v in values),
        rows=tuple(found),
    )
