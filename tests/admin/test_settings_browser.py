"""The settings pages in Chromium: an origin added on the settings page lets a host page on it
open the widget (a page on an origin not listed still cannot), the brand page's preview follows
the typing, and screenshots of every page at desktop and phone sizes."""

from pathlib import Path

import pytest

from saveflow.apps.models import App
from saveflow.extensions import db
from saveflow.widget.demo_host import create_demo_host
from tests.admin.browser import VIEWPORTS, admin_browser, browser_at
from tests.admin.conftest import browser_sign_in
from tests.widget.conftest import HostPage, Server, Widget

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "admin" / "settings"


@pytest.fixture
def widget(app):
    """saveflow and the demo host page on two loopback ports (as in the widget's tests)."""
    running = Widget(app)
    yield running
    running.stop()


def _sign_in(page, base, email):
    page.goto(f"{base}/admin/login")
    browser_sign_in(page, email)
    page.wait_for_url("**/admin/")


def test_an_origin_added_in_the_settings_lets_that_host_open_the_widget(
    chromium, widget, make_user
):
    app_id = widget.make_app()
    record = db.session.get(App, app_id)
    record.allowed_origins = ["https://shop.example"]
    db.session.commit()
    make_user("ada@team.example", "admin", app_id)
    db.session.rollback()
    # A second host page, on another port: an origin nobody adds.
    stranger = Server(lambda url: create_demo_host(widget.saveflow.url, url, widget._lookup))
    widget.servers.append(stranger)
    with browser_at(chromium, widget.saveflow.url, "desktop", ARTIFACTS) as b:
        admin_page = b.page
        _sign_in(admin_page, b.url, "ada@team.example")
        admin_page.goto(f"{b.url}/admin/apps/{app_id}/settings")
        origins = admin_page.get_by_label("Allowed origins")
        origins.fill(f"https://shop.example\n{widget.host.url}/")
        admin_page.get_by_role("button", name="Save settings").click()
        admin_page.wait_for_url(f"**/admin/apps/{app_id}/settings")
        assert "Settings saved." in admin_page.content()
        assert origins.input_value() == f"https://shop.example\n{widget.host.url}"
        admin_page.screenshot(path=str(ARTIFACTS / "origin-saved.png"))

        allowed = HostPage(b.context.new_page(), "settings-allowed-origin")
        allowed.goto(widget.host.url).open()
        allowed.step("survey")
        allowed.act("continue-cancel")
        allowed.step("confirm")
        allowed.act("keep")
        allowed.step("done")
        allowed.act("done")
        assert allowed.result()["outcome"] == "withdrawn"

        refused = HostPage(b.context.new_page(), "settings-other-origin")
        refused.goto(stranger.url).open()
        assert refused.result(timeout=8000)["outcome"] == "error"
        assert refused.page.locator("#fallback").is_visible()


@pytest.mark.parametrize("device", VIEWPORTS)
def test_every_settings_page_on_desktop_and_phone(device, chromium, app, client, demo, make_user):
    make_user("boss@team.example", "admin", None)
    make_user("ed@team.example", "editor", demo.id)
    db.session.rollback()
    with admin_browser(chromium, app, device, ARTIFACTS) as b:
        page = b.page
        base = f"{b.url}/admin/apps/{demo.id}"
        _sign_in(page, b.url, "boss@team.example")
        b.shot("dashboard")
        page.get_by_role("link", name="New app").click()
        page.wait_for_url("**/admin/apps/new")
        b.shot("new-app")
        page.goto(f"{base}/settings")
        b.shot("settings")
        page.goto(f"{base}/brand")
        frame = page.frame_locator("#preview-frame")
        frame.locator('[data-key="next"]').wait_for()
        assert frame.locator('[data-key="next"]').inner_text() == "Next"
        # The preview follows the typing, in the language being edited.
        page.locator("details[data-group=survey] [name='copy.next.en']").fill("Onwards, {plan}")
        assert frame.locator('[data-key="next"]').inner_text() == "Onwards, Pro"
        page.get_by_label("Accent colour").fill("#0e7c66")
        colour = frame.locator('[data-screen="survey"]').evaluate(
            "el => getComputedStyle(el.querySelector('.sf-primary')).backgroundColor"
        )
        assert colour == "rgb(14, 124, 102)"
        page.get_by_role("radio", name="简体中文 (Simplified Chinese)").check()
        assert frame.locator('[data-key="next"]').inner_text() == "下一步"
        page.locator("details[data-group=confirm] summary").click()
        page.locator("[name='copy.confirm_heading.zh-Hans']").fill("真的要走吗？")
        assert frame.locator('[data-screen="confirm"]').is_visible()
        assert frame.locator('[data-key="confirm_heading"]').inner_text() == "真的要走吗？"
        b.shot("brand")
        page.get_by_role("button", name="Save brand and copy").click()
        page.wait_for_url(f"**/admin/apps/{demo.id}/brand")
        assert "Brand and copy saved." in page.content()
        page.goto(f"{base}/secrets")
        b.shot("secrets")
        page.locator("#test-grace-0").check()  # 1 hour
        page.get_by_role("button", name="Rotate the test secret").click()
        page.locator("#new-secret").wait_for()
        assert page.locator("#new-secret").inner_text().startswith("sk_test_")
        b.shot("secrets-rotated")
        page.goto(f"{base}/stripe")
        b.shot("stripe")
        page.goto(f"{base}/users")
        page.get_by_label("Email").fill("new@team.example")
        page.get_by_role("button", name="Add to team").click()
        page.locator("#new-password").wait_for()
        b.shot("team")
        assert not b.errors, b.errors
