"""The customer reads the plan's name wherever the plan shows, never its billing id."""

import pytest

from saveflow.apps.setup import create_app_with_defaults
from saveflow.extensions import db
from saveflow.sessions.present import plan_name, readable_plan
from tests.conftest import DEFAULT_SNAPSHOT, ORIGIN, FlowActions

UNNAMED = {k: v for k, v in DEFAULT_SNAPSHOT.items() if k != "plan_name"}


@pytest.mark.parametrize(
    "plan_id, shown",
    [
        ("pro", "Pro"),
        ("pro_annual", "Pro Annual"),
        ("team-plus-2025", "Team Plus 2025"),
        ("price_1NxYZ", "Price 1NxYZ"),  # words already cased are left as they are
        ("  ", "  "),
    ],
)
def test_readable_plan(plan_id, shown):
    assert readable_plan(plan_id) == shown


@pytest.mark.parametrize(
    "snapshot, attributes, shown",
    [
        ({"plan": "pro", "plan_name": "Northwind Pro"}, {"plan": "pro"}, "Northwind Pro"),
        # The signed snapshot's name wins over whatever the page passed as an attribute.
        ({"plan": "pro", "plan_name": "Northwind Pro"}, {"plan": "Basic"}, "Northwind Pro"),
        ({"plan": "pro_annual", "plan_name": " "}, {}, "Pro Annual"),
        ({"plan": "pro_annual"}, {"plan": "Pro (yearly)"}, "Pro (yearly)"),
        # An attribute that only repeats the id is no name.
        ({"plan": "pro_annual"}, {"plan": "pro_annual"}, "Pro Annual"),
        ({"plan": "pro_annual"}, {"plan": 7}, "Pro Annual"),
    ],
)
def test_plan_name_prefers_the_snapshot_then_the_attribute_then_the_id(snapshot, attributes, shown):
    assert plan_name(snapshot, attributes) == shown


def test_offer_copy_and_confirm_name_the_plan_when_the_snapshot_does(flow):
    state = flow.start(
        attributes={"plan": "pro"}, snapshot={**DEFAULT_SNAPSHOT, "plan_name": "Northwind Pro"}
    ).json
    assert state["subscription"]["plan_name"] == "Northwind Pro"
    card = flow.answer("too_expensive").json["offers"][0]
    assert card["body"] == "Stay on Northwind Pro and pay a quarter less while you decide."


def test_without_a_name_the_id_is_made_readable(client, app):
    record = create_app_with_defaults(
        "Acme",
        [ORIGIN],
        downgrade_targets={"pro_annual": {"plan": "starter_annual", "amount": 19000}},
        actor="test",
    )
    db.session.commit()
    flow = FlowActions(client, record)
    snapshot = {**UNNAMED, "plan": "pro_annual", "discount": {"percent_off": 10}}
    state = flow.start(attributes={}, snapshot=snapshot).json
    assert state["subscription"]["plan_name"] == "Pro Annual"
    card = flow.answer("too_expensive").json["offers"][0]
    assert card["type"] == "downgrade"
    assert card["terms"]["plan"] == "starter_annual"
    assert card["terms"]["plan_name"] == "Starter Annual"
