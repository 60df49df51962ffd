"""The Messages pages in Chromium on a desktop and a phone: the outbox after real cancel flows,
a dead webhook retried by hand, an email as rendered, and a trigger added on the alerts page.
Screenshots land in test-artifacts/admin/messages/."""

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from saveflow.apps.models import App
from saveflow.extensions import db
from saveflow.messaging.models import Delivery
from saveflow.messaging.outbox import Outcome
from saveflow.messaging.settings import message_settings
from tests.admin.browser import VIEWPORTS, admin_browser
from tests.admin.conftest import browser_sign_in
from tests.admin.messages_helpers import attempt, endpoint, queue
from tests.admin.settings_helpers import fresh
from tests.conftest import FlowActions

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "admin" / "messages"
DAY = timedelta(days=1)
RECEIPT = {
    "subject": "Your Acme Pro subscription ends on 1 April 2026",
    "html": (
        "<div style='font-family:system-ui,sans-serif;max-width:560px;margin:24px auto;"
        "color:#17202c'><h1 style='font-size:22px'>Your subscription is cancelled</h1>"
        "<p>Hi Ada, we have cancelled your <b>Pro</b> plan as you asked. You keep everything "
        "until <b>1 April 2026</b>; nothing more will be charged.</p>"
        "<p style='color:#5b6675'>Changed your mind? Reply to this email.</p></div>"
    ),
    "text": "Your subscription is cancelled\n\nHi Ada, we have cancelled your Pro plan as you "
    "asked. You keep everything until 1 April 2026; nothing more will be charged.",
    "locale": "en",
    "customer": "cus_ada",
}


def _outbox(client, demo) -> dict[str, str]:
    """Two decided sessions with an endpoint and a trigger listening, then a worker's tries."""
    hook = endpoint(demo.id, "https://hooks.acme.example/saveflow")
    demo.settings = {
        **demo.settings,
        "messages": {
            "alert_recipients": ["success@acme.example"],
            "alert_triggers": [
                {
                    "name": "Pro customers leaving",
                    "min_mrr": {"usd": 4000},
                    "outcomes": ["cancelled"],
                }
            ],
        },
    }
    db.session.commit()
    gone = FlowActions(client, demo)
    gone.start(customer="cus_gone", subscription="sub_gone", email="gone@customer.example")
    assert gone.answer("missing_feature", "No export to CSV").status_code == 200
    assert gone.post("/cancel").status_code == 200
    saved = FlowActions(client, demo)
    saved.start(customer="cus_saved", subscription="sub_saved")
    saved.accept(saved.answer("too_expensive").json["offers"][0]["id"])
    db.session.rollback()
    # As if the flows ran yesterday, so the tries below happened in the past.
    rows = list(db.session.scalars(select(Delivery).order_by(Delivery.created_at)))
    for row in rows:
        row.created_at -= DAY
        row.next_attempt_at -= DAY
        row.give_up_at -= DAY
    db.session.commit()
    t0 = rows[0].created_at
    for row in rows:
        if row.channel == "webhook" and row.event != "session.alert":
            attempt(row.id, Outcome(True, "http", 200, duration_ms=143), t0 + timedelta(seconds=2))
        elif row.event == "cs_alert":
            attempt(row.id, Outcome(True, "log"), t0 + timedelta(seconds=2))
        elif row.event == "offer_accepted":
            skipped = Outcome(False, "log", error="No address for cus_saved", skipped=True)
            attempt(row.id, skipped, t0 + timedelta(seconds=2))
    down = next(row.id for row in rows if row.event == "session.alert")
    refused = Outcome(False, "http", 502, "502 Bad Gateway", duration_ms=2210)
    for minutes in (0, 1, 3, 7):
        attempt(down, refused, t0 + timedelta(minutes=minutes, seconds=2))
    timeout = Outcome(False, "http", None, "connect timeout after 10 s", duration_ms=10000)
    assert attempt(down, timeout, t0 + DAY + timedelta(minutes=1)) == "dead"
    receipt = queue(demo.id, payload=RECEIPT, recipient="ada@customer.example", at=t0 + DAY)
    attempt(
        receipt, Outcome(True, "sendgrid", 202, duration_ms=312), t0 + DAY + timedelta(seconds=3)
    )
    assert hook
    return {"dead": down, "receipt": receipt}


@pytest.mark.parametrize("device", VIEWPORTS)
def test_the_messages_pages_on_desktop_and_phone(device, chromium, app, client, demo, make_user):
    ids = _outbox(client, demo)
    make_user("ed@team.example", "editor", demo.id)
    db.session.rollback()
    with admin_browser(chromium, app, device, ARTIFACTS) as b:
        page = b.page
        base = f"{b.url}/admin/apps/{demo.id}"
        page.goto(f"{base}/deliveries")
        browser_sign_in(page, "ed@team.example")
        page.wait_for_url(f"**/admin/apps/{demo.id}/deliveries")
        assert page.get_by_role("link", name="Messages").get_attribute("aria-current") == "page"
        b.shot("deliveries")

        page.get_by_role("link", name="1 Dead").click()
        page.wait_for_url("**/deliveries?status=dead")
        page.locator(f'a[href$="/deliveries/{ids["dead"]}"]').click()
        page.wait_for_url(f"**/deliveries/{ids['dead']}")
        assert page.locator(".attempts tbody tr").count() == 5
        b.shot("dead-webhook")
        page.get_by_role("button", name="Retry now").click()
        page.wait_for_url(f"**/deliveries/{ids['dead']}")
        assert "Queued again" in page.locator(".notice").first.inner_text()
        assert fresh(Delivery, ids["dead"]).status == "pending"
        db.session.rollback()  # let the server write again (SQLite has one writer)
        b.shot("retried")

        page.goto(f"{base}/deliveries/{ids['receipt']}")
        frame = page.frame_locator("iframe.email-frame")
        assert frame.locator("h1").inner_text() == "Your subscription is cancelled"
        # Chromium paints a sandboxed frame once it has been on screen.
        page.locator("iframe.email-frame").scroll_into_view_if_needed()
        b.shot("email")

        page.goto(f"{base}/deliveries?channel=email")
        alert = page.locator("tr", has_text="Customer-success alert")
        assert alert.locator(".badge.dlv-log").inner_text() == "Log only"
        alert.locator("td a[href*='/deliveries/']").click()
        assert "Not sent to anyone." in page.locator(".notice.warn").inner_text()
        page.locator("iframe.email-frame").scroll_into_view_if_needed()
        b.shot("alert-email-log-backend")

        page.goto(f"{base}/alerts")
        b.shot("alerts")
        page.locator("details.new-trigger > summary").click()
        new = page.locator("details.new-trigger")
        new.get_by_label("Trigger name").fill("Wants a call")
        amount = new.locator("[name='triggers-1-thresholds-0-amount']")
        amount.fill("1,000.005")
        new.get_by_label("Concierge").check()
        new.get_by_label("Saved: accepted an offer").check()
        b.shot("alerts-new-trigger")
        page.get_by_role("button", name="Save email and alerts").click()
        # Refused: the card stays open with what was typed and says why.
        problem = new.locator(".form-errors")
        assert problem.inner_text() == "MRR 1,000.005 USD: USD amounts are to the cent."
        assert new.get_by_label("Concierge").is_checked()
        b.shot("alerts-refused")
        amount.fill("1,000")
        page.get_by_role("button", name="Save email and alerts").click()
        page.wait_for_url(f"**/admin/apps/{demo.id}/alerts")
        assert "Email and alert settings saved." in page.content()
        triggers = message_settings(fresh(App, demo.id).settings).alert_triggers
        assert triggers[1] == {
            "name": "Wants a call",
            "min_mrr": {"usd": 100000},
            "influenceable": None,
            "categories": [],
            "reasons": [],
            "offer_types": ["concierge"],
            "outcomes": ["saved"],
        }
        b.shot("alerts-saved")
        assert not b.errors, b.errors
