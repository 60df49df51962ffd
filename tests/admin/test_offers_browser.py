"""The offers editor and the widget preview in Chromium, at 1280x800 and 375x740: a title typed
into the form shows on the widget's own card at once, and the preview opens the real widget as a
sample customer. Screenshots go to test-artifacts/admin/."""

import pytest
from sqlalchemy import select

from saveflow.extensions import db
from saveflow.sessions.models import Session
from tests.admin.browser import VIEWPORTS, admin_browser
from tests.admin.conftest import browser_sign_in


@pytest.fixture
def browse(device, chromium, app, demo, make_user):
    """An editor signed in on the device's screen, with no entrance animation (screenshots then
    catch the widget fully drawn)."""
    make_user("ed@team.example", "editor", demo.id)
    db.session.rollback()
    with admin_browser(chromium, app, device, reduced_motion="reduce") as b:
        b.page.goto(f"{b.url}/admin/login")
        browser_sign_in(b.page, "ed@team.example")
        b.page.wait_for_url("**/admin/")
        yield b


@pytest.mark.parametrize("device", VIEWPORTS)
def test_typing_a_title_redraws_the_widget_card(browse, demo):
    page, base = browse.page, browse.url
    page.goto(f"{base}/admin/apps/{demo.id}/offers")
    browse.shot("offers")
    page.get_by_role("link", name="discount_25_3m").click()
    card = page.frame_locator("#card-frame")
    assert card.locator(".sf-offer-title").inner_text() == "25% off your next 3 months"
    assert card.locator(".sf-terms").inner_text() == "$36.75/month for 3 months, then $49.00/month"
    assert card.locator(".sf-primary").inner_text() == "Accept offer"
    page.get_by_label("Title").first.fill("Stay for less, {first_name}")
    page.wait_for_function(
        "document.querySelector('#card-frame').contentDocument"
        ".querySelector('.sf-offer-title').textContent === 'Stay for less, Alex'"
    )
    page.get_by_label("Percent off").fill("50")
    page.wait_for_function(
        "document.querySelector('#card-frame').contentDocument"
        ".querySelector('.sf-terms').textContent.startsWith('$24.50/month')"
    )
    page.get_by_role("radio", name="简体中文").check()
    assert card.locator(".sf-offer-title").inner_text() == "接下来 3 个月享 75 折"
    assert card.locator(".sf-primary").inner_text() == "接受优惠"
    assert "US$24.50/月" in card.locator(".sf-terms").inner_text()
    browse.shot("offer-edit")
    page.get_by_role("button", name="Save offer").click()
    page.wait_for_url("**/offers/discount_25_3m")
    assert "Offer discount_25_3m saved." in page.content()
    assert page.get_by_label("Percent off").input_value() == "50"


@pytest.mark.parametrize("device", VIEWPORTS)
def test_preview_opens_the_real_widget_as_a_sample_customer(browse, demo):
    page, base = browse.page, browse.url
    page.goto(f"{base}/admin/apps/{demo.id}/offers/discount_25_3m")
    page.get_by_role("link", name="Preview as a customer").click()
    page.wait_for_url("**/preview?offer=discount_25_3m")
    assert page.get_by_label("Reason category").input_value() == "too_expensive"
    expected = page.locator("#expected-offers li").all_inner_texts()
    assert expected == ["discount_25_3m", "downgrade"]
    page.get_by_label("Language").select_option("zh-Hans")
    page.get_by_role("button", name="Use this customer").click()
    page.wait_for_url("**locale=zh-Hans**")
    browse.shot("preview")
    page.get_by_role("button", name="Open the widget").click()
    frame = page.frame_locator("iframe[title='Cancel subscription']")
    frame.get_by_label("价格太贵").check()
    frame.get_by_role("button", name="下一步").click()
    assert frame.locator(".sf-offer-title").inner_text() == "接下来 3 个月享 75 折"
    browse.shot("preview-widget", full_page=False)
    frame.get_by_role("button", name="接受优惠").click()
    frame.get_by_role("button", name="完成").click()
    page.locator("#run-log .outcome").wait_for()
    log = page.locator("#run-log").inner_text()
    assert "Offer shown: discount_25_3m (discount)." in log
    assert "Outcome: saved with offer discount_25_3m." in log
    session = db.session.scalars(select(Session).where(Session.app_id == demo.id)).one()
    assert session.mode == "test" and session.rule_id == "too_expensive"
    assert session.customer.startswith("cus_preview_")
    page.get_by_role("link", name=session.id).click()
    page.wait_for_url(f"**/sessions/{session.id}")


@pytest.mark.parametrize("device", VIEWPORTS)
def test_a_new_downgrade_with_a_mistake_shows_it_on_the_field(browse, demo):
    page, base = browse.page, browse.url
    page.goto(f"{base}/admin/apps/{demo.id}/offers/new")
    page.get_by_role("link", name="Downgrade").click()
    page.get_by_label("Key").fill("cheaper_plan")
    page.get_by_label("Current plan id").fill("team")
    page.get_by_label("Cheaper plan id").fill("team")
    page.get_by_label("Its price").fill("2900")
    page.get_by_role("button", name="Add a plan").click()
    assert page.locator("[data-row]").count() == 2
    page.get_by_label("Title").first.fill("A smaller plan for {company}")
    page.get_by_role("button", name="Create offer").click()
    assert page.get_by_role("alert").first.inner_text().startswith("This offer was not saved.")
    assert "must differ" in page.locator("#f-targets-0-plan-error").inner_text()
    browse.shot("offer-new-error")
    page.get_by_label("Cheaper plan id").first.fill("solo")
    page.get_by_label("Name shown").first.fill("Solo")
    page.wait_for_function(
        "document.querySelector('#card-frame').contentDocument"
        ".querySelector('.sf-terms').textContent.startsWith('Solo for $29.00/month')"
    )
    assert page.frame_locator("#card-frame").locator(".sf-offer-title").inner_text() == (
        "A smaller plan for Example Co"
    )
    page.get_by_role("button", name="Create offer").click()
    page.wait_for_url("**/offers/cheaper_plan")
    assert "Offer cheaper_plan created." in page.content()
