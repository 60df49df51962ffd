"""The admin in a real browser (Debian's Chromium): sign in through the form on a desktop and
on a phone, walk every page, and keep screenshots in test-artifacts/admin/."""

import pytest

from saveflow.extensions import db
from tests.admin.browser import VIEWPORTS, admin_browser
from tests.admin.conftest import browser_sign_in
from tests.conftest import FlowActions


def _sessions(client, demo):
    """A saved, a cancelled and an open session, so the lists have something to show."""
    saved = FlowActions(client, demo)
    saved.start(customer="cus_saved", subscription="sub_saved")
    offer = saved.answer("too_expensive").json["offers"][0]["id"]
    saved.accept(offer)
    cancelled = FlowActions(client, demo)
    cancelled.start(customer="cus_gone", subscription="sub_gone")
    assert cancelled.answer("missing_feature", "No export to CSV").status_code == 200
    cancelled.post("/cancel")
    FlowActions(client, demo).start(customer="cus_open", subscription="sub_open")
    return saved.session_id


@pytest.mark.parametrize("device", VIEWPORTS)
def test_sign_in_and_walk_the_admin(device, chromium, app, client, demo, make_user):
    session_id = _sessions(client, demo)
    make_user("ada@team.example", "admin", demo.id)
    db.session.rollback()
    with admin_browser(chromium, app, device) as b:
        page = b.page
        page.goto(f"{b.url}/admin/apps/{demo.id}/sessions")
        assert "/admin/login" in page.url
        b.shot("login")
        browser_sign_in(page, "ada@team.example")
        page.wait_for_url(f"**/admin/apps/{demo.id}/sessions")
        assert page.get_by_role("heading", level=1).inner_text() == "Sessions"
        assert page.locator("tbody tr").count() == 3
        b.shot("sessions")
        page.goto(f"{b.url}/admin/apps/{demo.id}/sessions/{session_id}")
        assert page.locator(".timeline li").count() >= 3
        b.shot("session")
        page.get_by_role("link", name="Audit log").click()
        page.wait_for_url("**/audit")
        b.shot("audit")
        page.get_by_role("link", name="All apps").click()
        page.wait_for_url("**/admin/")
        b.shot("dashboard")
        # The skip link is the first stop for a keyboard.
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Skip to content"
        page.get_by_role("button", name="Log out").click()
        page.wait_for_url("**/admin/login")
        assert "You are signed out." in page.content()
