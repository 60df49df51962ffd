"""The report's measures over either source: the daily rollups or the sessions table itself.

Both give the same columns under the same names, so a report can be read from the rollups
(fast) and checked against the sessions (exact) by one query shape; the rebuild inserts the
sessions' aggregate into the rollups.
"""

from typing import Any

from sqlalchemy import Date, case, cast, func, literal_column
from sqlalchemy.sql.elements import ColumnElement

from saveflow.rollups.models import COHORT_VALUES, DAY_VALUES, ReportCohort, ReportDay
from saveflow.sessions.models import SAVES, Session

# Literals, not parameters: PostgreSQL matches GROUP BY expressions by their text.
_NONE: ColumnElement[str] = literal_column("''")

# Group keys as the rollups store them: "" for none.
_SESSION_KEYS: dict[str, Any] = {
    "app_id": Session.app_id,
    "mode": Session.mode,
    "day": Session.report_day,
    "currency": Session.currency,
    "offer_key": func.coalesce(Session.shown_offer_key, _NONE),
    "offer_type": func.coalesce(Session.shown_offer_type, _NONE),
    "reason_category": func.coalesce(Session.reason_category, _NONE),
    "plan": func.coalesce(Session.plan, _NONE),
    "experiment_key": func.coalesce(Session.experiment_key, _NONE),
    "variant": func.coalesce(Session.variant, _NONE),
}


def _when(test, value) -> ColumnElement:
    return func.sum(case((test, value), else_=0))


def _is_save():
    return Session.outcome.in_(SAVES)


def session_keys() -> dict[str, Any]:
    return dict(_SESSION_KEYS)


def session_measures() -> dict[str, ColumnElement]:
    """Return each rollup value as an aggregate over decided sessions."""
    save = _is_save()
    projected = func.coalesce(Session.projected_revenue_cut, Session.projected_revenue, 0)
    measures: dict[str, ColumnElement] = {"sessions": func.count()}
    for outcome in ("saved", "withdrawn", "cancelled", "recovered", "abandoned"):
        measures[outcome] = _when(Session.outcome == outcome, 1)
    for status in ("pending", "confirmed", "boomerang"):
        measures[status] = _when(save & (Session.save_status == status), 1)
    measures["saved_mrr"] = _when(save, func.coalesce(Session.saved_mrr, 0))
    measures["projected_saved_revenue"] = _when(save, projected)
    measures["offer_cost"] = _when(save, func.coalesce(Session.offer_cost, 0))
    measures["realized_saved_revenue"] = _when(save, Session.realized_revenue)
    assert tuple(measures) == DAY_VALUES
    return measures


def rollup_keys() -> dict[str, Any]:
    return {name: getattr(ReportDay, name) for name in _SESSION_KEYS}


def rollup_measures() -> dict[str, ColumnElement]:
    return {name: func.sum(getattr(ReportDay, name)) for name in DAY_VALUES}


def month_start(column, dialect: str) -> ColumnElement:
    """Return the first day of `column`'s month, as a date, in either database."""
    if dialect == "postgresql":
        return cast(func.date_trunc(literal_column("'month'"), column), Date)
    return func.date(column, literal_column("'start of month'"))


def cohort_session_measures() -> dict[str, ColumnElement]:
    projected = func.coalesce(Session.projected_revenue_cut, Session.projected_revenue, 0)
    measures: dict[str, ColumnElement] = {
        "saves": func.count(),
        "saved_mrr": func.sum(func.coalesce(Session.saved_mrr, 0)),
        "projected_saved_revenue": func.sum(projected),
        "realized_saved_revenue": func.sum(Session.realized_revenue),
    }
    assert tuple(measures) == COHORT_VALUES
    return measures


def cohort_rollup_measures() -> dict[str, ColumnElement]:
    return {name: func.sum(getattr(ReportCohort, name)) for name in COHORT_VALUES}
