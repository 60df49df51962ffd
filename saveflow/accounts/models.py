"""Admin users and their per-app memberships."""

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from saveflow.db import UTCDateTime, utcnow
from saveflow.extensions import Model

# Ordered from most to least powerful; `finance` reads reports and exports, never edits.
ROLES = ("admin", "editor", "finance", "viewer")


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
