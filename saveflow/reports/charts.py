"""Chart geometry for the reports pages: pure maths from figures to SVG coordinates.

A template draws what these functions return (rectangles, lines and text at the coordinates
given) inside an SVG `viewBox` of `width × height`, so a chart scales to the width of any screen.
Nothing here knows about HTML or money: callers pass a function that writes a tick's value.
This module has the axes and the charts over months (columns, a line); `chart_rows` the charts
of labelled rows (bars, intervals).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from math import ceil, floor, log10

# Round steps between ticks, times a power of ten.
NICE_STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)
FONT = 12.0  # font size of every label, in viewBox units
CHAR = 0.6 * FONT  # the width a label's character takes, near enough for layout
MAX_COLUMN = 36.0  # a column no wider than this, however few categories there are


def nice_step(span: float, count: int) -> float:
    """Return a round step (1, 2, 2.5 or 5 × 10^k) that cuts `span` into about `count` parts."""
    if span <= 0 or count <= 0:
        return 1.0
    raw = span / count
    power = 10.0 ** floor(log10(raw))
    return next(m * power for m in NICE_STEPS if raw <= m * power * (1 + 1e-9))


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Return round tick values from at or below `low` to at or above `high`, a step apart."""
    if high < low:
        low, high = high, low
    if high == low:
        high = low + 1
    step = nice_step(high - low, count)
    start, end = floor(low / step + 1e-9) * step, ceil(high / step - 1e-9) * step
    return [round(start + i * step, 10) for i in range(round((end - start) / step) + 1)]


@dataclass(frozen=True)
class Scale:
    """A linear map from data values (low..high) to positions (start..end)."""

    low: float
    high: float
    start: float
    end: float

    def __call__(self, value: float) -> float:
        if self.high == self.low:
            return self.start
        return self.start + (value - self.low) * (self.end - self.start) / (self.high - self.low)


@dataclass(frozen=True)
class Tick:
    value: float
    at: float  # the position along its axis
    text: str
    sub: str = ""  # a second line under the label (a month's year)


@dataclass(frozen=True)
class Plot:
    """The area inside a chart's axes, in viewBox units."""

    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass(frozen=True)
class Column:
    x: float
    y: float
    width: float
    height: float
    series: int
    category: int
    value: float


@dataclass(frozen=True)
class ColumnChart:
    width: float
    height: float
    plot: Plot
    y_ticks: tuple[Tick, ...]
    x_labels: tuple[Tick, ...]  # `at` is the centre of the category's band
    columns: tuple[Column, ...]
    baseline: float  # the y of zero


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    category: int
    value: float


@dataclass(frozen=True)
class LineChart:
    width: float
    height: float
    plot: Plot
    y_ticks: tuple[Tick, ...]
    x_labels: tuple[Tick, ...]
    points: tuple[Point, ...]
    paths: tuple[str, ...]  # one SVG path per run of categories that have a value


def _text_width(text: str) -> float:
    return len(text) * CHAR


def _frame(
    width: float, height: float, tick_texts: Sequence[str], bottom: float = 2.2 * FONT
) -> Plot:
    left = max((_text_width(t) for t in tick_texts), default=0) + 10
    # Room above the top tick for the axis's unit, written at the top left.
    return Plot(left=left, top=2 * FONT, right=width - 8, bottom=height - bottom)


def _x_labels(
    names: Sequence[str], plot: Plot, subs: Sequence[str] | None = None
) -> tuple[Tick, ...]:
    """Label every category whose label fits; skip evenly when they would overlap."""
    if not names:
        return ()
    band = plot.width / len(names)
    widest = max(_text_width(n) for n in names) + CHAR
    every = max(1, ceil(widest / band))
    shown, carried = [], ""
    for i, name in enumerate(names):
        sub = (subs[i] if subs else "") or carried
        if i % every:
            # A skipped label's second line (a new year) moves to the next label shown, which
            # falls in the same year.
            carried = sub
            continue
        shown.append(Tick(i, plot.left + band * (i + 0.5), name, sub))
        carried = ""
    return tuple(shown)


def _bottom(subs: Sequence[str] | None) -> float:
    return 3.4 * FONT if subs and any(subs) else 2.2 * FONT


def columns(
    categories: Sequence[str],
    series: Sequence[Sequence[float]],
    *,
    width: float = 560,
    height: float = 240,
    y_text: Callable[[float], str] = str,
    ticks: int = 4,
    subs: Sequence[str] | None = None,
) -> ColumnChart:
    """Lay out grouped columns: one band per category, one column per series in each band."""
    values = [v for s in series for v in s]
    low, high = min(values, default=0.0), max(values, default=0.0)
    tick_values = nice_ticks(min(low, 0.0), max(high, 0.0), ticks)
    plot = _frame(width, height, [y_text(v) for v in tick_values], _bottom(subs))
    scale = Scale(tick_values[0], tick_values[-1], plot.bottom, plot.top)
    band = plot.width / max(len(categories), 1)
    column_width = min(band * 0.8 / max(len(series), 1), MAX_COLUMN)
    inset = (band - column_width * len(series)) / 2  # the group sits in the band's middle
    zero = scale(0.0)
    found = []
    for s, row in enumerate(series):
        for c, value in enumerate(row):
            top = scale(value)
            found.append(
                Column(
                    x=plot.left + band * c + inset + column_width * s,
                    y=min(top, zero),
                    width=column_width,
                    height=abs(zero - top),
                    series=s,
                    category=c,
                    value=value,
                )
            )
    return ColumnChart(
        width=width,
        height=height,
        plot=plot,
        y_ticks=tuple(Tick(v, scale(v), y_text(v)) for v in tick_values),
        x_labels=_x_labels(categories, plot, subs),
        columns=tuple(found),
        baseline=zero,
    )


def line(
    categories: Sequence[str],
    values: Sequence[float | None],
    *,
    low: float = 0.0,
    high: float = 1.0,
    width: float = 560,
    height: float = 240,
    y_text: Callable[[float], str] = str,
    ticks: int = 4,
    subs: Sequence[str] | None = None,
) -> LineChart:
    """Lay out a line over fixed bounds (a rate: 0 to 1); a missing value breaks the line."""
    tick_values = nice_ticks(low, high, ticks)
    plot = _frame(width, height, [y_text(v) for v in tick_values], _bottom(subs))
    scale = Scale(tick_values[0], tick_values[-1], plot.bottom, plot.top)
    band = plot.width / max(len(categories), 1)
    points = tuple(
        Point(plot.left + band * (i + 0.5), scale(v), i, v)
        for i, v in enumerate(values)
        if v is not None
    )
    paths: list[list[Point]] = []
    run: list[Point] = []
    for point in points:
        if run and point.category != run[-1].category + 1:
            paths.append(run)
            run = []
        run.append(point)
    if run:
        paths.append(run)
    return LineChart(
        width=width,
        height=height,
        plot=plot,
        y_ticks=tuple(Tick(v, scale(v), y_text(v)) for v in tick_values),
        x_labels=_x_labels(categories, plot, subs),
        points=points,
        paths=tuple(_path(run) for run in paths if len(run) > 1),
    )


def _path(points: Sequence[Point]) -> str:
    return " ".join(f"{'M' if i == 0 else 'L'}{p.x:.1f} {p.y:.1f}" for i, p in enumerate(points))


def shade(share: float | None) -> tuple[str, str]:
    """Return (background, text colour) for a heat-map cell: paler for a smaller share."""
    if share is None:
        return ("transparent", "inherit")
    share = min(max(share, 0.0), 1.0)
    lightness = round(96 - 56 * share)
    return (f"hsl(231 62% {lightness}%)", "#ffffff" if lightness < 62 else "#17202c")


def month_labels(months: Sequence[date]) -> tuple[list[str], list[str]]:
    """Return short month names, and the year under the first month and every January."""
    names = [m.strftime("%b") for m in months]
    years = [str(m.year) if i == 0 or m.month == 1 else "" for i, m in enumerate(months)]
    return names, years
