"""When billing refuses or does not answer, the widget says so and offers a way on: try again,
continue to cancel, or cancel another way. It never shows a cancel that billing did not confirm.

The server's side (502/503, the session left open, a retry writing billing once) is tested against
the fake Stripe in tests/billing; here the browser gets those answers from a route."""

import json

import pytest
from sqlalchemy import select

from saveflow.extensions import db
from saveflow.sessions.models import Session

BILLING_FAILED = {
    "code": "billing_failed",
    "status": 502,
    "message": "Stripe could not apply the offer; nothing was changed.",
    "errors": {},
}


def refuse(host, pattern, status, times):
    """Answer the first `times` calls matching `pattern` as billing would when it fails."""
    left = {"n": times}

    def handle(route):
        if left["n"] > 0:
            left["n"] -= 1
            body = dict(BILLING_FAILED, status=status)
            if status == 503:
                body["code"] = "billing_unavailable"
            route.fulfill(status=status, content_type="application/json", body=json.dumps(body))
        else:
            route.continue_()

    host.page.route(pattern, handle)


def session_outcome(host):
    session_id = host.page.evaluate(
        "window.saveflowEvents.find(e => e.type === 'started').sessionId"
    )
    db.session.rollback()
    try:
        return db.session.scalar(select(Session.outcome).where(Session.id == session_id))
    finally:
        db.session.rollback()


def test_a_failed_accept_offers_retry_and_then_saves(widget, host_page):
    widget.make_app()
    host = host_page.goto(widget.host.url)
    refuse(host, "**/offers/*/accept", 502, times=1)
    host.open().step("survey")
    host.frame.get_by_label("It's too expensive").check()
    host.frame.get_by_role("button", name="Next").click()
    host.step("offer")
    host.act("accept")
    notice = host.frame.locator(".sf-notice")
    notice.wait_for()
    assert "nothing has changed" in notice.inner_text()
    assert host.frame.locator('[data-action="accept"]').count() == 0  # replaced, not doubled
    assert host.frame.locator('.sf-notice [data-action="continue-cancel"]').is_visible()
    host.shot("accept-failed")
    host.act("retry")
    host.step("done")
    host.act("done")
    assert host.result()["outcome"] == "saved"
    events = host.page.evaluate("window.saveflowEvents.map(e => e.type)")
    assert "billing_failed" in events
    assert session_outcome(host) == "saved"
    assert host.errors == []


@pytest.mark.viewport(width=375, height=740)
def test_a_cancel_billing_cannot_confirm_is_never_shown_as_done(widget, host_page):
    widget.make_app()
    host = host_page.goto(widget.host.url)
    refuse(host, "**/cancel", 503, times=99)
    host.open().step("survey")
    host.act("continue-cancel")
    host.step("confirm")
    host.act("cancel")
    notice = host.frame.locator(".sf-notice")
    notice.wait_for()
    assert notice.is_visible() and notice.bounding_box()["y"] + 40 < 740
    assert host.frame.locator("#sf-dialog").get_attribute("data-step") == "confirm"
    host.shot("cancel-failed-phone")
    host.act("retry")  # still down
    notice.wait_for()
    host.act("cancel-elsewhere")
    result = host.result()
    assert result["outcome"] == "error" and result["reason"] == "billing_unavailable"
    assert session_outcome(host) is None  # the host's own cancel path takes over
    assert host.errors == []
