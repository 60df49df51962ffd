"""The Webhooks settings page in Chromium: add an endpoint, see its secret once, switch it off;
screenshots at desktop and phone sizes, and no sideways scrolling."""

from pathlib import Path

import pytest

from saveflow.extensions import db
from saveflow.messaging import endpoints
from tests.admin.conftest import browser_sign_in
from tests.admin.test_browser import VIEWPORTS, WIDER_THAN_SCREEN
from tests.widget.conftest import Server

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
    server = Server(lambda _url: app)
    width, height = VIEWPORTS[device]
    context = chromium.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def shot(name):
        page.screenshot(path=str(ARTIFACTS / f"{device}-{name}.png"), full_page=True)
        assert page.locator("h1").count() == 1, name
        wide = page.evaluate(WIDER_THAN_SCREEN)
        assert not wide, f"{name} scrolls sideways at {width}px: {wide}"

    try:
        page.goto(f"{server.url}/admin/login")
        browser_sign_in(page, "ada@team.example")
        page.wait_for_url("**/admin/")
        page.goto(f"{server.url}/admin/apps/{demo.id}/settings")
        page.get_by_role("link", name="Webhooks").click()
        page.wait_for_url(f"**/admin/apps/{demo.id}/webhooks")
        shot("webhooks")
        page.get_by_label("Address").fill(
            "https://crm.example.com/integrations/saveflow/webhooks/receive?account=acme-industries"
        )
        page.get_by_label("Description (optional)").fill("CRM sync")
        page.get_by_role("button", name="Add endpoint").click()
        page.locator("#new-secret").wait_for()
        secret = page.locator("#new-secret").inner_text()
        assert secret.startswith("whsec_")
        shot("webhooks-added")
        page.get_by_role("button", name="Switch off").last.click()
        page.wait_for_url(f"**/admin/apps/{demo.id}/webhooks")
        assert "is off." in page.content()
        assert secret not in page.content()
        assert page.get_by_role("button", name="Switch on").count() == 1
        shot("webhooks-switched-off")
        assert not errors, errors
    finally:
        context.close()
        server.stop()
