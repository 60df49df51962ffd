"""The rule builder: editing the draft with forms, publishing, discarding, moving and deleting."""

import re
from copy import deepcopy

import pytest
from sqlalchemy import select

from saveflow.apps.models import AuditEntry
from saveflow.extensions import db
from saveflow.offers import service
from saveflow.offers.models import RuleSet
from tests.admin.conftest import csrf_from
from tests.admin.rules_helpers import form_values, post_rule
from tests.conftest import FlowActions

EVERY_FIELD = [
    {"field": "category", "op": "in", "value": ["too_expensive", "budget_cut"]},
    {"field": "voluntary", "op": "eq", "value": True},
    {"field": "influenceable", "op": "ne", "value": False},
    {"field": "confidence", "op": "gte", "value": 0.5},
    {"field": "plan", "op": "not_in", "value": ["free", "legacy"]},
    {"field": "mrr", "op": "between", "value": [5000, 10050]},
    {"field": "amount", "op": "lt", "value": 4999},
    {"field": "currency", "op": "eq", "value": "usd"},
    {"field": "interval", "op": "eq", "value": "month"},
    {"field": "interval_count", "op": "gt", "value": 1},
    {"field": "quantity", "op": "lte", "value": 20},
    {"field": "status", "op": "ne", "value": "past_due"},
    {"field": "tenure_days", "op": "gte", "value": 90},
    {"field": "locale", "op": "eq", "value": "zh-Hans"},
    {"field": "country", "op": "in", "value": ["US", "CA"]},
    {"field": "attributes.seats", "op": "between", "value": [5, 50]},
    {"field": "attributes.tier", "op": "eq", "value": "3"},
    {"field": "attributes.vip", "op": "eq", "value": True},
    {"field": "attributes.company", "op": "contains", "value": "Inc, Ltd"},
    {"field": "attributes.referrer", "op": "exists"},
    {"field": "days_since_accepted.discount", "op": "missing"},
    {"field": "days_since_accepted.pause", "op": "lt", "value": 365},
]


@pytest.fixture
def editor(demo, make_user, admin):
    make_user("ed@team.example", "editor", demo.id)
    assert admin.login("ed@team.example").status_code == 302
    return f"/admin/apps/{demo.id}/rules"


def audits(app_id, action):
    """The admin's entries of one action (the set-up's own entries come from "test")."""
    query = (
        select(AuditEntry)
        .where(AuditEntry.app_id == app_id, AuditEntry.action == action)
        .where(AuditEntry.actor.like("user:%"))
        .order_by(AuditEntry.id)
    )
    return list(db.session.scalars(query))


def draft_doc(app_id):
    row = service.draft(app_id)
    return row.document if row else None


def rule_of(document, rule_id):
    return next(r for r in document["rules"] if r["id"] == rule_id)


def post(client, url, page_url, data=None):
    token = csrf_from(client.get(page_url).text)
    return client.post(url, data={"csrf_token": token, **(data or {})})


def test_the_first_edit_starts_a_draft_and_leaves_the_published_rules_alone(client, demo, editor):
    published = deepcopy(service.published(demo.id).document)
    response = post_rule(client, f"{editor}/too_expensive", {"offers-0": "pause_2m"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/rules#rule-too_expensive")
    assert service.published(demo.id).document == published
    assert rule_of(draft_doc(demo.id), "too_expensive")["offers"] == ["pause_2m", "downgrade"]
    [entry] = audits(demo.id, "rules.rule_changed")
    assert entry.actor == "user:ed@team.example" and entry.target == "rule:too_expensive"
    assert entry.data["before"]["offers"] == ["discount_25_3m", "downgrade"]
    assert entry.data["after"]["offers"] == ["pause_2m", "downgrade"]
    page = client.get(editor).text
    assert "Unpublished draft · 1 change" in page
    assert re.search(r'id="rule-too_expensive".*?badge change-changed', page, re.S)
    assert "Customers still see version 1" in page


def test_every_condition_field_survives_the_form_unchanged(client, demo, editor):
    document = deepcopy(service.published(demo.id).document)
    rule = rule_of(document, "too_expensive")
    rule["when"] = deepcopy(EVERY_FIELD)
    rule["enabled"] = False
    service.save_draft(demo.id, document, "test")
    db.session.commit()
    expected = deepcopy(draft_doc(demo.id))
    response = post_rule(client, f"{editor}/too_expensive")
    assert response.status_code == 302, response.text
    assert draft_doc(demo.id) == expected
    values = form_values(client.get(f"{editor}/too_expensive").text)
    assert values["conditions-5-value"] == "50, 100.50"  # MRR in the main unit
    assert values["conditions-16-value"] == '"3"'  # a string that looks like a number
    assert values["conditions-18-value"] == "Inc, Ltd"
    assert "enabled" not in values


def test_a_new_rule_from_dropdowns_is_added_last(client, demo, editor):
    changes = {
        "name": "Big accounts",
        "rule_id": "big",
        "conditions-0-field": "category",
        "conditions-0-op": "eq",
        "conditions-0-value": "It's too expensive",  # a label works as well as the key
        "conditions-1-field": "mrr",
        "conditions-1-op": "gte",
        "conditions-1-value": "49.99",
        "conditions-1-offer_type": "discount",
        "conditions-2-field": "days_since_accepted",
        "conditions-2-offer_type": "discount",
        "conditions-2-op": "missing",
        "conditions-2-value": "ignored",
        "offers-0": "concierge",
        "offers-1": "discount_25_3m",
    }
    response = post_rule(client, f"{editor}/new", changes)
    assert response.status_code == 302, response.text
    rules = draft_doc(demo.id)["rules"]
    assert rules[-1] == {
        "id": "big",
        "name": "Big accounts",
        "enabled": True,
        "priority": 0,
        "when": [
            {"field": "category", "op": "eq", "value": "too_expensive"},
            {"field": "mrr", "op": "gte", "value": 4999},
            {"field": "days_since_accepted.discount", "op": "missing"},
        ],
        "offers": ["concierge", "discount_25_3m"],
    }
    [entry] = audits(demo.id, "rules.rule_added")
    assert entry.data == {"before": None, "after": rules[-1]}
    summary = "When the reason is “It&#39;s too expensive” and MRR ≥ 49.99 and never accepted a"
    assert summary in client.get(editor).text


@pytest.mark.parametrize(
    "changes, error_id, message",
    [
        ({"rule_id": "Not A Slug"}, "rule_id-error", "lower-case letters"),
        ({"rule_id": "not_using"}, "rule_id-error", "Another rule already has the id"),
        ({"rule_id": "versions"}, "rule_id-error", "names a page of the rule builder"),
        ({"priority": "high"}, "priority-error", "Enter a whole number."),
        ({"conditions-0-value": ""}, "conditions-0-value-error", "Enter a value"),
        ({"conditions-0-op": "gt"}, "conditions-0-op-error", "does not apply to category"),
        (
            {"conditions-0-field": "mrr", "conditions-0-value": "lots"},
            "conditions-0-value-error",
            "is not a number",
        ),
        (
            {"conditions-0-field": "mrr", "conditions-0-value": "10.001"},
            "conditions-0-value-error",
            "at most two decimals",
        ),
        (
            {"conditions-0-field": "voluntary", "conditions-0-value": "maybe"},
            "conditions-0-value-error",
            "Enter yes or no.",
        ),
        (
            {"conditions-0-field": "attributes", "conditions-0-key": "bad name!"},
            "conditions-0-key-error",
            "Unknown field",
        ),
        (
            {"conditions-0-field": "mrr", "conditions-0-op": "between", "conditions-0-value": "9"},
            "conditions-0-value-error",
            "two numbers",
        ),
        (
            {
                "conditions-0-field": "mrr",
                "conditions-0-op": "between",
                "conditions-0-value": "9,1",
            },
            "conditions-0-value-error",
            "Low must not exceed high.",
        ),
        ({"offers-1": "discount_25_3m"}, "offers-1-error", "listed more than once"),
        ({"offers-0": "no_such_offer"}, "offers-0-error", "Not a valid choice"),
    ],
)
def test_bad_input_is_shown_next_to_the_field_and_nothing_is_saved(
    changes, error_id, message, client, demo, editor
):
    changes = {"offers-0": "discount_25_3m", "offers-1": "downgrade", **changes}
    response = post_rule(client, f"{editor}/too_expensive", changes)
    assert response.status_code == 400
    match = re.search(rf'<p class="error" id="{error_id}">([^<]*)</p>', response.text)
    assert match, response.text
    assert message in match.group(1).replace("&#39;", "'")
    assert "Nothing was saved." in response.text
    assert service.draft(demo.id) is None
    assert audits(demo.id, "rules.rule_changed") == []


def test_an_offer_the_app_switched_off_is_kept_and_reported(client, demo, editor):
    offer = service.find_offer(demo.id, "downgrade")
    offer.active = False
    db.session.commit()
    response = post_rule(client, f"{editor}/too_expensive")
    assert response.status_code == 400
    assert "downgrade (not an active offer)" in response.text
    assert re.search(r'id="offers-1-error">Unknown offer &#39;downgrade&#39;', response.text)
    assert service.draft(demo.id) is None


def test_add_and_remove_rows_without_javascript(client, demo, editor):
    url = f"{editor}/too_expensive"
    response = post_rule(client, url, {"add_condition": "1"})
    assert response.status_code == 200
    values = form_values(response.text)
    assert values["conditions-1-field"] == "category" and values["conditions-1-value"] == ""
    assert "offers-2" in values
    response = post_rule(client, url, {"add_offer": "1"})
    assert "offers-3" in form_values(response.text)
    response = post_rule(client, url, {"remove_condition": "0"})
    assert response.status_code == 200
    assert "conditions-0-field" not in form_values(response.text)
    assert service.draft(demo.id) is None  # none of these saves anything


def test_the_experiment_on_a_rule_is_left_as_it_is(client, demo, editor):
    document = deepcopy(service.published(demo.id).document)
    experiment = {
        "key": "price_test",
        "holdout": 0.1,
        "variants": [
            {"name": "a", "weight": 1.0, "offers": ["discount_25_3m"]},
            {"name": "b", "weight": 1.0, "offers": ["downgrade"]},
        ],
    }
    rule_of(document, "too_expensive")["experiment"] = experiment
    service.save_draft(demo.id, document, "test")
    db.session.commit()
    page = client.get(f"{editor}/too_expensive").text
    assert "runs the experiment <strong>price_test</strong>" in page
    response = post_rule(client, f"{editor}/too_expensive", {"name": "Pricey", "rule_id": "pricey"})
    assert response.status_code == 302
    rule = rule_of(draft_doc(demo.id), "pricey")
    assert rule["experiment"] == experiment and rule["name"] == "Pricey"


def test_unknown_rule_is_404(client, demo, editor):
    assert client.get(f"{editor}/nope").status_code == 404
    assert post(client, f"{editor}/nope/delete", editor).status_code == 404
    assert post(client, f"{editor}/nope/move", editor, {"direction": "up"}).status_code == 404


def _order(document):
    return [r["id"] for r in sorted(document["rules"], key=lambda r: -r.get("priority", 0))]


def test_moving_a_rule_changes_only_that_rule(client, demo, editor):
    before = deepcopy(service.published(demo.id).document)
    order = _order(before)
    response = post(client, f"{editor}/budget_cut/move", editor, {"direction": "up"})
    assert response.status_code == 302 and response.headers["Location"].endswith("#rule-budget_cut")
    after = draft_doc(demo.id)
    assert _order(after) == [*order[:-2], "budget_cut", order[-2]]
    changed = [r["id"] for r in after["rules"] if r not in before["rules"]]
    assert changed == ["budget_cut"]
    [entry] = audits(demo.id, "rules.rule_moved")
    assert entry.data == {"before": {"order": order}, "after": {"order": _order(after)}}
    post(client, f"{editor}/too_expensive/move", editor, {"direction": "down"})
    assert _order(draft_doc(demo.id))[:2] == [order[1], "too_expensive"]
    # The top rule cannot go higher: nothing changes, nothing is recorded.
    top = _order(draft_doc(demo.id))[0]
    post(client, f"{editor}/{top}/move", editor, {"direction": "up"})
    assert len(audits(demo.id, "rules.rule_moved")) == 2


def test_delete_a_rule_from_the_draft(client, demo, editor):
    removed = rule_of(service.published(demo.id).document, "poor_support")
    assert post(client, f"{editor}/poor_support/delete", editor).status_code == 302
    assert "poor_support" not in [r["id"] for r in draft_doc(demo.id)["rules"]]
    [entry] = audits(demo.id, "rules.rule_deleted")
    assert entry.data == {"before": removed, "after": None}
    page = client.get(editor).text
    assert "Removed in the draft" in page and "Support didn&#39;t help me" in page


def test_publish_makes_a_new_immutable_version_the_widget_uses(client, demo, editor):
    post_rule(client, f"{editor}/too_expensive", {"offers-0": "pause_2m"})
    response = post(client, f"{editor}/publish", editor, {"note": "Pause first"})
    assert response.status_code == 302
    row = service.published(demo.id)
    assert (row.version, row.note, row.created_by) == (2, "Pause first", "user:ed@team.example")
    assert service.draft(demo.id) is None
    [entry] = audits(demo.id, "rules.published")
    assert entry.data["before"]["version"] == 1 and entry.data["after"]["version"] == 2
    assert rule_of(entry.data["after"]["document"], "too_expensive")["offers"][0] == "pause_2m"
    flow = FlowActions(client, demo)
    flow.start(customer="cus_after", subscription="sub_after")
    assert flow.answer("too_expensive").json["offers"][0]["id"] == "pause_2m"
    row.document = {"schema": 1, "rules": []}
    with pytest.raises(ValueError, match="published and cannot change"):
        db.session.flush()
    db.session.rollback()


def test_publish_without_a_draft_changes_nothing(client, demo, editor):
    response = post(client, f"{editor}/publish", editor)
    assert response.status_code == 302
    assert service.published(demo.id).version == 1
    assert "There is no draft to publish." in client.get(editor).text


def test_publish_refuses_a_draft_whose_offer_was_switched_off(client, demo, editor):
    post_rule(client, f"{editor}/too_expensive", {"offers-0": "pause_2m"})
    service.find_offer(demo.id, "pause_2m").active = False
    db.session.commit()
    response = post(client, f"{editor}/publish", editor)
    assert response.status_code == 400
    assert "The draft cannot be published:" in response.text
    assert service.published(demo.id).version == 1 and service.draft(demo.id) is not None


def test_discard_the_draft(client, demo, editor):
    post_rule(client, f"{editor}/too_expensive", {"offers-0": "pause_2m"})
    draft = deepcopy(draft_doc(demo.id))
    assert post(client, f"{editor}/discard", editor).status_code == 302
    assert service.draft(demo.id) is None
    [entry] = audits(demo.id, "rules.draft_discarded")
    assert entry.data == {"before": draft, "after": None}
    assert "Version 1 is live" in client.get(editor).text


def test_the_offer_limit_is_part_of_the_draft(client, demo, editor):
    assert post(client, f"{editor}/settings", editor, {"max_offers": "1"}).status_code == 302
    assert draft_doc(demo.id)["max_offers"] == 1
    [entry] = audits(demo.id, "rules.max_offers_changed")
    assert entry.data == {"before": {"max_offers": 2}, "after": {"max_offers": 1}}
    post(client, f"{editor}/settings", editor, {"max_offers": ""})
    assert "max_offers" not in draft_doc(demo.id)
    assert post(client, f"{editor}/settings", editor, {"max_offers": "9"}).status_code == 400


def test_viewers_see_the_rules_without_edit_controls(client, demo, make_user, admin):
    make_user("vi@team.example", "viewer", demo.id)
    admin.login("vi@team.example")
    base = f"/admin/apps/{demo.id}/rules"
    page = client.get(base).text
    assert "It&#39;s too expensive" in page
    for control in ("Add a rule", "Publish draft", "Save limit", "/move", "/delete"):
        assert control not in page
    form = client.get(f"{base}/too_expensive").text
    assert '<fieldset class="plain" disabled>' in form and "Save to draft" not in form
    assert db.session.scalar(select(RuleSet).where(RuleSet.status == "draft")) is None
