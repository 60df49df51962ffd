"""Cancel sessions and their append-only event log."""

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from saveflow.db import JSONType, UTCDateTime, new_id, utcnow
from saveflow.extensions import Model

OUTCOMES = ("saved", "withdrawn", "cancelled", "recovered", "abandoned")
STEPS = ("payment_recovery", "survey", "offers", "confirm", "done")
# Outcomes that count as a save, and what became of a save after the decision.
SAVES = ("saved", "withdrawn")
SAVE_STATUSES = ("pending", "confirmed", "boomerang")


class Session(Model):
    __tablename__ = "sessions"
    __table_args__ = (
        UniqueConstraint("app_id", "id"),
        Index("ix_sessions_app_created", "app_id", "created_at"),
        Index("ix_sessions_app_customer", "app_id", "customer"),
        Index("ix_sessions_token_digest", "app_id", "token_digest", "created_at"),
        # One open session per customer token: a double-clicked Cancel resumes, never forks.
        Index(
            "uq_sessions_open_token",
            "app_id",
            "token_digest",
            unique=True,
            postgresql_where=text("outcome IS NULL"),
            sqlite_where=text("outcome IS NULL"),
        ),
        CheckConstraint("mode IN ('live', 'test')", name="mode"),
        CheckConstraint(
            "step IN ('payment_recovery', 'survey', 'offers', 'confirm', 'done')", name="step"
        ),
        CheckConstraint(
            "outcome IS NULL OR outcome IN "
            "('saved', 'withdrawn', 'cancelled', 'recovered', 'abandoned')",
            name="outcome",
        ),
        # One outcome, stamped once: a decided session is done and a done session is decided.
        CheckConstraint("(outcome IS NULL) = (outcome_at IS NULL)", name="outcome_stamp"),
        CheckConstraint("(outcome IS NULL) = (step <> 'done')", name="outcome_step"),
        CheckConstraint(
            "outcome <> 'saved' OR accepted_offer_key IS NOT NULL", name="saved_has_offer"
        ),
        CheckConstraint("mrr >= 0", name="mrr_non_negative"),
        # Every save, and only a save, has a save status.
        CheckConstraint(
            "save_status IS NULL OR save_status IN ('pending', 'confirmed', 'boomerang')",
            name="save_status",
        ),
        CheckConstraint(
            "(COALESCE(outcome, '') IN ('saved', 'withdrawn')) = (save_status IS NOT NULL)",
            name="save_status_outcome",
        ),
        CheckConstraint("realized_revenue >= 0", name="realized_non_negative"),
        # Billing's webhooks find a subscription's sessions; validate-saves walks pending saves.
        Index("ix_sessions_app_subscription", "app_id", "mode", "subscription"),
        Index(
            "ix_sessions_pending_saves",
            "outcome_at",
            "id",
            postgresql_where=text("save_status = 'pending'"),
            sqlite_where=text("save_status = 'pending'"),
        ),
        # Finance's drill-down: a report row's sessions are one app's, mode's and local days'.
        Index("ix_sessions_app_report_day", "app_id", "mode", "report_day"),
        # The accepted offer is one of this app's offers.
        ForeignKeyConstraint(
            ["app_id", "accepted_offer_key"],
            ["offers.app_id", "offers.key"],
            name="fk_sessions_offer_same_app",
        ),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("ses"))
    app_id: Mapped[str] = mapped_column(ForeignKey("apps.id"))
    mode: Mapped[str] = mapped_column(String(8))
    customer: Mapped[str] = mapped_column(String(200))
    subscription: Mapped[str] = mapped_column(String(200))
    token_digest: Mapped[str] = mapped_column(String(64))
    locale: Mapped[str] = mapped_column(String(16))
    country: Mapped[str | None] = mapped_column(String(8))
    # Where receipts go: the token's signed `email` claim (else the billing provider's, at send).
    email: Mapped[str | None] = mapped_column(String(320))
    attributes: Mapped[dict] = mapped_column(JSONType, default=dict)
    snapshot: Mapped[dict] = mapped_column(JSONType)
    currency: Mapped[str] = mapped_column(String(3))
    mrr: Mapped[int] = mapped_column(BigInteger)
    compliance_mode: Mapped[str] = mapped_column(String(16))
    max_offers: Mapped[int]
    step: Mapped[str] = mapped_column(String(20))
    reason_key: Mapped[str | None] = mapped_column(String(64))
    comment: Mapped[str | None] = mapped_column(Text)
    classification: Mapped[dict | None] = mapped_column(JSONType)
    rule_set_version: Mapped[int | None]
    rule_id: Mapped[str | None] = mapped_column(String(64))
    experiment_key: Mapped[str | None] = mapped_column(String(64))
    variant: Mapped[str | None] = mapped_column(String(64))
    # Offer keys chosen at answer time, in presentation order; offer_index points at the one shown.
    offer_keys: Mapped[list] = mapped_column(JSONType, default=list)
    offer_index: Mapped[int] = mapped_column(default=0)
    event_seq: Mapped[int] = mapped_column(default=0)
    outcome: Mapped[str | None] = mapped_column(String(16))
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_offer_key: Mapped[str | None] = mapped_column(String(64))
    horizon_months: Mapped[int | None]
    saved_mrr: Mapped[int | None] = mapped_column(BigInteger)
    projected_revenue: Mapped[int | None] = mapped_column(BigInteger)
    offer_cost: Mapped[int | None] = mapped_column(BigInteger)
    # What became of a save after the decision, from billing (saveflow.saves keeps these).
    save_status: Mapped[str | None] = mapped_column(String(16))
    save_status_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    realized_revenue: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # A boomerang's projection cut at the subscription's actual end (null otherwise).
    projected_revenue_cut: Mapped[int | None] = mapped_column(BigInteger)
    # When the saved subscription ended (or is set to end), once billing says it does.
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The latest failed payment after the save while no later payment succeeded (involuntary risk).
    payment_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Report columns, fixed when the session is decided (saveflow.rollups.ledger): the day in
    # the app's report time zone, the offer the customer decided on (the accepted one, else the
    # last one shown), the category and plan it was decided with, and for a save how many whole
    # months the subscription lasted after it (-1 while it has not ended).
    report_day: Mapped[date | None] = mapped_column(Date)
    shown_offer_key: Mapped[str | None] = mapped_column(String(64))
    shown_offer_type: Mapped[str | None] = mapped_column(String(32))
    reason_category: Mapped[str | None] = mapped_column(String(64))
    plan: Mapped[str | None] = mapped_column(String(200))
    months_kept: Mapped[int | None]
    # The response of the terminal call, replayed verbatim when the call is repeated.
    result: Mapped[dict | None] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def is_open(self) -> bool:
        return self.outcome is None


class SessionEvent(Model):
    """One step of a session; rows are only ever inserted (triggers refuse changes)."""

    __tablename__ = "session_events"
    __table_args__ = (
        UniqueConstraint("session_id", "seq"),
        ForeignKeyConstraint(
            ["app_id", "session_id"],
            ["sessions.app_id", "sessions.id"],
            name="fk_session_events_session_same_app",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    app_id: Mapped[str] = mapped_column(ForeignKey("apps.id"))
    session_id: Mapped[str] = mapped_column(String(40))
    seq: Mapped[int]
    type: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict] = mapped_column(JSONType, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
