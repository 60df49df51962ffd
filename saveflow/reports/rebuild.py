"""Write an app's rollups afresh from its sessions: after a change of report time zone, after a
restore, or whenever finance wants the rollups proven equal to the sessions again.

Each app is rebuilt in one transaction (its rows deleted, then inserted by one aggregate per
month of sessions), so a report never reads half a rebuild. Concurrent decisions wait for the
app's rows like any other writer of them.
"""

from collections.abc import Callable
from datetime import date

from sqlalchemy import delete, func, insert, literal_column, select, text, update

from saveflow.apps.models import App
from saveflow.extensions import db
from saveflow.reports import sources
from saveflow.rollups import ledger
from saveflow.rollups.models import (
    COHORT_KEYS,
    COHORT_VALUES,
    DAY_KEYS,
    DAY_VALUES,
    ReportCohort,
    ReportDay,
)
from saveflow.sessions.models import SAVES, Session


def months_of(app_id: str) -> list[date]:
    """Return the first day of every month the app has decided sessions in."""
    first, last = db.session.execute(
        select(func.min(Session.report_day), func.max(Session.report_day)).where(
            Session.app_id == app_id, Session.outcome.is_not(None)
        )
    ).one()
    if first is None:
        return []
    first, last = _as_date(first), _as_date(last)
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = _next_month(month)
    return months


def _next_month(month: date) -> date:
    return (
        month.replace(year=month.year + 1, month=1)
        if month.month == 12
        else month.replace(month=month.month + 1)
    )


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def restamp_days(app: App, batch: int = 5000) -> None:
    """Give the app's decided sessions their day in its current report time zone."""
    zone = ledger.timezone_of(app.settings)
    if db.session.get_bind().dialect.name == "postgresql":
        day = func.date(func.timezone(zone.key, Session.outcome_at))
        db.session.execute(
            update(Session)
            .where(Session.app_id == app.id, Session.outcome.is_not(None))
            # Only the days that move: report_day is indexed, so rewriting every row would copy
            # the table and all its indexes even when the time zone has not changed.
            .where(Session.report_day.is_distinct_from(day))
            .values(report_day=day)
            .execution_options(synchronize_session=False)
        )
        return
    # SQLite knows no time zones: the days are worked out here, a batch at a time.
    after = ""
    while True:
        found = db.session.execute(
            select(Session.id, Session.outcome_at)
            .where(Session.app_id == app.id, Session.outcome.is_not(None), Session.id > after)
            .order_by(Session.id)
            .limit(batch)
        ).all()
        if not found:
            return
        db.session.execute(
            update(Session),
            [{"id": sid, "report_day": ledger.local_day(at, zone)} for sid, at in found],
        )
        after = found[-1][0]


def rebuild_app(app: App, progress: Callable[[int], object] | None = None) -> int:
    """Rebuild one app's rollups (the caller commits); return how many months it covered."""
    if db.session.get_bind().dialect.name == "postgresql":
        # Each statement here reads up to a month of an app's sessions: far longer than the
        # statement timeout meant for requests, which is lifted for this transaction only.
        db.session.execute(text("SET LOCAL statement_timeout = 0"))
    restamp_days(app)
    db.session.execute(delete(ReportDay).where(ReportDay.app_id == app.id))
    db.session.execute(delete(ReportCohort).where(ReportCohort.app_id == app.id))
    dialect = db.session.get_bind().dialect.name
    keys, measures = sources.session_keys(), sources.session_measures()
    months = months_of(app.id)
    for month in months:
        days = (
            select(*(keys[name] for name in DAY_KEYS), *measures.values())
            .where(
                Session.app_id == app.id,
                Session.outcome.is_not(None),
                Session.report_day >= month,
                Session.report_day < _next_month(month),
            )
            .group_by(*(keys[name] for name in DAY_KEYS))
        )
        db.session.execute(insert(ReportDay).from_select([*DAY_KEYS, *DAY_VALUES], days))
        if progress:
            progress(1)
    cohort = sources.month_start(Session.report_day, dialect)
    # Sessions written before a save had its months (or by hand) count as still subscribed.
    kept = func.coalesce(Session.months_kept, literal_column(str(ledger.STILL_SUBSCRIBED)))
    cohorts = (
        select(
            Session.app_id,
            Session.mode,
            cohort,
            Session.currency,
            kept,
            *sources.cohort_session_measures().values(),
        )
        .where(Session.app_id == app.id, Session.outcome.in_(SAVES))
        .group_by(
            Session.app_id,
            Session.mode,
            cohort,
            Session.currency,
            kept,
        )
    )
    db.session.execute(insert(ReportCohort).from_select([*COHORT_KEYS, *COHORT_VALUES], cohorts))
    return len(months)


def rebuild(
    app_ids: list[str] | None = None,
    progress: Callable[[int], object] | None = None,
) -> dict[str, int]:
    """Rebuild the rollups of the given apps (all by default), one commit per app."""
    query = select(App).order_by(App.created_at)
    if app_ids:
        query = query.where(App.id.in_(app_ids))
    done = {}
    for app in db.session.scalars(query).all():
        done[app.id] = rebuild_app(app, progress)
        db.session.commit()
    return done


def total_months(app_ids: list[str] | None = None) -> int:
    """Return how many months a rebuild will walk (for its progress bar)."""
    query = select(App.id)
    if app_ids:
        query = query.where(App.id.in_(app_ids))
    return sum(len(months_of(app_id)) for app_id in db.session.scalars(query).all())
