"""The reports page's charts: an overview's figures laid out twice, wide and phone-narrow.

The geometry is `saveflow.reports.charts`; this module only picks the figures, the words and the
number formats, and says what each chart shows in a sentence for screen readers.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from saveflow.money import compact, money, percent, points
from saveflow.reports import chart_rows, charts
from saveflow.reports.experiments import ExperimentLift
from saveflow.reports.overview import Overview

WIDE, NARROW = 560, 320


@dataclass(frozen=True)
class Chart:
    key: str  # unique on the page: ids of its title and description
    title: str
    desc: str
    kind: str  # columns | line | bars | intervals
    wide: Any
    narrow: Any
    series: tuple[str, ...] = ()
    y_label: str = ""


def _both(layout: Callable[..., Any], *args, **kwargs) -> tuple[Any, Any]:
    return layout(*args, width=WIDE, **kwargs), layout(*args, width=NARROW, **kwargs)


def _rate(value: float) -> str:
    return f"{value * 100:.0f}%"


def money_charts(found: Overview, currency: str) -> list[Chart]:
    """Saved MRR, and projected against realized saved revenue, month by month."""
    names, years = charts.month_labels(found.months)
    unit = currency.upper()

    def axis(value: float) -> str:
        return compact(value, currency)

    mrr = found.month_series(currency, "saved_mrr")
    projected = found.month_series(currency, "projected_saved_revenue")
    realized = found.month_series(currency, "realized_saved_revenue")
    first, last = names[0] + " " + years[0], found.months[-1].strftime("%b %Y")
    best = max(range(len(mrr)), key=lambda i: mrr[i]) if any(mrr) else None
    mrr_desc = f"Saved MRR in {unit} per month from {first} to {last}; " + (
        f"highest in {found.months[best].strftime('%B %Y')} at {money(mrr[best], currency)}."
        if best is not None
        else "no saves in this range."
    )
    total_projected, total_realized = sum(projected), sum(realized)
    revenue_desc = (
        f"Projected and realized saved revenue in {unit} per month from {first} to {last}: "
        f"{money(total_projected, currency)} projected, {money(total_realized, currency)} "
        "realized in all."
    )
    wide_mrr, narrow_mrr = _both(charts.columns, names, [mrr], y_text=axis, subs=years)
    wide_rev, narrow_rev = _both(
        charts.columns, names, [projected, realized], y_text=axis, subs=years
    )
    return [
        Chart(
            f"mrr-{currency}",
            f"Saved MRR by month ({unit})",
            mrr_desc,
            "columns",
            wide_mrr,
            narrow_mrr,
            ("Saved MRR",),
            unit,
        ),
        Chart(
            f"revenue-{currency}",
            f"Projected and realized saved revenue ({unit})",
            revenue_desc,
            "columns",
            wide_rev,
            narrow_rev,
            ("Projected", "Realized"),
            unit,
        ),
    ]


def breakdown_chart(
    found: Overview, group: str, currency: str, label: Callable[[str | None], str]
) -> Chart:
    """Projected saved revenue of each offer type (or reason category), largest first."""
    rows = found.breakdown(group, currency)
    labels = [label(r[group]) for r in rows]
    values = [r["projected_saved_revenue"] for r in rows]
    what = "offer type" if group == "offer_type" else "reason category"
    wide, narrow = _both(chart_rows.bars, labels, values, text=lambda v: money(int(v), currency))
    desc = "; ".join(
        f"{name}: {money(v, currency)}" for name, v in zip(labels, values, strict=True)
    )
    return Chart(
        f"{group}-{currency}",
        f"Projected saved revenue by {what} ({currency.upper()})",
        f"Projected saved revenue by {what}, largest first. {desc or 'No sessions.'}",
        "bars",
        wide,
        narrow,
    )


def deflection_chart(found: Overview) -> Chart:
    """The deflection rate month by month, over every currency's sessions."""
    names, years = charts.month_labels(found.months)
    rates = found.deflection_by_month()
    wide, narrow = _both(charts.line, names, rates, y_text=_rate, subs=years)
    known = [(m, r) for m, r in zip(found.months, rates, strict=True) if r is not None]
    desc = (
        "Deflection rate per month: "
        + "; ".join(f"{m.strftime('%b %Y')} {percent(r)}" for m, r in known)
        if known
        else "No decided sessions in this range."
    )
    return Chart("deflection", "Deflection rate by month", desc, "line", wide, narrow, (), "%")


def lift_chart(found: list[ExperimentLift]) -> Chart:
    """Each experiment's lift over its holdout with the 95% interval around it."""
    rows = [
        (
            e.experiment_key,
            e.lift.difference if e.lift else None,
            e.lift.low if e.lift else None,
            e.lift.high if e.lift else None,
            e.enough_data,
        )
        for e in found
    ]
    wide, narrow = _both(chart_rows.intervals, rows, x_text=lambda v: points(v, 0))
    parts = []
    for e in found:
        if e.enough_data and e.lift:
            parts.append(
                f"{e.experiment_key}: {points(e.lift.difference)} "
                f"(95% interval {points(e.lift.low)} to {points(e.lift.high)})"
            )
        else:
            parts.append(f"{e.experiment_key}: not enough data yet")
    return Chart(
        "lift",
        "Holdout lift in deflection rate, with 95% intervals",
        "Treated minus holdout deflection rate, in percentage points. " + "; ".join(parts),
        "intervals",
        wide,
        narrow,
    )
