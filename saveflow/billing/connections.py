"""Connect an app to its billing provider per mode, and read those connections back."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from saveflow.billing.models import BillingConnection
from saveflow.extensions import db


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
