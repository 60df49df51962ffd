"""The saved-revenue report as the API serves it: one app, whole months, JSON rows or CSV."""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from saveflow.apps.models import App
from saveflow.reports import saved_revenue
from saveflow.reports.months import day_range, report_months
from saveflow.rollups.ledger import local_day, timezone_of

# A spreadsheet runs a cell that starts with one of these as a formula; such text cells get a
# leading apostrophe in the CSV (spreadsheets show the text as it was; JSON is unchanged).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Report:
    """A saved-revenue report of one app, ready to dump as JSON or write as CSV."""

    app: str
    timezone: str
    first: str
    last: str
    mode: str
    currency: str | None
    group_by: tuple[str, ...]
    columns: tuple[str, ...]
    rows: list[dict]


def saved_revenue_report(
    app: App,
    now: datetime,
    first: date | None = None,
    last: date | None = None,
    group_by: tuple[str, ...] = (),
    currency: str | None = None,
    mode: str = "live",
) -> Report:
    """Read the report for whole months in the app's time zone (the last 12 by default)."""
    zone = timezone_of(app.settings)
    first, last = report_months(first, last, local_day(now, zone))
    start, end = day_range(first, last)
    query = saved_revenue.ReportQuery(
        app_id=app.id, start=start, end=end, group_by=group_by, currency=currency, mode=mode
    )
    return Report(
        app=app.id,
        timezone=zone.key,
        first=f"{first:%Y-%m}",
        last=f"{last:%Y-%m}",
        mode=mode,
        currency=currency,
        group_by=group_by,
        columns=(*query.names, *saved_revenue.COLUMNS),
        rows=saved_revenue.rows(query),
    )


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    return str(value)


def to_csv(report: Report) -> str:
    """Return the report as CSV: a header of `columns`, then one line per row (CRLF endings)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(report.columns)
    for row in report.rows:
        writer.writerow([_cell(row[name]) for name in report.columns])
    return out.getvalue()


def csv_filename(report: Report) -> str:
    """Return the name a downloaded CSV is saved under."""
    return f"saved-revenue-{report.app}-{report.first}-{report.last}.csv"
