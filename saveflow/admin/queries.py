"""Read-only queries behind the admin's lists; plain values in, rows out (no Flask)."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, func, or_, select

from saveflow.admin.session_query import SessionFilters, select_sessions
from saveflow.apps.models import AuditEntry
from saveflow.extensions import db
from saveflow.messaging.models import Delivery, DeliveryAttempt, WebhookEndpoint
from saveflow.reasons.classify import REVIEW_BELOW
from saveflow.reasons.models import LabelledComment
from saveflow.sessions.models import Session, SessionEvent

PER_PAGE = 50


@dataclass(frozen=True)
class Page:
    """One page of a list, and whether there are pages either side."""

    items: list[Any]
    page: int
    total: int
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def _page(query: Select, page: int, per_page: int = PER_PAGE) -> Page:
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    page = max(1, page)
    items = list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return Page(items, page, total or 0, per_page)


def audit_page(app_id: str, actor: str = "", action: str = "", page: int = 1) -> Page:
    """Return an app's audit entries, newest first, filtered by actor and action prefix."""
    query = select(AuditEntry).where(AuditEntry.app_id == app_id)
    if actor:
        query = query.where(AuditEntry.actor == actor)
    if action:
        query = query.where(AuditEntry.action.startswith(action, autoescape=True))
    return _page(query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()), page)


def sessions_page(app_id: str, filters: SessionFilters, page: int = 1) -> Page:
    """Return an app's sessions, newest first, narrowed by the filters given."""
    query = select_sessions(app_id, filters)
    return _page(query.order_by(Session.created_at.desc(), Session.id.desc()), page)


def session_with_events(app_id: str, session_id: str) -> tuple[Session, list[SessionEvent]] | None:
    """Return one of an app's sessions and its events in order, or None."""
    found = db.session.scalar(
        select(Session).where(Session.app_id == app_id, Session.id == session_id)
    )
    if found is None:
        return None
    events = db.session.scalars(
        select(SessionEvent)
        .where(SessionEvent.app_id == app_id, SessionEvent.session_id == session_id)
        .order_by(SessionEvent.seq)
    )
    return found, list(events)


def _unclassified(app_id: str, q: str = "", show: str = "open") -> Select:
    labelled = (
        select(LabelledComment.id)
        .where(LabelledComment.app_id == Session.app_id, LabelledComment.session_id == Session.id)
        .exists()
    )
    unsure = and_(
        Session.classification["source"].as_string() == "text",
        Session.classification["confidence"].as_float() < REVIEW_BELOW,
    )
    query = select(Session).where(
        Session.app_id == app_id,
        or_(Session.classification["category"].as_string() == "other", unsure),
        func.trim(Session.comment) != "",
    )
    if show == "open":
        query = query.where(~labelled)
    elif show == "mapped":
        query = query.where(labelled)
    if q:
        query = query.where(Session.comment.icontains(q, autoescape=True))
    return query


def unclassified_page(app_id: str, q: str = "", show: str = "open", page: int = 1) -> Page:
    """Return sessions whose comment the classifier left in `other` or placed with a confidence
    below `REVIEW_BELOW`, newest first.

    `show` is "open" (not yet mapped by the team), "mapped" or "all"; `q` searches the comment.
    """
    query = _unclassified(app_id, q, show).order_by(Session.created_at.desc(), Session.id.desc())
    return _page(query, page, per_page=25)


def unclassified_count(app_id: str) -> int:
    """Return how many unplaced or unsure comments nobody has mapped yet."""
    query = _unclassified(app_id).order_by(None).subquery()
    return db.session.scalar(select(func.count()).select_from(query)) or 0


def reason_used(app_id: str, key: str) -> bool:
    """Tell whether any session of the app answered with this reason."""
    found = select(Session.id).where(Session.app_id == app_id, Session.reason_key == key)
    return bool(db.session.scalar(select(found.exists())))


def _deliveries(app_id: str, channel: str = "", event: str = "") -> Select:
    query = select(Delivery).where(Delivery.app_id == app_id)
    if channel:
        query = query.where(Delivery.channel == channel)
    if event:
        query = query.where(Delivery.event == event)
    return query


def deliveries_page(
    app_id: str, status: str = "", channel: str = "", event: str = "", page: int = 1
) -> Page:
    """Return an app's outbox, newest first, narrowed by status, channel and event."""
    query = _deliveries(app_id, channel, event)
    if status:
        query = query.where(Delivery.status == status)
    return _page(query.order_by(Delivery.created_at.desc(), Delivery.id.desc()), page)


def delivery_counts(app_id: str, channel: str = "", event: str = "") -> dict[str, int]:
    """Return how many of the app's messages are in each status (under the same filters)."""
    query = _deliveries(app_id, channel, event).subquery()
    rows = db.session.execute(select(query.c.status, func.count()).group_by(query.c.status))
    return {status: count for status, count in rows.tuples()}


def endpoints_of(app_id: str) -> dict[str, WebhookEndpoint]:
    """Return an app's webhook endpoints by id, removed or not (an app has a handful)."""
    rows = db.session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.app_id == app_id))
    return {row.id: row for row in rows}


def delivery_with_attempts(
    app_id: str, delivery_id: str
) -> tuple[Delivery, list[DeliveryAttempt]] | None:
    """Return one of an app's messages and its attempts, oldest first, or None."""
    found = db.session.scalar(
        select(Delivery).where(Delivery.app_id == app_id, Delivery.id == delivery_id)
    )
    if found is None:
        return None
    attempts = db.session.scalars(
        select(DeliveryAttempt)
        .where(DeliveryAttempt.delivery_id == delivery_id)
        .order_by(DeliveryAttempt.at, DeliveryAttempt.id)
    )
    return found, list(attempts)


def session_currencies(app_id: str, limit: int = 12) -> list[str]:
    """Return the currencies of an app's sessions, the most used first."""
    count = func.count().label("n")
    rows = db.session.execute(
        select(Session.currency, count)
        .where(Session.app_id == app_id, Session.currency.is_not(None))
        .group_by(Session.currency)
        .order_by(count.desc(), Session.currency)
        .limit(limit)
    )
    return [currency.lower() for currency, _n in rows.tuples() if currency]
