"""Reason categories, the survey reasons mapped to them, and what a team taught the classifier."""

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from saveflow.db import JSONType, UTCDateTime, utcnow
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


class LexiconPhrase(Model):
    """A phrase an app's team added to the classifier's lexicon for one of its categories."""

    __tablename__ = "lexicon_phrases"
    __table_args__ = (
        UniqueConstraint("app_id", "category_key", "phrase"),
        ForeignKeyConstraint(
            ["app_id", "category_key"],
            ["reason_categories.app_id", "reason_categories.key"],
            name="fk_lexicon_phrases_category_same_app",
        ),
        CheckConstraint("weight > 0", name="weight_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    app_id: Mapped[str] = mapped_column(ForeignKey("apps.id"))
    category_key: Mapped[str] = mapped_column(String(64))
    phrase: Mapped[str] = mapped_column(String(200))
    weight: Mapped[float] = mapped_column(default=2.0)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LabelledComment(Model):
    """A customer's free-text comment a team member filed under a category (training data)."""

    __tablename__ = "labelled_comments"
    __table_args__ = (
        UniqueConstraint("app_id", "session_id"),
        ForeignKeyConstraint(
            ["app_id", "session_id"],
            ["sessions.app_id", "sessions.id"],
            name="fk_labelled_comments_session_same_app",
        ),
        ForeignKeyConstraint(
            ["app_id", "category_key"],
            ["reason_categories.app_id", "reason_categories.key"],
            name="fk_labelled_comments_category_same_app",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    app_id: Mapped[str] = mapped_column(ForeignKey("apps.id"))
    session_id: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    category_key: Mapped[str] = mapped_column(String(64))
    labelled_by: Mapped[str] = mapped_column(String(200))
    labelled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AppModel(Model):
    """An app's own classifier model: the base corpus plus the comments its team mapped.

    Rebuilt by the worker when the mapped comments change. One mapped comment in five (chosen by
    its wording, so the choice never moves) is held back from training; `held_back_right`
    and `base_right` count how many of those the app's model and the shipped model got right.
    """

    __tablename__ = "app_models"

    app_id: Mapped[str] = mapped_column(ForeignKey("apps.id"), primary_key=True)
    built_at: Mapped[datetime] = mapped_column(UTCDateTime)
    labels_digest: Mapped[str] = mapped_column(String(64))  # what it was trained on
    base_corpus: Mapped[str] = mapped_column(String(64))  # the shipped model's corpus digest
    trained_on: Mapped[int] = mapped_column()
    held_back: Mapped[int] = mapped_column()
    held_back_right: Mapped[int] = mapped_column()
    base_right: Mapped[int] = mapped_column()
    model: Mapped[bytes] = mapped_column(LargeBinary)  # gzip-compressed model JSON
