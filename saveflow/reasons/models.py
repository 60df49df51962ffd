"""Reason categories and the survey reasons mapped to them."""

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from saveflow.db import JSONType
from saveflow.extensions import Model


class ReasonCategory(Model):
    __tablename__ = "reason_categories"
    __table_args__ = (
        UniqueConstraint("app_id", "key"),
        UniqueConstraint("app_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    app_id: Mapped[str] = mapped_column(ForeignKey("apps.id"))
    key: Mapped[str] = mapped_column(String(64))
    voluntary: Mapped[bool]
    influenceable: Mapped[bool | None]
    labels: Mapped[dict] = mapped_column(JSONType, default=dict)


class Reason(Model):
    __tablename__ = "reasons"
    __table_args__ = (
        UniqueConstraint("app_id", "key"),
        # A reason can only point at a category of its own app.
        ForeignKeyConstraint(
            ["app_id", "category_id"],
            ["reason_categories.app_id", "reason_categories.id"],
            name="fk_reasons_category_same_app",
        ),
        CheckConstraint("follow_up IN ('none', 'optional', 'required')", name="follow_up"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    app_id: Mapped[str] = mapped_column(ForeignKey("apps.id"))
    key: Mapped[str] = mapped_column(String(64))
    category_id: Mapped[int]
    labels: Mapped[dict] = mapped_column(JSONType, default=dict)
    follow_up: Mapped[str] = mapped_column(String(16), default="none")
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    category: Mapped[ReasonCategory] = relationship(
        primaryjoin="and_(Reason.app_id == ReasonCategory.app_id, "
        "Reason.category_id == ReasonCategory.id)",
        foreign_keys="[Reason.app_id, Reason.category_id]",
        viewonly=True,
        lazy="joined",
    )
