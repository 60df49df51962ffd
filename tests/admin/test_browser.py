"""The admin in a real browser (Debian's Chromium): sign in through the form on a desktop and
on a phone, walk every page, and keep screenshots in test-artifacts/admin/."""

from pathlib import Path

import pytest

from saveflow.extensions import db
from tests.admin.conftest import browser_sign_in
from tests.conftest import FlowActions
from tests.widget.conftest import Server

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "admin"
# The elements that stick out past the right edge of the screen, if any.
WIDER_THAN_SCREEN = """
[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .filter(e => {
    // Inside a box that scrolls or clips sideways (a wide table, the section bar) is fine:
    // the page itself does not move.
    for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(p).overflowX)) return false;
    }
    return true;
  })
  .map(e => e.tagName + '.' + e.className).slice(0, 5)
"""
VIEWPORTS = {"desktop": (1280, 800), "phone": (375, 740)}


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
    server = Server(lambda _url: app)
    width, height = VIEWPORTS[device]
    context = chromium.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def shot(name):
        page.screenshot(path=str(ARTIFACTS / f"{device}-{name}.png"), full_page=True)
        assert page.locator("h1").count() == 1
        wide = page.evaluate(WIDER_THAN_SCREEN)
        assert not wide, f"{name} scrolls sideways at {width}px: {wide}"

    try:
        page.goto(f"{server.url}/admin/apps/{demo.id}/sessions")
        assert "/admin/login" in page.url
        shot("login")
        browser_sign_in(page, "ada@team.example")
        page.wait_for_url(f"**/admin/apps/{demo.id}/sessions")
        assert page.get_by_role("heading", level=1).inner_text() == "Sessions"
        assert page.locator("tbody tr").count() == 3
        shot("sessions")
        page.goto(f"{server.url}/admin/apps/{demo.id}/sessions/{session_id}")
        assert page.locator(".timeline li").count() >= 3
        shot("session")
        page.get_by_role("link", name="Audit log").click()
        page.wait_for_url("**/audit")
        shot("audit")
        page.get_by_role("link", name="All apps").click()
        page.wait_for_url("**/admin/")
        shot("dashboard")
        # The skip link is the first stop for a keyboard.
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Skip to content"
        page.get_by_role("button", name="Log out").click()
        page.wait_for_url("**/admin/login")
        assert "You are signed out." in page.content()
    finally:
        context.close()
        server.stop()
