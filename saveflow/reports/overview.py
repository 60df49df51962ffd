"""Everything the finance reports page shows for one choice of filters, read from the rollups.

Each figure comes from `saveflow.reports.saved_revenue.rows`, `cohorts` or `lifts`: a handful of
aggregates over days × groups, never a walk over sessions. Money stays per currency; only counts
(sessions and outcomes) are ever added up across currencies, for the deflection rate by month.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import distinct, select

from saveflow.extensions import db
from saveflow.reports.cohorts import Cohort, cohorts
from saveflow.reports.experiments import ExperimentLift, lifts
from saveflow.reports.months import add_months
from saveflow.reports.saved_revenue import ReportQuery, deflection_rate, rows
from saveflow.rollups.models import ReportDay

# Filter name (as `ReportQuery.filters` takes it) -> the rollup column its choices come from.
CHOICE_COLUMNS = {
    "currency": ReportDay.currency,
    "offer_type": ReportDay.offer_type,
    "reason_category": ReportDay.reason_category,
    "plan": ReportDay.plan,
    "experiment": ReportDay.experiment_key,
    "variant": ReportDay.variant,
}


def months_from(start: date, end: date) -> list[date]:
    """Return the first day of every month from `start`'s to the one before `end` (excluded)."""
    found, month = [], start.replace(day=1)
    while month < end:
        found.append(month)
        month = add_months(month, 1)
    return found


def choices(app_id: str, mode: str) -> dict[str, list[str]]:
    """Return the values each filter can take in this app and mode ("" stands for none)."""
    found = {}
    for name, column in CHOICE_COLUMNS.items():
        query = (
            select(distinct(column))
            .where(ReportDay.app_id == app_id, ReportDay.mode == mode, ReportDay.sessions != 0)
            .order_by(column)
        )
        found[name] = list(db.session.scalars(query))
    return found


@dataclass(frozen=True)
class Overview:
    query: ReportQuery
    months: list[date]
    totals: list[dict]  # one row per currency
    by_month: list[dict]
    by_offer_type: list[dict]
    by_reason: list[dict]
    cohorts: list[Cohort]
    lifts: list[ExperimentLift]
    _month_rows: dict[tuple[str, str], dict] = field(default_factory=dict, repr=False)

    @property
    def currencies(self) -> list[str]:
        return [row["currency"] for row in self.totals]

    def total(self, currency: str) -> dict:
        return next(row for row in self.totals if row["currency"] == currency)

    def month_series(self, currency: str, column: str) -> list[int]:
        """Return a column of one currency for every month of the range (0 for an empty one)."""
        return [
            self._month_rows.get((m.strftime("%Y-%m"), currency), {}).get(column) or 0
            for m in self.months
        ]

    def deflection_by_month(self) -> list[float | None]:
        """Return each month's deflection rate over every currency's sessions (None: none)."""
        rates = []
        for month in self.months:
            key = month.strftime("%Y-%m")
            found = [row for row in self.by_month if row["month"] == key]
            rate = deflection_rate(
                sum(r["saved"] for r in found),
                sum(r["withdrawn"] for r in found),
                sum(r["cancelled"] for r in found),
            )
            rates.append(None if rate is None else float(rate))
        return rates

    def breakdown(self, group: str, currency: str) -> list[dict]:
        """Return one currency's rows of a breakdown, the largest projected revenue first."""
        found = self.by_offer_type if group == "offer_type" else self.by_reason
        mine = [row for row in found if row["currency"] == currency]
        return sorted(mine, key=lambda r: (-r["projected_saved_revenue"], -r["sessions"]))

    def cohorts_of(self, currency: str) -> list[Cohort]:
        return [c for c in self.cohorts if c.currency == currency]


def overview(
    app_id: str,
    start: date,
    end: date,
    today: date,
    *,
    mode: str = "live",
    currency: str | None = None,
    filters: Mapping[str, str] | None = None,
) -> Overview:
    """Return the figures of the reports page for local days from `start` to `end` (excluded).

    Cohorts and experiment lifts follow the dates, mode and currency only: their rollups are
    not kept per offer, reason or plan.
    """
    filters = dict(filters or {})

    def report(*group_by: str) -> list[dict]:
        query = ReportQuery(app_id, start, end, group_by, currency, mode, filters)
        return rows(query)

    by_month = report("month")
    experiment = filters.get("experiment")
    found_lifts = [
        lift
        for lift in lifts(app_id, start, end, mode)
        if not experiment or lift.experiment_key == experiment
    ]
    return Overview(
        query=ReportQuery(app_id, start, end, (), currency, mode, filters),
        months=months_from(start, end),
        totals=report(),
        by_month=by_month,
        by_offer_type=report("offer_type"),
        by_reason=report("reason_category"),
        cohorts=cohorts(app_id, start, end, today, mode, currency),
        lifts=found_lifts,
        _month_rows={(row["month"], row["currency"]): row for row in by_month},
    )
