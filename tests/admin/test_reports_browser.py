"""The reports page in Chromium as finance reads it, on a desktop and on a phone: a year of
history in two currencies with an experiment, screenshots in test-artifacts/admin/reports/."""

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from saveflow.extensions import db
from saveflow.reports.digest import store
from tests.admin.browser import admin_browser
from tests.admin.conftest import browser_sign_in
from tests.reports.factory import decided, paid, rebuild

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "admin" / "reports"
VIEWPORTS = {"desktop": (1280, 900), "phone": (375, 740)}
OFFERS = (("discount_25_3m", 0.75), ("pause_2m", 0.8), ("downgrade", 0.4), ("training", 1.0))
CATEGORIES = ("too_expensive", "not_using", "missing_feature", "switched_competitor", "budget_cut")


def year_of_history(app, today: datetime) -> None:
    """About 600 sessions over the twelve months before `today`, in USD and EUR."""
    rng = random.Random(9)
    start = (today - timedelta(days=365)).replace(day=1)
    for n in range(600):
        moment = start + timedelta(
            minutes=rng.randrange(int((today - start).total_seconds() // 60))
        )
        currency = "usd" if rng.random() < 0.7 else "eur"
        mrr = rng.choice((1900, 4900, 9900))
        offer, price = rng.choice(OFFERS)
        holdout = n % 5 == 0
        roll = rng.random()
        if roll < 0.08:
            outcome = "abandoned"
        elif holdout:
            outcome = "withdrawn" if rng.random() < 0.3 else "cancelled"
        else:
            outcome = (
                "saved"
                if rng.random() < 0.5
                else ("withdrawn" if rng.random() < 0.2 else "cancelled")
            )
        save = outcome in ("saved", "withdrawn")
        age = (today - moment).days
        ended = save and age > 40 and rng.random() < 0.25
        status = "boomerang" if ended else ("confirmed" if age > 30 else "pending")
        projected = round(mrr * 12 * price) if outcome == "saved" else mrr * 12
        decided(
            app,
            outcome,
            moment,
            currency=currency,
            offer=None if holdout or outcome == "withdrawn" else offer,
            category=rng.choice(CATEGORIES),
            plan=rng.choice(("starter", "pro", "team")),
            experiment="spring-offers" if n % 2 == 0 else None,
            variant=("holdout" if holdout else "treated") if n % 2 == 0 else None,
            mrr=mrr,
            projected=projected,
            cost=mrr * 12 - projected,
            realized=min(projected, mrr * max(age // 30, 0)) if save and not ended else 0,
            status=status,
            ended_at=moment + timedelta(days=rng.randrange(20, 40)) if ended else None,
            months_kept=rng.randrange(0, 2) if ended else None,
        )
    rebuild(app)


def traced_save(app, today: datetime) -> str:
    """A save two months old with its invoices: one before it, two after it, one in euros."""
    saved_at = today - timedelta(days=61)
    save = decided(app, "saved", saved_at, offer="discount_25_3m", projected=55125, cost=3675,
                   realized=7350, status="confirmed", subscription="sub_traced")  # fmt: skip
    paid(save, "in_1Q0before", 4900, saved_at - timedelta(days=30))
    paid(save, "in_1Q1after", 3675, saved_at + timedelta(hours=1))
    paid(save, "in_1Q2after", 3675, saved_at + timedelta(days=30))
    paid(save, "in_1Q3eur", 3400, saved_at + timedelta(days=31), currency="eur")
    rebuild(app)
    return save.id


@pytest.mark.parametrize("device", VIEWPORTS)
def test_finance_reads_the_reports(device, chromium, app, demo, make_user):
    now = datetime.now(UTC)
    year_of_history(demo, now)
    traced = traced_save(demo, now)
    make_user("cfo@team.example", "finance", demo.id)
    store(demo, (now.replace(day=1) - timedelta(days=1)).replace(day=1), app.jinja_env, "", now)
    db.session.commit()
    with admin_browser(
        chromium, app, device, ARTIFACTS, size=VIEWPORTS[device], whole_page=True
    ) as b:
        page = b.page
        page.goto(f"{b.url}/admin/apps/{demo.id}/reports")
        browser_sign_in(page, "cfo@team.example")
        page.wait_for_url(f"**/admin/apps/{demo.id}/reports")
        assert page.get_by_role("heading", level=1).inner_text() == "Reports"
        # One drawing of each chart is shown: the wide one on a desktop, the narrow on a phone.
        shown = page.locator("svg.chart-svg:visible")
        assert shown.count() >= 8
        for i in range(shown.count()):
            label = shown.nth(i).get_attribute("aria-labelledby") or ""
            assert label.endswith("-wide-d") == (device == "desktop"), label
        b.shot("reports")
        page.get_by_label("Currency").select_option("eur")
        page.get_by_role("button", name="Show").click()
        page.wait_for_url("**currency=eur**")
        assert page.locator("#cur-usd").count() == 0
        b.shot("reports-eur")
        sessions = page.locator("[data-figure='eur-sessions']").inner_text()
        page.locator("[data-figure='eur-sessions']").click()
        page.wait_for_url("**/sessions?**")
        assert page.locator("p.count").inner_text().startswith(f"{sessions} session")
        b.shot("drill-down")
        page.goto(f"{b.url}/admin/apps/{demo.id}/sessions/{traced}")
        assert page.locator(".invoices tbody tr").count() == 4
        assert page.locator(".invoices tr.counted").count() == 2
        b.shot("session-invoices")
        page.goto(f"{b.url}/admin/apps/{demo.id}/reports")
        page.get_by_role("link", name="View the digest").click()
        page.wait_for_url("**/digests/**")
        b.shot("digest")
