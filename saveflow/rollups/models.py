"""Daily rollups of decided sessions, so a report reads days × groups instead of every session.

`saveflow.rollups.ledger` keeps them: every change to a session's outcome, save status or revenue
adds its difference to the rows it counts in, in the same transaction as the change, and
`flask --app wsgi saveflow reports rebuild` writes them afresh from the sessions table. Keys are
never null: "" stands for "none" (no offer shown, no experiment), so each group has one row.
"""

from datetime import date

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from saveflow.extensions import Model

# The outcomes that count as a save (the sessions' own SAVES; a test holds them equal).
SAVE_OUTCOMES = ("saved", "withdrawn")
# What every rollup row counts; a session adds 1 to `sessions` and to its outcome's column.
OUTCOME_COUNTS = ("saved", "withdrawn", "cancelled", "recovered", "abandoned")
STATUS_COUNTS = ("pending", "confirmed", "boomerang")
MONEY = ("saved_mrr", "projected_saved_revenue", "offer_cost", "realized_saved_revenue")
DAY_KEYS = (
    "app_id",
    "mode",
    "day",
    "currency",
    "offer_key",
    "offer_type",
    "reason_category",
    "plan",
    "experiment_key",
    "variant",
)
DAY_VALUES = ("sessions", *OUTCOME_COUNTS, *STATUS_COUNTS, *MONEY)
COHORT_KEYS = ("app_id", "mode", "cohort_month", "currency", "months_kept")
COHORT_VALUES = ("saves", "saved_mrr", "projected_saved_revenue", "realized_saved_revenue")
# A save whose subscription has not ended (nor been set to end) is kept for good so far.
STILL_SUBSCRIBED = -1


def _key(length: int = 64) -> Mapped[str]:
    return mapped_column(String(length), primary_key=True)


def _count() -> Mapped[int]:
    return mapped_column(BigInteger, default=0, server_default="0")


class ReportDay(Model):
    """Decided sessions of one local day (the app's report time zone) and one group."""

    __tablename__ = "report_days"
    __table_args__ = (Index("ix_report_days_app_day", "app_id", "mode", "day"),)

    app_id: Mapped[str] = mapped_column(ForeignKey("apps.id"), primary_key=True)
    mode: Mapped[str] = _key(8)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    currency: Mapped[str] = _key(3)
    offer_key: Mapped[str] = _key()
    offer_type: Mapped[str] = _key(32)
    reason_category: Mapped[str] = _key()
    plan: Mapped[str] = _key(200)
    experiment_key: Mapped[str] = _key()
    variant: Mapped[str] = _key()
    sessions: Mapped[int] = _count()
    saved: Mapped[int] = _count()
    withdrawn: Mapped[int] = _count()
    cancelled: Mapped[int] = _count()
    recovered: Mapped[int] = _count()
    abandoned: Mapped[int] = _count()
    pending: Mapped[int] = _count()
    confirmed: Mapped[int] = _count()
    boomerang: Mapped[int] = _count()
    saved_mrr: Mapped[int] = _count()
    projected_saved_revenue: Mapped[int] = _count()
    offer_cost: Mapped[int] = _count()
    realized_saved_revenue: Mapped[int] = _count()


class ReportCohort(Model):
    """Saves of one month, by how many whole months their subscription lasted after the save."""

    __tablename__ = "report_cohorts"

    app_id: Mapped[str] = mapped_column(ForeignKey("apps.id"), primary_key=True)
    mode: Mapped[str] = _key(8)
    cohort_month: Mapped[date] = mapped_column(Date, primary_key=True)
    currency: Mapped[str] = _key(3)
    months_kept: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    saves: Mapped[int] = _count()
    saved_mrr: Mapped[int] = _count()
    projected_saved_revenue: Mapped[int] = _count()
    realized_saved_revenue: Mapped[int] = _count()
