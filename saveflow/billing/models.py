"""Billing rows: an app's provider connection per mode, and what billing told us by webhook."""

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from saveflow.crypto import EncryptedText
from saveflow.db import UTCDateTime, utcnow
from saveflow.extensions import Model


class BillingConnection(Model):
    """The keys saveflow uses to change an app's subscriptions in one mode.

    Both keys are encrypted at rest (like the apps' signing secrets) and never leave the server.
    """

    __tablename__ = "billing_connections"
    __table_args__ = (
        CheckConstraint("mode IN ('live', 'test')", name="mode"),
        CheckConstraint("provider IN ('stripe')", name="provider"),
    )

    app_id: Mapped[str] = mapped_column(ForeignKey("apps.id"), primary_key=True)
    mode: Mapped[str] = mapped_column(String(8), primary_key=True)
    provider: Mapped[str] = mapped_column(String(16), default="stripe")
    secret_key: Mapped[str] = mapped_column(EncryptedText)
    webhook_secret: Mapped[str] = mapped_column(EncryptedText)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class BillingEvent(Model):
    """A webhook event from a billing provider, stored once: a redelivery finds its row and stops.

    The row is inserted before the event is acted on, in the same transaction, so two deliveries
    racing each other are serialised by the primary key and only one of them acts.
    """

    __tablename__ = "billing_events"
    __table_args__ = (
        CheckConstraint("mode IN ('live', 'test')", name="mode"),
        CheckConstraint("outcome IN ('received', 'applied', 'ignored')", name="outcome"),
    )

    app_id: Mapped[str] = mapped_column(ForeignKey("apps.id"), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    provider: Mapped[str] = mapped_column(String(16), default="stripe")
    mode: Mapped[str] = mapped_column(String(8))
    type: Mapped[str] = mapped_column(String(100))
    # The provider's time of the event; what orders events about one subscription.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    subscription: Mapped[str | None] = mapped_column(String(200))
    outcome: Mapped[str] = mapped_column(String(16), default="received")
    note: Mapped[str | None] = mapped_column(String(200))


class SubscriptionState(Model):
    """What billing last said about a subscription that saveflow has sessions for.

    Merged from webhooks (and, where they are missing, a read from the provider) so that the
    newest news wins whatever order it arrives in: `state_at` is the provider's time of the state
    held, and an older state never replaces a newer one. Its row is also the lock that makes the
    events about one subscription apply one at a time.
    """

    __tablename__ = "subscription_states"
    __table_args__ = (
        CheckConstraint("mode IN ('live', 'test')", name="mode"),
        CheckConstraint("state_source IN ('webhook', 'api')", name="state_source"),
    )

    app_id: Mapped[str] = mapped_column(ForeignKey("apps.id"), primary_key=True)
    mode: Mapped[str] = mapped_column(String(8), primary_key=True)
    subscription: Mapped[str] = mapped_column(String(200), primary_key=True)
    status: Mapped[str | None] = mapped_column(String(40))
    state_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    state_source: Mapped[str | None] = mapped_column(String(16))
    # Set while a cancellation is requested or done: when it was asked for, and when it bites.
    cancel_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended: Mapped[bool] = mapped_column(default=False)
    # The newest failed payment attempt seen.
    payment_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class PaidInvoice(Model):
    """An invoice of a known subscription that was paid, once per invoice whatever event told us."""

    __tablename__ = "paid_invoices"
    __table_args__ = (
        CheckConstraint("amount_paid >= 0", name="amount_paid_non_negative"),
        ForeignKeyConstraint(
            ["app_id", "mode", "subscription"],
            [
                "subscription_states.app_id",
                "subscription_states.mode",
                "subscription_states.subscription",
            ],
            name="fk_paid_invoices_subscription",
        ),
        Index("ix_paid_invoices_subscription", "app_id", "mode", "subscription"),
    )

    app_id: Mapped[str] = mapped_column(ForeignKey("apps.id"), primary_key=True)
    invoice_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    mode: Mapped[str] = mapped_column(String(8))
    subscription: Mapped[str] = mapped_column(String(200))
    amount_paid: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    paid_at: Mapped[datetime] = mapped_column(UTCDateTime)
    event_id: Mapped[str] = mapped_column(String(255))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
