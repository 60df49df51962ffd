"""Reports' own rows: the monthly finance digest (the rollups are `saveflow.rollups`)."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from saveflow.db import JSONType, UTCDateTime, utcnow
from saveflow.extensions import Model


class FinanceDigest(Model):
    """One app's monthly digest for finance, rendered and kept until delivery sends it.

    One per app and month: rendering a month again replaces its row.
    """

    __tablename__ = "finance_digests"
    __table_args__ = (UniqueConstraint("app_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    app_id: Mapped[str] = mapped_column(ForeignKey("apps.id"))
    month: Mapped[date] = mapped_column(Date)  # the first day of the month it reports
    locale: Mapped[str] = mapped_column(String(16), default="en")
    subject: Mapped[str] = mapped_column(String(200))
    html: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    csv: Mapped[str] = mapped_column(Text)  # the month's saved-revenue CSV by offer type
    recipients: Mapped[list] = mapped_column(JSONType, default=list)  # emails
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
