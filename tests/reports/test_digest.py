"""The monthly finance digest: figures against the month before, the CSV, its recipients, one
stored row per app and month, and the command that renders it."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from saveflow.accounts.models import Membership
from saveflow.accounts.service import create_user
from saveflow.extensions import db
from saveflow.reports.digest import last_complete_month, recipients, store
from saveflow.reports.models import FinanceDigest
from saveflow.reports.saved_revenue import COLUMNS
from tests.admin.reports_helpers import at, worked_history
from tests.reports.factory import decided, rebuild

BASE = "https://saveflow.example"
FEBRUARY = date(2026, 2, 1)


def _store(app, demo, month=FEBRUARY, now=None):
    row = store(demo, month, app.jinja_env, BASE, now or datetime(2026, 3, 2, tzinfo=UTC))
    db.session.commit()
    return row


def _count(demo) -> int:
    return db.session.scalar(
        select(func.count()).select_from(FinanceDigest).where(FinanceDigest.app_id == demo.id)
    )


def test_the_csv_is_the_months_report_by_offer_type(app, demo):
    worked_history(demo)
    row = _store(app, demo)
    lines = row.csv.splitlines()
    assert lines[0].split(",") == ["offer_type", *COLUMNS]
    assert lines == [
        "offer_type,currency,sessions,saved,withdrawn,cancelled,abandoned,deflection_rate,"
        "saved_mrr,projected_saved_revenue,offer_cost,realized_saved_revenue,recovered,"
        "pending,confirmed,boomerang",
        # No offer shown: C withdrew (19.00 MRR, 228.00 projected), E cancelled.
        ",usd,2,0,1,1,0,0.5,1900,22800,0,0,0,1,0,0",
        # Discounts: G saved and H cancelled in euros; D cancelled and F abandoned in dollars.
        "discount,eur,2,1,0,1,0,0.5,3900,43875,2925,2925,0,0,1,0",
        "discount,usd,2,0,0,1,1,0.0,0,0,0,0,0,0,0,0",
    ]


def _line(label: str, value: str) -> str:
    return f"  {label:<38} {value}"


def test_the_figures_and_their_change_since_the_month_before(app, demo):
    history = worked_history(demo)
    row = _store(app, demo)
    assert row.month == FEBRUARY and row.locale == "en"
    assert row.subject == "Saved revenue in February 2026 · Acme"
    text = row.text
    lines = text.splitlines()
    # USD: February has C D E F (deflection 1 of 3), January had A B (both saved).
    assert _line("Decided sessions", "4 (+2)") in lines
    assert _line("Deflection rate", "33.3% (−66.7 pts)") in lines
    assert _line("Saved MRR", "19.00 USD (−79.00 USD)") in lines  # 19 against 98
    assert _line("Projected saved revenue", "228.00 USD (−813.25 USD)") in lines  # vs 1,041.25
    assert _line("Saves pending / confirmed / boomerang", "1 / 0 / 0") in lines
    assert _line("Abandoned (never counted as saved)", "1") in lines
    # EUR had no January: no change to show, and never mixed with dollars.
    euros = lines[lines.index("EUR") :]
    assert euros[1:3] == [_line("Decided sessions", "2"), _line("Deflection rate", "50%")]
    assert _line("Saved MRR", "39.00 EUR") in euros
    # The experiment: 1 treated (D) and 2 held out (C E) decided in February.
    assert "winter: not enough data yet (1 treated and 2 holdout sessions decided)" in text
    link = f"{BASE}/admin/apps/{demo.id}/reports?from=2026-02&to=2026-02"
    assert link in text
    html = row.html
    assert f'href="{link.replace("&", "&amp;")}"' in html
    assert "−79.00 USD</span>" in html and "(−80.6%) vs Jan" in html  # 79 of 98
    assert history["I"].mode == "test" and "891.00" not in html  # test mode left out


def test_a_month_without_sessions_says_so(app, demo):
    row = _store(app, demo, date(2025, 6, 1))
    assert "No cancel session was decided in June 2025." in row.text
    assert row.csv.count("\n") == 1  # the header alone


def test_rendering_a_month_again_replaces_it(app, demo):
    worked_history(demo)
    first = _store(app, demo)
    _store(app, demo, date(2026, 1, 1))
    assert _count(demo) == 2
    decided(demo, "saved", at("2026-02-20T10:00"), offer="discount_25_3m", projected=55125)
    rebuild(demo)
    again = _store(app, demo, now=datetime(2026, 3, 3, tzinfo=UTC))
    assert _count(demo) == 2
    assert again.id == first.id
    assert again.created_at == datetime(2026, 3, 3, tzinfo=UTC)
    assert _line("Decided sessions", "5 (+3)") in again.text.splitlines()


def make_user(email, role, app_id=None):
    return create_user(email, "a long enough secret", role, app_id)


def test_recipients_are_the_apps_active_finance_and_admin_members(app, demo):
    make_user("cfo@team.example", "finance", demo.id)
    make_user("owner@team.example", "admin")  # every app
    make_user("dev@team.example", "editor", demo.id)
    make_user("look@team.example", "viewer", demo.id)
    gone = make_user("left@team.example", "finance", demo.id)
    gone.active = False
    # An every-app admin who is only a viewer here gets no digest for this app.
    boss = make_user("boss@team.example", "admin")
    db.session.add(Membership(user_id=boss.id, app_id=demo.id, role="viewer"))
    db.session.commit()
    assert recipients(demo.id) == ["cfo@team.example", "owner@team.example"]
    assert _store(app, demo).recipients == ["cfo@team.example", "owner@team.example"]


@pytest.mark.parametrize(
    ("zone", "month"), [("UTC", date(2026, 2, 1)), ("Asia/Shanghai", date(2026, 3, 1))]
)
def test_the_last_complete_month_is_the_apps_own(demo, zone, month):
    demo.settings = {**demo.settings, "report_timezone": zone}
    # 18:00 UTC on 31 March is already 1 April in Shanghai.
    assert last_complete_month(demo, at("2026-03-31T18:00")) == month


def run(app, *args):
    return app.test_cli_runner().invoke(args=["saveflow", "reports", "digest", *args])


def test_the_command_renders_and_stores(app, demo):
    worked_history(demo)
    result = run(app, "--app", demo.id, "--month", "2026-02")
    assert result.exit_code == 0, result.output
    assert (
        result.output == f"Acme ({demo.id}): stored the February 2026 digest for 0 recipient(s).\n"
    )
    result = run(app)  # every app, the last complete month
    assert result.exit_code == 0, result.output
    expected = last_complete_month(demo, datetime.now(UTC))
    assert expected.strftime("%B %Y") in result.output
    months = db.session.scalars(select(FinanceDigest.month).order_by(FinanceDigest.month)).all()
    assert months == sorted({FEBRUARY, expected})


@pytest.mark.parametrize(
    ("args", "message"),
    [(("--month", "2026-13"), "use YYYY-MM"), (("--app", "app_nope"), "no app app_nope")],
)
def test_the_command_refuses_bad_arguments(app, demo, args, message):
    result = run(app, *args)
    assert result.exit_code == 2 and message in result.output
    assert _count(demo) == 0
