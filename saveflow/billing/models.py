"""An app's connection to its billing provider, one per mode (test and live)."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
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
