"""Every outcome, in a real browser, with the host page on another origin than saveflow."""

import time
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from saveflow.apps.models import App
from saveflow.extensions import db
from saveflow.sessions.models import Session, SessionEvent
from tests.widget.conftest import wait_for


def read_committed(query):
    """Run a read in its own short transaction: on SQLite an open one holds the write lock the
    server threads need, so never keep it while a browser is waiting on them."""
    db.session.rollback()
    try:
        return query()
    finally:
        db.session.rollback()


def stored_outcome(session_id):
    return read_committed(
        lambda: db.session.scalar(select(Session.outcome).where(Session.id == session_id))
    )


def stored_why(session_id):
    result = read_committed(
        lambda: db.session.scalar(select(Session.result).where(Session.id == session_id))
    )
    return result["why"]


def test_saved_en(widget, host_page):
    widget.make_app()
    host = host_page.goto(widget.host.url).open()
    dialog = host.step("survey")
    assert dialog.get_attribute("role") == "dialog"
    assert dialog.get_attribute("aria-modal") == "true"
    frame = host.page.frames[1]
    assert urlsplit(frame.url).netloc != urlsplit(host.page.url).netloc  # cross-origin
    host.shot("1-survey")
    host.frame.get_by_label("It's too expensive").check()
    host.frame.get_by_role("button", name="Next").click()
    host.step("offer")
    terms = host.frame.locator(".sf-terms").inner_text()
    assert "$36.75/month for 3 months, then $49.00/month" in terms
    assert host.frame.locator('[data-action="continue-cancel"]').is_visible()
    host.shot("2-offer")
    host.act("accept")
    host.step("done")
    host.shot("3-done")
    host.act("done")
    result = host.result()
    assert result["outcome"] == "saved"
    assert result["offer"]["id"] == "discount_25_3m"
    assert stored_outcome(result["sessionId"]) == "saved"
    assert host.page.evaluate("document.activeElement.id") == "cancel"  # focus restored
    assert host.page.locator("[data-saveflow=overlay]").count() == 0
    events = [e["type"] for e in host.page.evaluate("window.saveflowEvents")]
    assert events[:2] == ["opening", "started"] and "outcome" in events and events[-1] == "closed"
    assert host.errors == []


def test_withdrawn_after_skipping_the_survey(widget, host_page):
    widget.make_app()
    host = host_page.goto(widget.host.url).open()
    host.step("survey")
    host.act("continue-cancel")  # the survey is skippable
    host.step("confirm")
    host.shot("1-confirm")
    host.act("keep")
    host.step("done")
    host.shot("2-done")
    host.act("done")
    result = host.result()
    assert result["outcome"] == "withdrawn"
    assert stored_outcome(result["sessionId"]) == "withdrawn"


def test_cancelled_in_simplified_chinese(widget, host_page):
    widget.make_app()
    host = host_page.goto(widget.host.url + "/?locale=zh-Hans").open()
    dialog = host.step("survey")
    assert "取消的主要原因" in dialog.locator("#sf-heading").inner_text()
    assert host.page.frames[1].evaluate("document.documentElement.lang") == "zh-Hans"
    host.shot("1-survey")
    host.frame.get_by_label("价格太贵").check()
    host.frame.get_by_role("button", name="下一步").click()
    host.step("offer")
    assert "US$36.75/月" in host.frame.locator(".sf-terms").inner_text()
    host.shot("2-offer")
    host.frame.get_by_role("button", name="继续取消").click()
    dialog = host.step("confirm")
    assert dialog.locator("#sf-heading").inner_text() == "确定要取消订阅吗？"
    # The customer learns when the cancel bites before confirming it.
    assert "之后不再扣费" in dialog.locator(".sf-text").inner_text()
    host.shot("3-confirm")
    host.frame.get_by_role("button", name="取消订阅").click()
    dialog = host.step("done")
    assert dialog.locator("#sf-heading").inner_text() == "您的订阅已取消"
    host.shot("4-done")
    host.act("done")
    result = host.result()
    assert result["outcome"] == "cancelled"
    assert stored_outcome(result["sessionId"]) == "cancelled"


def test_escape_abandons(widget, host_page):
    widget.make_app()
    host = host_page.goto(widget.host.url).open()
    host.step("survey")
    host.page.keyboard.press("Escape")
    result = host.result()
    assert result["outcome"] == "abandoned"
    assert wait_for(lambda: stored_outcome(result["sessionId"]) == "abandoned")
    assert stored_why(result["sessionId"]) == "escape"
    assert host.page.evaluate("document.activeElement.id") == "cancel"


def test_leaving_the_host_page_mid_flow_abandons(widget, host_page):
    widget.make_app()
    host = host_page.goto(widget.host.url).open()
    host.step("survey")
    session_id = host.page.evaluate(
        "window.saveflowEvents.find(e => e.type === 'started').sessionId"
    )
    host.page.goto(widget.host.url + "/billing")
    assert wait_for(lambda: stored_outcome(session_id) == "abandoned")
    assert stored_why(session_id) == "pagehide"


def test_close_button_abandons_in_traditional_chinese(widget, host_page):
    widget.make_app()
    host = host_page.goto(widget.host.url + "/?locale=zh-Hant").open()
    host.step("survey")
    host.frame.get_by_role("button", name="關閉").click()
    result = host.result()
    assert result["outcome"] == "abandoned"
    assert wait_for(lambda: stored_outcome(result["sessionId"]) == "abandoned")
    assert stored_why(result["sessionId"]) == "closed"


def test_payment_recovery_first_for_past_due(widget, host_page):
    widget.make_app()
    host = host_page.goto(widget.host.url + "/?status=past_due").open()
    host.step("payment_recovery")
    host.shot("1-recovery")
    with host.page.context.expect_page() as popup:
        host.frame.get_by_role("link", name="Update payment method").click()
    assert popup.value.url.startswith(widget.host.url + "/billing")
    host.step("done")
    host.act("done")
    result = host.result()
    assert result["outcome"] == "recovered"

    def recovery_noted():
        return read_committed(
            lambda: db.session.scalar(
                select(SessionEvent.type).where(
                    SessionEvent.session_id == result["sessionId"],
                    SessionEvent.type == "payment_recovery_opened",
                )
            )
        )

    # The session stays open for billing's webhook, which alone may book `recovered`.
    assert wait_for(recovery_noted)
    assert stored_outcome(result["sessionId"]) is None


def test_past_due_customer_can_still_continue_to_cancel(widget, host_page):
    widget.make_app()
    host = host_page.goto(widget.host.url + "/?status=past_due").open()
    host.step("payment_recovery")
    host.act("continue-cancel")
    host.step("survey")
    host.act("continue-cancel")
    host.step("confirm")
    host.act("cancel")
    host.step("done")
    host.act("done")
    assert host.result()["outcome"] == "cancelled"


@pytest.mark.parametrize("stop", ["server_down", "bad_token", "origin_not_allowed", "unknown_app"])
def test_saveflow_failing_resolves_error_within_5s(widget, host_page, stop):
    app_id = widget.make_app()
    url = widget.host.url
    if stop == "unknown_app":  # the flow page says so at once instead of timing out
        widget.demo_app = ("app_missing", widget.demo_app[1])
    if stop == "bad_token":
        widget.demo_app = (app_id, "sk_live_wrong")
    if stop == "origin_not_allowed":  # CSP frame-ancestors refuses to render the flow page
        db.session.get(App, app_id).allowed_origins = ["https://shop.example"]
        db.session.commit()
    host = host_page.goto(url)
    if stop == "server_down":
        widget.saveflow.stop()  # the loader is already on the page; saveflow then goes away
        widget.servers.remove(widget.saveflow)
    started = time.monotonic()
    host.open()
    result = host.result(timeout=6000)
    elapsed = time.monotonic() - started
    assert result["outcome"] == "error"
    assert elapsed < (2.0 if stop == "unknown_app" else 5.0)
    assert host.page.locator("[data-saveflow=overlay]").count() == 0
    assert host.page.locator("#fallback").is_visible()  # the host's own cancel takes over
    host.shot("fallback")


def test_flow_page_talks_only_to_an_allowed_parent_origin(widget, host_page):
    app_id = widget.make_app()
    host = host_page.goto(widget.host.url)
    messages = host.page.evaluate(
        """([base, appId]) => new Promise((resolve) => {
            const seen = [];
            addEventListener("message", (e) => seen.push(e.data));
            for (const origin of ["https://evil.example", location.origin]) {
                const frame = document.createElement("iframe");
                frame.src = `${base}/flow/${appId}?origin=${encodeURIComponent(origin)}`;
                document.body.append(frame);
            }
            setTimeout(() => resolve(seen), 1500);
        })""",
        [widget.saveflow.url, app_id],
    )
    # Only the frame told the real (allowed) parent origin says "ready"; the other stays silent.
    assert [m["type"] for m in messages] == ["ready"]
