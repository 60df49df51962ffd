"""Counts of refused requests, per app and kind — never the tokens or bodies themselves."""

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from saveflow.db import UTCDateTime
from saveflow.extensions import Model

KINDS = ("token_failed", "rate_limited")


class SecurityCount(Model):
    """How many requests of one kind were refused for an app within a short window."""

    __tablename__ = "security_counts"
    __table_args__ = (Index("ix_security_counts_app_window", "app_id", "window_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # No foreign key: refusals name app ids that may not exist (that is often the attack).
    app_id: Mapped[str | None] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(32))
    count: Mapped[int]
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    window_end: Mapped[datetime] = mapped_column(UTCDateTime)
