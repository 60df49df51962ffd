"""The chart geometry: round ticks, linear scales, bars and intervals where the maths puts them."""

from datetime import date

import pytest

from saveflow.reports import chart_rows, charts


@pytest.mark.parametrize(
    ("span", "count", "step"),
    [
        (100, 4, 25),  # 25 exactly
        (123_456, 4, 50_000),  # 30,864 rounds up to 50,000
        (0.73, 4, 0.2),  # 0.1825 → 0.2
        (1.0, 4, 0.25),
        (7, 4, 2),  # 1.75 → 2
        (9, 3, 5),  # 3 → 5
        (1, 1, 1),
    ],
)
def test_nice_step_is_the_next_round_step(span, count, step):
    assert charts.nice_step(span, count) == pytest.approx(step)


def test_ticks_cover_the_values_from_zero_in_round_steps():
    assert charts.nice_ticks(0, 123_456) == [0, 50_000, 100_000, 150_000]
    assert charts.nice_ticks(0, 1) == [0, 0.25, 0.5, 0.75, 1]
    assert charts.nice_ticks(-0.12, 0.31) == [-0.2, 0, 0.2, 0.4]
    # Nothing to show still gives an axis.
    assert charts.nice_ticks(0, 0) == [0, 0.25, 0.5, 0.75, 1]


def test_a_scale_maps_its_ends_and_everything_between_linearly():
    scale = charts.Scale(0, 200, 300, 100)  # values up, positions down, as on a y axis
    assert scale(0) == 300
    assert scale(200) == 100
    assert scale(50) == 250
    assert charts.Scale(5, 5, 10, 20)(5) == 10


def test_columns_stand_on_zero_with_heights_in_proportion():
    chart = charts.columns(["Jan", "Feb"], [[100, 50], [25, 0]], width=400, height=200)
    plot = chart.plot
    assert [t.value for t in chart.y_ticks] == [0, 25, 50, 75, 100]
    assert chart.baseline == pytest.approx(plot.bottom)
    by = {(c.series, c.category): c for c in chart.columns}
    full = plot.bottom - plot.top
    assert by[0, 0].height == pytest.approx(full)  # 100 is the top tick
    assert by[0, 1].height == pytest.approx(full / 2)
    assert by[1, 0].height == pytest.approx(full / 4)
    assert by[1, 1].height == 0
    for column in chart.columns:
        assert column.y + column.height == pytest.approx(plot.bottom)
    # Side by side in each band, the band's two columns centred in it.
    band = plot.width / 2
    assert by[1, 0].x == pytest.approx(by[0, 0].x + by[0, 0].width)
    centre = by[0, 1].x + by[0, 1].width
    assert centre == pytest.approx(plot.left + band * 1.5)
    assert by[0, 0].width == charts.MAX_COLUMN  # 80% of a 180-wide band would be wider


def test_the_y_axis_leaves_room_for_its_widest_label():
    narrow = charts.columns(["a"], [[9]], y_text=lambda v: f"{v:g}")
    wide = charts.columns(["a"], [[9]], y_text=lambda v: f"{v:,.2f} USD")
    assert [t.text for t in narrow.y_ticks][-2:] == ["7.5", "10"]
    assert wide.y_ticks[-1].text == "10.00 USD"
    # The widest labels are "7.5" and "10.00 USD": six characters apart.
    assert wide.plot.left - narrow.plot.left == pytest.approx(6 * charts.CHAR)


def test_month_labels_thin_out_when_they_would_overlap_keeping_the_year():
    months = [date(2025, m, 1) for m in range(4, 13)] + [date(2026, m, 1) for m in (1, 2, 3)]
    names, years = charts.month_labels(months)
    assert names[:2] == ["Apr", "May"] and years[0] == "2025" and years[9] == "2026"
    assert [y for y in years if y] == ["2025", "2026"]
    wide = charts.columns(names, [[1] * 12], width=560, subs=years)
    assert len(wide.x_labels) == 12
    narrow = charts.columns(names, [[1] * 12], width=240, subs=years)
    shown = [t.text for t in narrow.x_labels]
    assert shown == names[:: len(names) // len(shown)]
    # January is skipped at this width: its year moves to the next month shown, February.
    assert shown == ["Apr", "Jun", "Aug", "Oct", "Dec", "Feb"]
    assert {t.text: t.sub for t in narrow.x_labels if t.sub} == {"Apr": "2025", "Feb": "2026"}


def test_a_line_breaks_where_a_month_has_no_value():
    chart = charts.line(["a", "b", "c", "d", "e"], [0.5, 1.0, None, 0.0, 0.25], width=300)
    assert [p.category for p in chart.points] == [0, 1, 3, 4]
    assert len(chart.paths) == 2 and chart.paths[0].count("L") == 1
    top, bottom = chart.plot.top, chart.plot.bottom
    ys = {p.category: p.y for p in chart.points}
    assert ys[1] == pytest.approx(top) and ys[3] == pytest.approx(bottom)
    assert ys[0] == pytest.approx((top + bottom) / 2)


def test_bars_are_as_long_as_their_share_of_the_largest():
    chart = chart_rows.bars(["Discount", "Pause", "None"], [800, 200, 0], width=400, text=str)
    lengths = [b.width for b in chart.bars]
    assert lengths == [400, 100, 0]
    assert [b.text for b in chart.bars] == ["800", "200", "0"]
    assert chart.height == 3 * chart_rows.BAR_ROW
    # Each label sits above its own bar.
    assert all(b.label_y < b.y for b in chart.bars)


def test_intervals_share_an_axis_through_zero_and_skip_rows_without_enough_data():
    chart = chart_rows.intervals(
        [("spring", 0.12, 0.02, 0.22, True), ("new", 0.3, -0.1, 0.6, False)],
        width=416,
        ticks=4,
    )
    assert [t.value for t in chart.ticks] == [0, 0.1, 0.2, 0.3]
    scale = charts.Scale(0, 0.3, chart.plot.left, chart.plot.right)
    spring, new = chart.rows
    assert spring.enough and spring.point == pytest.approx(scale(0.12))
    assert spring.low == pytest.approx(scale(0.02)) and spring.high == pytest.approx(scale(0.22))
    assert chart.zero == pytest.approx(chart.plot.left)
    assert not new.enough and new.point is None  # "not enough data yet", nothing drawn
    below = chart_rows.intervals([("x", -0.05, -0.15, 0.05, True)], width=416, ticks=4)
    assert below.ticks[0].value < 0 < below.ticks[-1].value
    assert below.plot.left < below.zero < below.plot.right


def test_a_narrow_interval_chart_has_fewer_ticks():
    rows = [("x", 0.2, 0.1, 0.45, True)]
    assert len(chart_rows.intervals(rows, width=320).ticks) < len(
        chart_rows.intervals(rows, width=560).ticks
    )


def test_heat_cells_darken_with_the_share_and_keep_their_text_readable():
    empty, half, full = charts.shade(0.0), charts.shade(0.5), charts.shade(1.0)
    lightness = [int(c[0].split()[-1].rstrip("%)")) for c in (empty, half, full)]
    assert lightness == [96, 68, 40]
    assert empty[1] == half[1] == "#17202c" and full[1] == "#ffffff"
    assert charts.shade(None) == ("transparent", "inherit")
