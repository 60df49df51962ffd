"""The reads the session calls make, each built once: the app with a token's earlier session,
a session by token, and a customer's offer history as a column of the session's own read."""

from datetime import UTC, datetime
from functools import cache

from sqlalchemy import JSON, bindparam, func, select, type_coerce
from sqlalchemy.orm import aliased

from saveflow.apps.models import App
from saveflow.extensions import db
from saveflow.offers.models import OfferAcceptance
from saveflow.sessions import tokens
from saveflow.sessions.models import Session
from saveflow.sessions.setup_cache import app_at


@cache
def _app_and_replay_query():
    # Built once: constructing an aliased ORM select costs more than running it.
    earlier = aliased(Session)
    newest = (
        select(earlier.id)
        .where(earlier.app_id == App.id, earlier.token_digest == bindparam("digest"))
        .order_by(earlier.created_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    # Only the app's stamp (its row comes from the process cache) and the replay's id (a replay
    # is rare): every column fetched and object built costs on every start.
    return select(App.config_version, newest).where(App.id == bindparam("app_id"))


def app_and_replay(app_id: str, token: str) -> tuple[App | None, Session | None]:
    """Return the app and the newest session this customer token started (one query for new
    tokens, a second only for a token that started a session before).

    The token is not verified yet (that needs the app's secret); `start` verifies it before it
    ever replays the session found here.
    """
    digest = tokens.digest(token) if isinstance(token, str) else ""
    row = db.session.execute(_app_and_replay_query(), {"app_id": app_id, "digest": digest}).first()
    if row is None:
        return None, None
    config_version, earlier_id = row
    app = app_at(app_id, config_version)
    return app, db.session.get(Session, earlier_id) if earlier_id else None


def latest_session_for(app_id: str, digest: str) -> Session | None:
    """Return the newest session a customer token started, if any."""
    return db.session.scalar(
        select(Session)
        .where(Session.app_id == app_id, Session.token_digest == digest)
        .order_by(Session.created_at.desc())
        .limit(1)
    )


def offer_history_column(dialect: str):
    """Return a column, correlated to the session row, of offer type → when this customer last
    accepted an offer of that type (JSON), so the session's read brings it along."""
    # The grouping runs uncorrelated (a derived table cannot see the outer row); the WHERE on
    # its grouping columns is pushed down by PostgreSQL and SQLite alike.
    latest = (
        select(
            OfferAcceptance.app_id,
            OfferAcceptance.customer,
            OfferAcceptance.mode,
            OfferAcceptance.offer_type,
            func.max(OfferAcceptance.accepted_at).label("at"),
        )
        .group_by(
            OfferAcceptance.app_id,
            OfferAcceptance.customer,
            OfferAcceptance.mode,
            OfferAcceptance.offer_type,
        )
        .subquery()
    )
    aggregate = func.json_object_agg if dialect == "postgresql" else func.json_group_object
    per_type = select(aggregate(latest.c.offer_type, latest.c.at)).where(
        latest.c.app_id == Session.app_id,
        latest.c.customer == Session.customer,
        latest.c.mode == Session.mode,
    )
    return type_coerce(per_type.scalar_subquery(), JSON).label("offer_history")


def parse_offer_history(raw: dict | None) -> dict[str, datetime]:
    """Turn the JSON of `offer_history_column` into offer type → aware UTC datetime."""
    history = {}
    for offer_type, at in (raw or {}).items():
        moment = datetime.fromisoformat(at)
        history[offer_type] = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return history
