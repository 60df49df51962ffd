"""Connect an app to its billing provider per mode, and read those connections back."""

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from saveflow.billing.models import BillingConnection
from saveflow.extensions import db

# Secret or restricted keys of the right mode, and Stripe's webhook signing secrets.
KEY_PATTERN = {
    "test": re.compile(r"^(sk|rk)_test_[A-Za-z0-9]{8,}$"),
    "live": re.compile(r"^(sk|rk)_live_[A-Za-z0-9]{8,}$"),
}
WEBHOOK_SECRET = re.compile(r"^whsec_[A-Za-z0-9+/=]{8,}$")


def masked(key: str) -> str:
    """Return a key as it may be shown: its kind and last four characters."""
    return f"{key[:8]}…{key[-4:]}"


def key_problem(mode: str, secret_key: str) -> str | None:
    """Say what is wrong with a Stripe secret key for a mode, or None when it looks right."""
    if KEY_PATTERN[mode].match(secret_key):
        return None
    return f"That is not a Stripe {mode}-mode secret key (sk_{mode}_… or rk_{mode}_…)."


def webhook_secret_problem(webhook_secret: str) -> str | None:
    """Say what is wrong with a Stripe webhook signing secret, or None when it looks right."""
    if WEBHOOK_SECRET.match(webhook_secret):
        return None
    return "That is not a Stripe webhook signing secret (whsec_…)."


@dataclass(frozen=True)
class Connection:
    """An app's provider keys in one mode, as the providers use them (read-only)."""

    provider: str
    mode: str
    secret_key: str
    webhook_secret: str


def load_connections(app_id: str) -> dict[str, Connection]:
    """Return the app's connections by mode."""
    rows = db.session.scalars(select(BillingConnection).where(BillingConnection.app_id == app_id))
    return {
        row.mode: Connection(row.provider, row.mode, row.secret_key, row.webhook_secret)
        for row in rows
    }


def connect(
    app_id: str, mode: str, provider: str, secret_key: str, webhook_secret: str, now: datetime
) -> bool:
    """Store (or replace) the app's keys for a mode; return whether a connection was replaced."""
    row = db.session.get(BillingConnection, (app_id, mode))
    replaced = row is not None
    if row is None:
        row = BillingConnection(app_id=app_id, mode=mode, created_at=now)
        db.session.add(row)
    row.provider, row.secret_key, row.webhook_secret = provider, secret_key, webhook_secret
    row.updated_at = now
    return replaced


def disconnect(app_id: str, mode: str) -> Connection | None:
    """Forget the app's keys for a mode; return the connection that was removed, if any."""
    row = db.session.get(BillingConnection, (app_id, mode))
    if row is None:
        return None
    gone = Connection(row.provider, row.mode, row.secret_key, row.webhook_secret)
    db.session.delete(row)
    return gone
