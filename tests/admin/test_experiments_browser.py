"""Experiments and the simulator in Chromium: an editor starts an experiment, sees it running,
opens its results, then runs the simulator; screenshots at desktop and phone size."""

from copy import deepcopy

import pytest

from saveflow.extensions import db
from saveflow.offers import service
from tests.admin.browser import VIEWPORTS, admin_browser
from tests.admin.conftest import browser_sign_in
from tests.conftest import FlowActions


def _history(client, demo, count=6):
    for number in range(count):
        flow = FlowActions(client, demo)
        flow.start(customer=f"cus_h{number}", subscription=f"sub_h{number}")
        reason = "too_expensive" if number % 2 else "not_using"
        offers = flow.answer(reason).json["offers"]
        if number % 3 == 0:
            flow.accept(offers[0]["id"])
        else:
            flow.post("/cancel")


@pytest.mark.parametrize("device", VIEWPORTS)
def test_editor_starts_an_experiment_and_simulates(device, chromium, app, client, demo, make_user):
    _history(client, demo)
    make_user("ed@team.example", "editor", demo.id)
    db.session.rollback()
    with admin_browser(chromium, app, device) as b:
        page = b.page
        page.goto(f"{b.url}/admin/apps/{demo.id}/experiments")
        browser_sign_in(page, "ed@team.example")
        page.wait_for_url("**/experiments")
        b.shot("experiments-empty")
        page.get_by_role("link", name="Too expensive").click()
        page.wait_for_url("**/experiments/too_expensive")
        assert "Starting publishes" in page.content()
        page.get_by_label("Experiment key").fill("price-pause")
        page.get_by_label("Holdout (% of customers who see no offer)").fill("20")
        second = page.locator("fieldset.variant").nth(1)
        second.get_by_label("Variant name").fill("pause")
        second.get_by_label("First offer").select_option("pause_2m")
        page.get_by_role("button", name="Add a variant").click()
        assert page.locator("fieldset.variant").count() == 4
        assert page.evaluate("document.activeElement.name") == "variants-3-name"
        b.shot("experiment-form")
        page.get_by_role("button", name="Start experiment").click()
        page.wait_for_url("**/experiments")
        assert "is running on rule too_expensive" in page.content()
        card = page.locator("li.exp", has_text="price-pause")
        assert card.locator(".badge").inner_text() == "Running"
        assert "40%" in card.inner_text()  # (100% − 20%) ÷ 2 each
        b.shot("experiments-running")

        # Customers reach the rule under the experiment.
        for number in range(8):
            flow = FlowActions(client, demo)
            flow.start(customer=f"cus_x{number}", subscription=f"sub_x{number}")
            flow.answer("too_expensive")
            flow.post("/cancel" if number % 2 else "/withdraw")
        page.reload()
        card = page.locator("li.exp", has_text="price-pause")
        card.get_by_role("link", name="Results").click()
        page.wait_for_url("**/results?key=price-pause")
        rows = page.locator("table.results tbody tr")
        assert rows.count() == 3  # control, pause, holdout
        counted = sum(int(rows.nth(i).locator("td").first.inner_text()) for i in range(3))
        assert counted == 8
        b.shot("experiment-results")

        draft = deepcopy(service.published(demo.id).document)
        for rule in draft["rules"]:
            if rule["id"] == "not_using":
                rule["offers"] = ["training"]
        service.save_draft(demo.id, draft, "test")
        db.session.commit()
        page.goto(f"{b.url}/admin/apps/{demo.id}/experiments")
        page.get_by_role("link", name="Simulate the rules").click()
        page.wait_for_url("**/rules/simulate")
        page.get_by_label("Sessions to replay").fill("100")
        page.get_by_label("List").select_option("all")
        page.get_by_role("button", name="Run simulation").click()
        page.wait_for_url("**/rules/simulate?*")
        assert page.locator(".sim-table tbody tr").count() == 14
        # Every not_using session now sees training; too_expensive sessions from before the
        # experiment now fall into its groups, so some of those change too.
        changed = int(page.locator("#changed-count").inner_text())
        assert changed >= 3 and page.locator(".sim-table tr.changed").count() == changed
        not_using = page.locator(".sim-table tbody tr", has_text="Not using")
        assert not_using.count() == 3
        assert page.locator(".sim-table tbody tr.changed", has_text="Not using").count() == 3
        b.shot("simulator")
