"""Admin users, their per-app memberships and their API tokens."""

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from saveflow.db import UTCDateTime, utcnow
from saveflow.extensions import Model

# Ordered from most to least powerful; `finance` reads reports and exports, never edits.
ROLES = ("admin", "editor", "finance", "viewer")
# The roles whose API tokens may read an app's reports.
REPORT_ROLES = ("admin", "finance")


class User(Model):
    """Someone who signs in to the admin; the email is stored lower-cased, so it is unique
    whatever its case."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint("email = lower(email)", name="email_lower"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Flask-Login's user protocol.
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)


class Membership(Model):
    """A user's role on one app, or on every app when `app_id` is NULL."""

    __tablename__ = "memberships"
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'editor', 'finance', 'viewer')", name="role"),
        UniqueConstraint("user_id", "app_id"),
        # NULLs are distinct in a unique constraint, so "every app" gets an index of its own.
        Index(
            "ix_memberships_user_all_apps",
            "user_id",
            unique=True,
            postgresql_where=text("app_id IS NULL"),
            sqlite_where=text("app_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    app_id: Mapped[str | None] = mapped_column(ForeignKey("apps.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ApiToken(Model):
    """A user's bearer token for the reports API, stored as the SHA-256 digest of its secret.

    The whole token (`sf_<prefix>_<secret>`) is shown once when it is made; the prefix is kept
    so people can tell their tokens apart and so a presented token is found by index.
    """

    __tablename__ = "api_tokens"
    __table_args__ = (
        CheckConstraint("length(digest) = 64", name="digest_length"),
        CheckConstraint("length(name) > 0", name="name_not_empty"),
        Index("ix_api_tokens_user", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def shown_prefix(self) -> str:
        """Return how people see the token: its first characters, enough to recognise it."""
        return f"sf_{self.prefix}_…"
