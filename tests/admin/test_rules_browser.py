"""The rule builder in Chromium, the way a newcomer uses it: sign in, change the offer for "too
expensive", publish, and see the widget on the host page show the new offer."""

import pytest

from saveflow.accounts.service import create_user
from saveflow.extensions import db
from saveflow.offers import service
from tests.admin.browser import ARTIFACTS, VIEWPORTS, admin_browser, browser_at
from tests.admin.conftest import PASSWORD, browser_sign_in
from tests.widget.conftest import HostPage, Widget

SHOTS = ARTIFACTS / "rules"


def _sign_in(page, base, email, next_path):
    page.goto(f"{base}/admin/login?next={next_path}")
    browser_sign_in(page, email)
    page.wait_for_url(f"**{next_path}")


def _published_offers(app_id):
    db.session.rollback()
    try:
        rules = service.published(app_id).document["rules"]
        return next(r["offers"] for r in rules if r["id"] == "too_expensive")
    finally:
        db.session.rollback()


def test_editor_changes_the_too_expensive_offer_and_the_widget_shows_it(app, chromium):
    widget = Widget(app)
    try:
        app_id = widget.make_app()
        create_user("eve@team.example", PASSWORD, "editor", app_id)
        db.session.commit()
        with browser_at(chromium, widget.saveflow.url, "desktop", SHOTS) as b:
            page = b.page
            _sign_in(page, b.url, "eve@team.example", "/admin/")
            page.get_by_role("link", name="Acme standard").first.click()
            page.get_by_role("link", name="Rules", exact=True).click()
            page.wait_for_url(f"**/admin/apps/{app_id}/rules")
            b.shot("1-rules-live")
            page.get_by_role("link", name="It's too expensive").first.click()
            page.wait_for_url("**/rules/too_expensive")
            page.get_by_label("Primary offer").select_option("pause_2m")
            b.shot("2-edit")
            page.get_by_role("button", name="Save to draft").click()
            page.wait_for_url(f"**/admin/apps/{app_id}/rules*")
            rule = page.locator("#rule-too_expensive")
            assert rule.locator(".badge", has_text="Changed").count() == 1
            assert "offer Pause for 2 months instead, else Switch to a smaller plan" in (
                rule.locator(".summary").inner_text()
            )
            assert _published_offers(app_id) == ["discount_25_3m", "downgrade"]  # not live yet
            b.shot("3-draft")
            page.get_by_label("Note (optional)").fill("Pause instead of a discount")
            page.get_by_role("button", name="Publish draft").click()
            page.wait_for_url(f"**/admin/apps/{app_id}/rules")
            assert "Published version 2" in page.locator(".notice").inner_text()
            assert _published_offers(app_id) == ["pause_2m", "downgrade"]
            b.shot("4-published")

        host_context = chromium.new_context(viewport={"width": 1000, "height": 760})
        host = HostPage(host_context.new_page(), "rules-published-offer")
        host.page.set_default_timeout(8000)
        host.goto(widget.host.url).open()
        host.step("survey")
        host.frame.get_by_label("It's too expensive").check()
        host.frame.get_by_role("button", name="Next").click()
        offer = host.step("offer")
        assert "Pause for 2 months instead" in offer.inner_text()
        assert "25% off" not in offer.inner_text()
        host.page.screenshot(path=str(SHOTS / "desktop-5-widget-offer.png"))
        assert host.errors == [] and b.errors == []
        host_context.close()
    finally:
        widget.stop()


@pytest.mark.parametrize("device", VIEWPORTS)
def test_build_a_rule_with_the_form_and_roll_back(device, app, chromium, demo, make_user):
    make_user("eve@team.example", "editor", demo.id)
    db.session.rollback()
    base = f"/admin/apps/{demo.id}/rules"
    with admin_browser(chromium, app, device, SHOTS) as b:
        page = b.page
        page.on("dialog", lambda dialog: dialog.accept())
        _sign_in(page, b.url, "eve@team.example", base)
        page.get_by_role("link", name="Add a rule").click()
        page.wait_for_url("**/rules/new")
        page.get_by_label("Name", exact=True).fill("Expensive and big")
        page.get_by_label("Rule id").fill("big_spenders")
        first = page.locator("fieldset.cond").nth(0)
        first.get_by_label("Value").fill("too_expensive")
        page.get_by_role("button", name="+ Add condition").click()
        second = page.locator("fieldset.cond").nth(1)
        second.get_by_label("Field").select_option("mrr")
        second.get_by_label("Operator").select_option("gte")
        second.get_by_label("Value").fill("lots")
        page.get_by_role("button", name="+ Add condition").click()
        third = page.locator("fieldset.cond").nth(2)
        third.get_by_label("Field").select_option("attributes")
        assert third.get_by_label("Attribute name").is_visible()
        third.get_by_label("Attribute name").fill("seats")
        third.get_by_label("Operator").select_option("between")
        third.get_by_label("Value").fill("5, 50")
        # A row added by mistake goes again without a round trip to the server.
        page.get_by_role("button", name="+ Add condition").click()
        assert page.locator("fieldset.cond").count() == 4
        page.get_by_role("button", name="Remove condition 4").click()
        assert page.locator("fieldset.cond legend").last.text_content() == "Condition 3"
        assert page.locator("fieldset.cond").count() == 3
        page.get_by_label("Primary offer").select_option("concierge")
        page.get_by_role("button", name="+ Add fallback").click()
        page.get_by_label("Fallback 1").select_option("discount_25_3m")
        page.get_by_role("button", name="Add to draft").click()
        # A typo is shown next to its field; everything typed is still there.
        error = page.locator("#conditions-1-value-error")
        assert error.inner_text() == "“lots” is not a number."
        assert page.locator("#conditions-1-value").get_attribute("aria-describedby") == (
            "conditions-1-value-error"
        )
        assert page.get_by_label("Fallback 1").input_value() == "discount_25_3m"
        b.shot("new-rule-error")
        page.locator("#conditions-1-value").fill("100")
        b.shot("new-rule")
        page.get_by_role("button", name="Add to draft").click()
        page.wait_for_url(f"**{base}*")
        rule = page.locator("#rule-big_spenders")
        assert rule.locator(".summary").inner_text() == (
            "When the reason is “It's too expensive” and MRR ≥ 100 and attribute “seats” is "
            "between 5 and 50 → offer Let us set it up for you, else 25% off your next 3 months"
        )
        # A new rule runs last; move it to the top with the arrow, by keyboard.
        for _ in range(20):
            up = rule.get_by_role("button", name="Move Expensive and big up")
            if up.is_disabled():
                break
            up.focus()
            page.keyboard.press("Enter")
            page.wait_for_load_state()
            rule = page.locator("#rule-big_spenders")
        assert page.locator(".rule-list").first.locator("li h3").first.inner_text() == (
            "Expensive and big"
        )
        b.shot("draft")
        page.get_by_role("button", name="Publish draft").click()
        page.wait_for_url(f"**{base}")
        page.get_by_role("link", name="Version history").click()
        page.wait_for_url("**/rules/versions")
        b.shot("versions")
        page.get_by_role("link", name="Changes in version 2").click()
        page.wait_for_url("**/rules/diff*")
        assert page.locator(".diff-rule.diff-added h2").inner_text() == "Expensive and big"
        b.shot("diff")
        page.go_back()
        page.get_by_role("button", name="Roll back to 1").click()
        page.wait_for_url("**/rules/versions")
        assert "Version 1 is back in force as version 3." in page.locator(".notice").inner_text()
        db.session.rollback()
        assert service.published(demo.id).document == service.version(demo.id, 1).document
        db.session.rollback()
