"""The Webhooks settings page in Chromium: add an endpoint, see its secret once, switch it off;
screenshots at desktop and phone sizes, and no sideways scrolling."""

from pathlib import Path

import pytest

from saveflow.extensions import db
from saveflow.messaging import endpoints
from tests.admin.browser import VIEWPORTS, admin_browser
from tests.admin.conftest import browser_sign_in

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "admin" / "settings"


@pytest.mark.parametrize("device", VIEWPORTS)
def test_the_webhooks_page_on_desktop_and_phone(device, chromium, app, demo, make_user):
    make_user("ada@team.example", "admin", demo.id)
    endpoints.add_endpoint(
        demo.id,
        "https://hooks.slack.com/services/T0000000/B0000000/abcdefghijklmnopqrstuvwx",
        "slack",
        description="#customer-success",
    )
    db.session.commit()
    with admin_browser(chromium, app, device, ARTIFACTS) as b:
        page = b.page
        page.goto(f"{b.url}/admin/login")
        browser_sign_in(page, "ada@team.example")
        page.wait_for_url("**/admin/")
        page.goto(f"{b.url}/admin/apps/{demo.id}/settings")
        page.get_by_role("link", name="Webhooks").click()
        page.wait_for_url(f"**/admin/apps/{demo.id}/webhooks")
        b.shot("webhooks")
        page.get_by_label("Address").fill(
            "https://crm.example.com/integrations/saveflow/webhooks/receive?account=acme-industries"
        )
        page.get_by_label("Description (optional)").fill("CRM sync")
        page.get_by_role("button", name="Add endpoint").click()
        page.locator("#new-secret").wait_for()
        secret = page.locator("#new-secret").inner_text()
        assert secret.startswith("whsec_")
        b.shot("webhooks-added")
        page.get_by_role("button", name="Switch off").last.click()
        page.wait_for_url(f"**/admin/apps/{demo.id}/webhooks")
        assert "is off." in page.content()
        assert secret not in page.content()
        assert page.get_by_role("button", name="Switch on").count() == 1
        b.shot("webhooks-switched-off")
        assert not b.errors, b.errors
