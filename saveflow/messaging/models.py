"""The outbox (every email and webhook saveflow owes someone), its attempts, webhook endpoints
and the worker's periodic jobs."""

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from saveflow.crypto import EncryptedText
from saveflow.db import JSONType, UTCDateTime, new_id, utcnow
from saveflow.extensions import Model

CHANNELS = ("email", "webhook")
# pending: due now or later; delivered: done; dead: gave up (24 h of failures, or refused for
# good); skipped: nothing to send to (an email with no known address).
STATUSES = ("pending", "delivered", "dead", "skipped")
ENDPOINT_KINDS = ("json", "slack")
WEBHOOK_EVENTS = ("session.completed", "offer.accepted", "session.alert")
EMAIL_KINDS = ("cancel_receipt", "offer_accepted", "cs_alert", "payment_recovery", "finance_digest")


def new_secret() -> str:
    """Return a fresh webhook signing secret."""
    import secrets

    return f"whsec_{secrets.token_urlsafe(32)}"


class WebhookEndpoint(Model):
    """Where an app's outbound events go: a signed JSON receiver, or a Slack incoming webhook."""

    __tablename__ = "webhook_endpoints"
    __table_args__ = (
        UniqueConstraint("app_id", "id"),
        CheckConstraint("kind IN ('json', 'slack')", name="kind"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("whe"))
    app_id: Mapped[str] = mapped_column(ForeignKey("apps.id"))
    url: Mapped[str] = mapped_column(String(2000))
    kind: Mapped[str] = mapped_column(String(8), default="json")
    # Signs every body sent here; stored encrypted, shown once when made.
    secret: Mapped[str] = mapped_column(EncryptedText, default=new_secret)
    events: Mapped[list] = mapped_column(JSONType, default=lambda: list(WEBHOOK_EVENTS))
    description: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Delivery(Model):
    """One message owed: written in the transaction of the change that causes it, then claimed,
    sent and settled by a worker. Its id is the delivery id receivers de-duplicate on."""

    __tablename__ = "deliveries"
    __table_args__ = (
        # The same cause never queues the same message twice (a retried request, a re-run job).
        UniqueConstraint("app_id", "dedupe_key"),
        CheckConstraint("channel IN ('email', 'webhook')", name="channel"),
        CheckConstraint(
            "status IN ('pending', 'delivered', 'dead', 'skipped')", name="status"
        ),
        CheckConstraint("channel <> 'webhook' OR endpoint_id IS NOT NULL", name="webhook_target"),
        ForeignKeyConstraint(
            ["app_id", "endpoint_id"],
            ["webhook_endpoints.app_id", "webhook_endpoints.id"],
            name="fk_deliveries_endpoint_same_app",
        ),
        # What a worker claims: pending rows by due time.
        Index(
            "ix_deliveries_due",
            "next_attempt_at",
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
        Index("ix_deliveries_app_created", "app_id", "created_at"),
        Index("ix_deliveries_session", "session_id"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("dlv"))
    app_id: Mapped[str] = mapped_column(ForeignKey("apps.id"))
    channel: Mapped[str] = mapped_column(String(8))
    # `session.completed`, `offer.accepted`, `session.alert` for webhooks; the email's kind.
    event: Mapped[str] = mapped_column(String(40))
    dedupe_key: Mapped[str] = mapped_column(String(200))
    endpoint_id: Mapped[str | None] = mapped_column(String(40))
    session_id: Mapped[str | None] = mapped_column(String(40))
    mode: Mapped[str] = mapped_column(String(8), default="live")
    # Email: the address, or None to ask the billing provider for the customer's at send time.
    recipient: Mapped[str | None] = mapped_column(String(320))
    # Webhook: {"body": the exact JSON text signed and sent on every attempt}. Email:
    # {"subject", "html", "text", "locale", "customer", "attachments": [...]}.
    payload: Mapped[dict] = mapped_column(JSONType)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A worker holds a claimed row until then; one that dies mid-send lets it fall due again.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Failures past this time dead-letter the message (24 h after queueing, or a hand retry).
    give_up_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    # How it went out: "sendgrid", "log" (no API key: kept here for the admin), "http".
    backend: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DeliveryAttempt(Model):
    """One try at sending a delivery, with what the other side answered."""

    __tablename__ = "delivery_attempts"
    __table_args__ = (Index("ix_delivery_attempts_delivery", "delivery_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[str] = mapped_column(ForeignKey("deliveries.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ok: Mapped[bool] = mapped_column(Boolean)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
    worker: Mapped[str] = mapped_column(String(120))


class WorkerJob(Model):
    """A periodic job's next due time; whichever worker moves it forward first runs the job."""

    __tablename__ = "worker_jobs"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    next_run_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_result: Mapped[str | None] = mapped_column(Text)
