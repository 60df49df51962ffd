"""Save cohorts: the saves of each month, how many were still subscribed k months later, and
the revenue they have paid against what was projected for them.

Read from the `report_cohorts` rollup, which holds each (month, currency) cohort's saves by
how many whole months their subscription lasted after the save (-1: not ended). A cohort can
only be read as far as it is old: a month-3 figure for last month's saves does not exist yet.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from saveflow.extensions import db
from saveflow.rollups.models import STILL_SUBSCRIBED, ReportCohort

# The retention table shows this many months after the save at most.
MAX_MONTHS = 12


@dataclass(frozen=True)
class Cohort:
    month: date  # the first day of the month the saves were made in
    currency: str
    saves: int
    saved_mrr: int
    projected_saved_revenue: int
    realized_saved_revenue: int
    # kept[k]: saves whose subscription was still on k whole months after the save.
    kept: tuple[int, ...]

    def share(self, k: int) -> float | None:
        return self.kept[k] / self.saves if self.saves and k < len(self.kept) else None

    @property
    def realized_share(self) -> float | None:
        """Realized revenue as a share of the projection (both in the cohort's currency)."""
        if not self.projected_saved_revenue:
            return None
        return self.realized_saved_revenue / self.projected_saved_revenue


def age_in_months(month: date, today: date) -> int:
    """Return how many whole months every save of `month` has had by `today` (at least 0)."""
    months = (today.year - month.year) * 12 + today.month - month.month - 1
    # A save on the month's last day is one month old only on the next month's last day.
    return max(months, 0)


def cohorts(
    app_id: str,
    start: date,
    end: date,
    today: date,
    mode: str = "live",
    currency: str | None = None,
) -> list[Cohort]:
    """Return the cohorts of the months from `start` to `end` (excluded), oldest first."""
    query = (
        select(
            ReportCohort.cohort_month,
            ReportCohort.currency,
            ReportCohort.months_kept,
            ReportCohort.saves,
            ReportCohort.saved_mrr,
            ReportCohort.projected_saved_revenue,
            ReportCohort.realized_saved_revenue,
        )
        .where(
            ReportCohort.app_id == app_id,
            ReportCohort.mode == mode,
            ReportCohort.cohort_month >= start.replace(day=1),
            ReportCohort.cohort_month < end,
            ReportCohort.saves != 0,
        )
        .order_by(ReportCohort.cohort_month, ReportCohort.currency)
    )
    if currency:
        query = query.where(ReportCohort.currency == currency.lower())
    found: dict[tuple[date, str], list] = {}
    for month, cur, kept, saves, mrr, projected, realized in db.session.execute(query):
        found.setdefault((month, cur), []).append((kept, saves, mrr, projected, realized))
    return [_cohort(month, cur, parts, today) for (month, cur), parts in found.items()]


def _cohort(month: date, currency: str, parts: list, today: date) -> Cohort:
    horizon = min(age_in_months(month, today), MAX_MONTHS)
    kept = tuple(
        sum(saves for months, saves, *_ in parts if months == STILL_SUBSCRIBED or months >= k)
        for k in range(horizon + 1)
    )
    return Cohort(
        month=month,
        currency=currency,
        saves=sum(p[1] for p in parts),
        saved_mrr=sum(p[2] for p in parts),
        projected_saved_revenue=sum(p[3] for p in parts),
        realized_saved_revenue=sum(p[4] for p in parts),
        kept=kept,
    )
