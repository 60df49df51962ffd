"""The sessions list's filters as one query, so a report figure and its sessions always agree.

The report filters match the columns the rollups are keyed by (report day in the app's report
time zone, currency, the offer shown and its type, reason category, plan, experiment, variant):
a report row's link names its keys, and this query selects exactly the sessions counted in it.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, or_, select

from saveflow.extensions import db
from saveflow.reports import sources
from saveflow.sessions.models import SAVES, Session

# A filter value that selects sessions without the thing (no offer shown, no experiment …): a
# report row's "none" group. Keys of offers, categories and plans never contain parentheses.
NONE = "(none)"
# Outcome filters beyond the outcomes themselves: what a report row counts.
OUTCOME_GROUPS = {
    "open": Session.outcome.is_(None),
    "decided": Session.outcome.is_not(None),
    "saves": Session.outcome.in_(SAVES),
}


@dataclass(frozen=True)
class SessionFilters:
    q: str = ""
    outcome: str = ""
    save_status: str = ""
    reason: str = ""
    offer: str = ""  # the accepted offer
    mode: str = ""
    since: date | None = None  # started on or after (UTC)
    until: date | None = None  # started on or before (UTC)
    report_from: date | None = None  # decided on or after this local day
    report_to: date | None = None  # decided on or before this local day
    currency: str = ""
    shown_offer: str = ""
    offer_type: str = ""
    reason_category: str = ""
    plan: str = ""
    experiment: str = ""
    variant: str = ""

    @property
    def by_report(self) -> bool:
        """Whether any filter a report's link sets is on."""
        return any(
            (
                self.report_from,
                self.report_to,
                self.currency,
                self.shown_offer,
                self.offer_type,
                self.reason_category,
                self.plan,
                self.save_status,
            )
        )


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


# Filter -> the session column it matches; NONE matches a null column.
_KEYED = {
    "shown_offer": Session.shown_offer_key,
    "offer_type": Session.shown_offer_type,
    "reason_category": Session.reason_category,
    "plan": Session.plan,
    "experiment": Session.experiment_key,
    "variant": Session.variant,
}


def select_sessions(app_id: str, f: SessionFilters) -> Select:
    """Return the app's sessions the filters let through (unordered)."""
    query = select(Session).where(Session.app_id == app_id)
    if f.q:
        query = query.where(
            or_(Session.customer == f.q, Session.id == f.q, Session.subscription == f.q)
        )
    if f.outcome in OUTCOME_GROUPS:
        query = query.where(OUTCOME_GROUPS[f.outcome])
    elif f.outcome:
        query = query.where(Session.outcome == f.outcome)
    if f.save_status:
        query = query.where(Session.outcome.in_(SAVES), Session.save_status == f.save_status)
    if f.reason:
        query = query.where(Session.reason_key == f.reason)
    if f.offer:
        query = query.where(Session.accepted_offer_key == f.offer)
    if f.mode:
        query = query.where(Session.mode == f.mode)
    if f.since:
        query = query.where(Session.created_at >= _day_start(f.since))
    if f.until:
        query = query.where(Session.created_at < _day_start(f.until + timedelta(days=1)))
    if f.report_from:
        query = query.where(Session.report_day >= f.report_from)
    if f.report_to:
        query = query.where(Session.report_day <= f.report_to)
    if f.currency:
        query = query.where(Session.currency == f.currency.lower())
    for name, column in _KEYED.items():
        value = getattr(f, name)
        if value == NONE:
            query = query.where(column.is_(None))
        elif value:
            query = query.where(column == value)
    return query


def money_totals(app_id: str, f: SessionFilters) -> list[dict]:
    """Return, per currency, the report's measures over the filtered sessions (decided only)."""
    listed = select_sessions(app_id, f).where(Session.outcome.is_not(None)).subquery()
    measures = sources.session_measures()
    query = (
        select(Session.currency, *(m.label(n) for n, m in measures.items()))
        .where(Session.app_id == app_id, Session.id.in_(select(listed.c.id)))
        .group_by(Session.currency)
        .order_by(Session.currency)
    )
    return [dict(row._mapping) for row in db.session.execute(query)]
