"""Apps (one product using saveflow) and the audit log."""

import secrets
from datetime import datetime

from sqlalchemy import CheckConstraint, FetchedValue, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from saveflow.crypto import EncryptedText
from saveflow.db import JSONType, UTCDateTime, new_id, utcnow
from saveflow.extensions import Model

COMPLIANCE_MODES = ("standard", "one_save", "direct")
MODES = ("live", "test")
BILLING_PROVIDERS = ("none", "stripe")


def new_secret(mode: str) -> str:
    """Return a fresh signing secret, prefixed so live and test secrets are told apart."""
    return f"sk_{mode}_{secrets.token_urlsafe(32)}"


class App(Model):
    __tablename__ = "apps"
    __table_args__ = (
        CheckConstraint(
            "compliance_mode IN ('standard', 'one_save', 'direct')", name="compliance_mode"
        ),
        CheckConstraint("billing_provider IN ('none', 'stripe')", name="billing_provider"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("app"))
    name: Mapped[str] = mapped_column(String(200))
    # Host servers sign customer tokens with the secret of the token's mode; the table holds
    # them encrypted, so a database dump or backup alone cannot forge tokens.
    live_secret: Mapped[str] = mapped_column(EncryptedText, default=lambda: new_secret("live"))
    test_secret: Mapped[str] = mapped_column(EncryptedText, default=lambda: new_secret("test"))
    # After a rotation the secret it replaced still verifies tokens until its `_until` time, so
    # hosts can deploy the new one without a moment of refused tokens.
    previous_live_secret: Mapped[str | None] = mapped_column(EncryptedText)
    previous_live_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    previous_test_secret: Mapped[str | None] = mapped_column(EncryptedText)
    previous_test_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    allowed_origins: Mapped[list] = mapped_column(JSONType, default=list)
    locales: Mapped[list] = mapped_column(JSONType, default=lambda: ["en", "zh-Hans", "zh-Hant"])
    default_locale: Mapped[str] = mapped_column(String(16), default="en")
    compliance_mode: Mapped[str] = mapped_column(String(16), default="standard")
    billing_provider: Mapped[str] = mapped_column(String(16), default="none")
    settings: Mapped[dict] = mapped_column(JSONType, default=dict)
    # Bumped by database triggers whenever the app, its reasons, offers or rule sets change, so
    # a process may cache that configuration for as long as the stamp it read is unchanged.
    config_version: Mapped[int] = mapped_column(
        default=0, server_default=text("0"), server_onupdate=FetchedValue()
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def secret_for(self, mode: str) -> str:
        """Return the signing secret for a mode."""
        return self.live_secret if mode == "live" else self.test_secret

    def previous_secret(self, mode: str) -> tuple[str | None, datetime | None]:
        """Return the mode's previous secret and when it stops verifying (None, None if none)."""
        if mode == "live":
            return self.previous_live_secret, self.previous_live_until
        return self.previous_test_secret, self.previous_test_until

    def secrets_for(self, mode: str, now: datetime) -> tuple[str, ...]:
        """Return the secrets a token of this mode may be signed with at `now`: the current
        one, and the previous one while its grace period lasts."""
        previous, until = self.previous_secret(mode)
        if previous and until is not None and now < until:
            return (self.secret_for(mode), previous)
        return (self.secret_for(mode),)


class AuditEntry(Model):
    """An append-only record of save attempts, cancels and admin changes."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_app_at", "app_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    app_id: Mapped[str] = mapped_column(ForeignKey("apps.id"))
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(200))
    data: Mapped[dict] = mapped_column(JSONType, default=dict)
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
