"""Offers, versioned rule sets and accepted offers."""

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from saveflow.db import JSONType, UTCDateTime, utcnow
from saveflow.extensions import Model, db


class Offer(Model):
    __tablename__ = "offers"
    __table_args__ = (
        UniqueConstraint("app_id", "key"),
        CheckConstraint(
            "type IN ('discount', 'pause', 'downgrade', 'training', 'concierge', 'contact', "
            "'trial_extension', 'redirect')",
            name="type",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    app_id: Mapped[str] = mapped_column(ForeignKey("apps.id"))
    key: Mapped[str] = mapped_column(String(64))
    type: Mapped[str] = mapped_column(String(32))
    params: Mapped[dict] = mapped_column(JSONType, default=dict)
    copy: Mapped[dict] = mapped_column(JSONType, default=dict)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RuleSet(Model):
    """One version of an app's rules; a published version never changes again."""

    __tablename__ = "rule_sets"
    __table_args__ = (
        UniqueConstraint("app_id", "version"),
        CheckConstraint("status IN ('draft', 'published')", name="status"),
        Index(
            "uq_rule_sets_one_draft",
            "app_id",
            unique=True,
            postgresql_where=text("status = 'draft'"),
            sqlite_where=text("status = 'draft'"),
        ),
        CheckConstraint(
            "(status = 'published') = (published_at IS NOT NULL)", name="published_stamp"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    app_id: Mapped[str] = mapped_column(ForeignKey("apps.id"))
    version: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), default="draft")
    document: Mapped[dict] = mapped_column(JSONType)
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(200), default="system")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


@event.listens_for(RuleSet, "before_update")
def _published_is_immutable(mapper, connection, target: RuleSet) -> None:
    history = db.inspect(target).attrs
    was_published = history.status.history.deleted == ["published"] or (
        not history.status.history.has_changes() and target.status == "published"
    )
    if was_published and any(
        history[name].history.has_changes() for name in ("document", "version", "status")
    ):
        raise ValueError(f"rule set version {target.version} is published and cannot change")


class OfferAcceptance(Model):
    """The accepted offer of a saved session and the billing effect it had."""

    __tablename__ = "offer_acceptances"
    __table_args__ = (
        UniqueConstraint("session_id"),
        UniqueConstraint("idempotency_key"),
        ForeignKeyConstraint(
            ["app_id", "session_id"],
            ["sessions.app_id", "sessions.id"],
            name="fk_offer_acceptances_session_same_app",
        ),
        ForeignKeyConstraint(
            ["app_id", "offer_key"],
            ["offers.app_id", "offers.key"],
            name="fk_offer_acceptances_offer_same_app",
        ),
        Index("ix_offer_acceptances_customer", "app_id", "customer", "offer_type"),
        CheckConstraint("status IN ('applied', 'host_applies')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    app_id: Mapped[str] = mapped_column(ForeignKey("apps.id"))
    session_id: Mapped[str] = mapped_column(String(40))
    customer: Mapped[str] = mapped_column(String(200))
    mode: Mapped[str] = mapped_column(String(8))
    offer_key: Mapped[str] = mapped_column(String(64))
    offer_type: Mapped[str] = mapped_column(String(32))
    provider: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    effect: Mapped[dict] = mapped_column(JSONType, default=dict)
    idempotency_key: Mapped[str] = mapped_column(String(100))
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
