"""The API tokens page in Chromium: reached from the top bar, a token made, used and revoked,
on a desktop and on a phone (screenshots in test-artifacts/admin/)."""

import pytest

from saveflow.extensions import db
from tests.admin.browser import VIEWPORTS, admin_browser
from tests.admin.conftest import browser_sign_in

REPORT = "/api/v1/reports/saved-revenue"


@pytest.mark.parametrize("device", VIEWPORTS)
def test_make_use_and_revoke_a_token(device, chromium, app, client, demo, make_user):
    make_user("cfo@team.example", "finance", demo.id)
    db.session.rollback()
    with admin_browser(chromium, app, device) as b:
        page = b.page
        page.goto(f"{b.url}/admin/login")
        browser_sign_in(page, "cfo@team.example")
        page.wait_for_url("**/admin/")
        page.get_by_role("link", name="API tokens").click()
        page.get_by_label("Name").fill("Month-end export")
        page.get_by_role("button", name="Make token").click()
        token = page.locator("#new-token").inner_text().strip()
        assert page.get_by_role("button", name="Copy token").is_visible()
        b.shot("api-token-made")
        used = client.get(REPORT, headers={"Authorization": f"Bearer {token}"})
        assert used.status_code == 200 and used.json["app"] == demo.id
        page.goto(page.url)  # a fresh GET: reloading would post the form again
        assert page.locator("#new-token").count() == 0
        page.get_by_role("button", name="Revoke Month-end export").click()
        assert page.get_by_role("status").filter(has_text="no longer works").is_visible()
        b.shot("api-token-revoked")
        assert client.get(REPORT, headers={"Authorization": f"Bearer {token}"}).status_code == 401
