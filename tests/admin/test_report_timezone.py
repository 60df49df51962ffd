"""The report time zone: set on the settings page, it moves every session's day and the rollups
with it, in the same request, audited like any other setting."""

from datetime import date

from sqlalchemy import select

from saveflow.apps.models import App, AuditEntry
from saveflow.extensions import db
from saveflow.reports.saved_revenue import ReportQuery, rows
from saveflow.rollups.models import ReportCohort, ReportDay
from saveflow.sessions.models import Session
from tests.admin.reports_helpers import figures, worked_history
from tests.admin.settings_helpers import post, settings_form

SHANGHAI = "Asia/Shanghai"


def _months(app_id: str) -> dict[str, int]:
    found = rows(ReportQuery(app_id, date(2026, 1, 1), date(2026, 5, 1), ("month",), "usd"))
    return {r["month"]: r["sessions"] for r in found}


def _save(client, demo, zone: str):
    url = f"/admin/apps/{demo.id}/settings"
    return post(client, url, settings_form(demo, report_timezone=zone))


def test_a_new_zone_moves_a_session_across_the_month_boundary(app, client, demo, make_user, admin):
    history = worked_history(demo)
    j = history["J"]  # decided 2026-03-31 18:00 UTC: still March in UTC
    assert db.session.get(Session, j.id).report_day == date(2026, 3, 31)
    assert _months(demo.id) == {"2026-01": 2, "2026-02": 4, "2026-03": 1}
    make_user("ops@team.example", "admin", demo.id)
    admin.login("ops@team.example")

    response = _save(client, demo, "asia/shanghai")  # any case: stored as the database spells it
    assert response.status_code == 302
    page = client.get(response.location).text
    assert "Reports now use Asia/Shanghai" in page
    db.session.expire_all()
    assert db.session.get(App, demo.id).settings["report_timezone"] == SHANGHAI
    # 02:00 on 1 April in Shanghai: J is April's now, and so are its rollup rows.
    assert db.session.get(Session, j.id).report_day == date(2026, 4, 1)
    assert _months(demo.id) == {"2026-01": 2, "2026-02": 4, "2026-04": 1}
    days = db.session.scalars(
        select(ReportDay.day).where(ReportDay.app_id == demo.id, ReportDay.sessions != 0)
    ).all()
    assert date(2026, 4, 1) in days and date(2026, 3, 31) not in days
    cohorts = db.session.scalars(
        select(ReportCohort.cohort_month).where(
            ReportCohort.app_id == demo.id, ReportCohort.currency == "usd"
        )
    ).all()
    assert set(cohorts) == {date(2026, 1, 1), date(2026, 2, 1), date(2026, 4, 1)}
    # The rollups still say exactly what the sessions say.
    query = ReportQuery(demo.id, date(2026, 1, 1), date(2026, 5, 1), ("month", "offer_type"))
    assert rows(query) == rows(query, source="sessions")
    entry = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.app_id == demo.id, AuditEntry.action == "app.settings")
        .order_by(AuditEntry.id.desc())
    ).first()
    assert entry.actor == "user:ops@team.example"
    assert entry.data["before"]["report_timezone"] == "UTC"
    assert entry.data["after"]["report_timezone"] == SHANGHAI

    make_user("cfo@team.example", "finance", demo.id)
    admin.logout()
    admin.login("cfo@team.example")
    april = client.get(f"/admin/apps/{demo.id}/reports?from=2026-04&to=2026-04").text
    assert SHANGHAI in april and figures(april)["usd-sessions"] == "1"
    march = client.get(f"/admin/apps/{demo.id}/reports?from=2026-03&to=2026-03").text
    assert "usd-sessions" not in figures(march)


def test_an_unknown_zone_is_refused_and_changes_nothing(app, client, demo, make_user, admin):
    worked_history(demo)
    make_user("ops@team.example", "admin", demo.id)
    admin.login("ops@team.example")
    for zone in ("Mars/Olympus", "../../etc/passwd", "UTC+8"):
        response = _save(client, demo, zone)
        assert response.status_code == 400, zone
        assert "not a time zone name" in response.text
    db.session.expire_all()
    assert "report_timezone" not in (db.session.get(App, demo.id).settings or {})
    assert _months(demo.id)["2026-03"] == 1


def test_the_settings_page_shows_the_zone_and_blank_means_utc(app, client, demo, make_user, admin):
    make_user("ops@team.example", "admin", demo.id)
    admin.login("ops@team.example")
    page = client.get(f"/admin/apps/{demo.id}/settings").text
    assert 'name="report_timezone"' in page and 'value="UTC"' in page
    assert '<option value="Asia/Shanghai">' in page
    assert _save(client, demo, SHANGHAI).status_code == 302
    assert _save(client, demo, "").status_code == 302
    db.session.expire_all()
    assert db.session.get(App, demo.id).settings["report_timezone"] == "UTC"
