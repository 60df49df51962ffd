"""The monthly digest for finance: a month's key figures per currency against the month
before, the experiments' lift, and the month's CSV, rendered and stored (delivery comes later).

Rendering takes a Jinja2 environment that can load `email/finance_digest.html` and `.txt`, so
this module needs no Flask; the command passes the app's own.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from jinja2 import Environment
from sqlalchemy import select

from saveflow.accounts.service import members_of
from saveflow.apps.models import App
from saveflow.extensions import db
from saveflow.money import money, percent, points, signed_percent
from saveflow.reports.experiments import ExperimentLift, lifts
from saveflow.reports.export import saved_revenue_report, to_csv
from saveflow.reports.models import FinanceDigest
from saveflow.reports.months import add_months
from saveflow.reports.saved_revenue import ReportQuery, rows
from saveflow.rollups.ledger import timezone_of

RECIPIENT_ROLES = ("finance", "admin")
TEMPLATES = ("email/finance_digest.html", "email/finance_digest.txt")


def _previous(month: date) -> date:
    return add_months(month.replace(day=1), -1)


def last_complete_month(app: App, now: datetime) -> date:
    """Return the month before the current one in the app's report time zone."""
    return _previous(now.astimezone(timezone_of(app.settings)).date())


@dataclass(frozen=True)
class CurrencyFigures:
    currency: str
    now: dict  # the month's report row in this currency
    before: dict | None  # the previous month's, if it had any session in this currency

    def change(self, column: str) -> int | float | None:
        """Return this month's figure minus the previous month's (None without one)."""
        if self.before is None or self.now[column] is None or self.before[column] is None:
            return None
        return self.now[column] - self.before[column]

    def relative(self, column: str) -> float | None:
        """Return the change as a share of the previous month's figure."""
        change = self.change(column)
        if change is None or not self.before or not self.before[column]:
            return None
        return change / self.before[column]


@dataclass(frozen=True)
class DigestFigures:
    app_id: str
    app_name: str
    month: date
    timezone: str
    currencies: list[CurrencyFigures]
    lifts: list[ExperimentLift]
    report_url: str
    csv: str


def figures(app: App, month: date, base_url: str) -> DigestFigures:
    """Return what the digest of `month` says, read from the rollups."""
    month = month.replace(day=1)
    after, before = add_months(month, 1), add_months(month, -1)
    now = rows(ReportQuery(app.id, month, after))
    earlier = {r["currency"]: r for r in rows(ReportQuery(app.id, before, month))}
    # The same CSV as the reports API's, for this one month by offer type (the moment only
    # matters for a report without months, which this is not).
    moment = datetime(month.year, month.month, 1, tzinfo=UTC)
    by_type = saved_revenue_report(app, moment, month, month, ("offer_type",))
    key = month.strftime("%Y-%m")
    return DigestFigures(
        app_id=app.id,
        app_name=app.name,
        month=month,
        timezone=timezone_of(app.settings).key,
        currencies=[CurrencyFigures(r["currency"], r, earlier.get(r["currency"])) for r in now],
        lifts=lifts(app.id, month, after),
        report_url=f"{base_url.rstrip('/')}/admin/apps/{app.id}/reports?from={key}&to={key}",
        csv=to_csv(by_type),
    )


def recipients(app_id: str) -> list[str]:
    """Return the emails of the app's active finance and admin members, in order."""
    return [m.email for m in members_of(app_id) if m.active and m.role in RECIPIENT_ROLES]


def render(env: Environment, found: DigestFigures) -> tuple[str, str, str]:
    """Return the digest's subject, HTML body and text body."""
    subject = f"Saved revenue in {found.month.strftime('%B %Y')} · {found.app_name}"
    context = {
        "d": found,
        "subject": subject,
        "money": money,
        "percent": percent,
        "signed_money": lambda minor, cur: money(minor, cur, signed=True),
        "points": points,
        "signed_percent": signed_percent,
        "previous": _previous(found.month),
    }
    html, text = (env.get_template(name).render(**context) for name in TEMPLATES)
    return subject, html, text


def store(app: App, month: date, env: Environment, base_url: str, now: datetime) -> FinanceDigest:
    """Render the digest of `month` and store it in place of any earlier one (caller commits)."""
    found = figures(app, month, base_url)
    subject, html, text = render(env, found)
    values = {
        "locale": "en",
        "subject": subject,
        "html": html,
        "text": text,
        "csv": found.csv,
        "recipients": recipients(app.id),
        "created_at": now,
    }
    row = digest_for(app.id, found.month)
    if row is None:
        row = FinanceDigest(app_id=app.id, month=found.month, **values)
        db.session.add(row)
    else:
        for name, value in values.items():
            setattr(row, name, value)
    db.session.flush()
    return row


def digest_for(app_id: str, month: date) -> FinanceDigest | None:
    return db.session.scalar(
        select(FinanceDigest).where(
            FinanceDigest.app_id == app_id, FinanceDigest.month == month.replace(day=1)
        )
    )


def latest_digest(app_id: str) -> FinanceDigest | None:
    """Return the app's digest of the latest month rendered, if any."""
    return db.session.scalar(
        select(FinanceDigest)
        .where(FinanceDigest.app_id == app_id)
        .order_by(FinanceDigest.month.desc())
        .limit(1)
    )
