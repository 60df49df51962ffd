"""Take the seeded demo history out again: its sessions, their events and acceptances, and the
billing rows of their subscriptions. Sessions that real visitors of `/demo` made stay.

The session log is append-only: a trigger refuses every DELETE on `session_events`. Seeded
events record nothing that happened, so a reset lifts that one trigger inside its own
transaction, deletes only the seeded sessions' events, and restores the trigger before it
commits. No other transaction ever sees the table unguarded: PostgreSQL's DDL is transactional
(and the ALTER locks the table until the commit), and SQLite holds its write lock throughout. If
anything fails on the way, the caller's rollback restores the trigger along with everything else.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import delete, select, text

from saveflow.billing.models import PaidInvoice, SubscriptionState
from saveflow.demo.history import is_seeded, seeded_count
from saveflow.extensions import db
from saveflow.offers.models import OfferAcceptance
from saveflow.reports import rebuild
from saveflow.sessions.models import Session, SessionEvent

GUARD = "guard_session_events_delete"  # made by the initial migration


@contextmanager
def _delete_guard_lifted() -> Iterator[None]:
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text(f"ALTER TABLE session_events DISABLE TRIGGER {GUARD}"))
        yield
        db.session.execute(text(f"ALTER TABLE session_events ENABLE TRIGGER {GUARD}"))
        return
    found = text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :name")
    definition = db.session.scalar(found, {"name": GUARD})
    if definition:
        db.session.execute(text(f"DROP TRIGGER {GUARD}"))
    yield
    if definition:
        db.session.execute(text(definition))


def reset(app_id: str) -> int:
    """Delete the app's seeded history and rebuild its rollups (commits); return the sessions."""
    removed = seeded_count(app_id)
    seeded = (Session.app_id == app_id, is_seeded())
    ids = select(Session.id).where(*seeded).scalar_subquery()
    subscriptions = select(Session.subscription).where(*seeded).scalar_subquery()
    with _delete_guard_lifted():
        db.session.execute(
            delete(SessionEvent).where(
                SessionEvent.app_id == app_id, SessionEvent.session_id.in_(ids)
            )
        )
    db.session.execute(
        delete(OfferAcceptance).where(
            OfferAcceptance.app_id == app_id, OfferAcceptance.session_id.in_(ids)
        )
    )
    db.session.execute(
        delete(PaidInvoice).where(
            PaidInvoice.app_id == app_id, PaidInvoice.subscription.in_(subscriptions)
        )
    )
    db.session.execute(
        delete(SubscriptionState).where(
            SubscriptionState.app_id == app_id, SubscriptionState.subscription.in_(subscriptions)
        )
    )
    db.session.execute(delete(Session).where(*seeded))
    rebuild.rebuild([app_id])
    return removed
