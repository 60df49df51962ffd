"""Rule versions: history, rollback, the diff page, and JSON import and export."""

import io
import json
from copy import deepcopy

import pytest

from saveflow.extensions import db
from saveflow.offers import service
from tests.admin.test_rules import audits, draft_doc, post, rule_of
from tests.conftest import FlowActions


@pytest.fixture
def editor(demo, make_user, admin):
    make_user("ed@team.example", "editor", demo.id)
    assert admin.login("ed@team.example").status_code == 302
    return f"/admin/apps/{demo.id}/rules"


def publish_offers(app_id, offers, note):
    document = deepcopy(service.published(app_id).document)
    rule_of(document, "too_expensive")["offers"] = offers
    service.save_draft(app_id, document, "test", note)
    row = service.publish(app_id, "test")
    db.session.commit()
    return row


def first_offer(client, demo, customer):
    """The first offer a new customer who finds it too expensive sees now."""
    flow = FlowActions(client, demo)
    flow.start(customer=customer, subscription=f"sub_{customer}")
    return flow.answer("too_expensive").json["offers"][0]["id"]


def test_versions_list_who_when_and_note(client, demo, editor):
    publish_offers(demo.id, ["pause_2m"], "pause first")
    page = client.get(f"{editor}/versions").text
    assert "pause first" in page and "default rules" in page
    assert 'badge state-live">Live' in page
    assert f"{editor}/rollback/1" in page and f"{editor}/rollback/2" not in page
    assert f"{editor}/diff?a=1&amp;b=2" in page


def test_rollback_publishes_a_copy_of_the_old_version(client, demo, editor):
    original = deepcopy(service.version(demo.id, 1).document)
    publish_offers(demo.id, ["pause_2m"], "pause first")
    assert first_offer(client, demo, "cus_a") == "pause_2m"
    response = post(client, f"{editor}/rollback/1", f"{editor}/versions")
    assert response.status_code == 302
    live = service.published(demo.id)
    assert live.version == 3 and live.document == original
    assert live.note == "rollback to version 1"
    assert service.version(demo.id, 2).document != original  # history kept as it was
    assert first_offer(client, demo, "cus_b") == "discount_25_3m"
    [entry] = audits(demo.id, "rules.rolled_back")
    assert entry.data["before"]["version"] == 2 and entry.data["after"]["version"] == 3
    assert entry.data["after"]["document"] == original


def test_rollback_keeps_an_open_draft_above_the_new_version(client, demo, editor):
    publish_offers(demo.id, ["pause_2m"], "v2")
    document = deepcopy(service.published(demo.id).document)
    document["max_offers"] = 1
    service.save_draft(demo.id, document, "test")
    db.session.commit()
    post(client, f"{editor}/rollback/1", f"{editor}/versions")
    # The restored version takes the next number; the draft moves above it.
    assert service.published(demo.id).version == 4
    assert service.version(demo.id, 4).document == service.version(demo.id, 1).document
    assert service.draft(demo.id).version == 5 and draft_doc(demo.id)["max_offers"] == 1


def test_rollback_to_the_live_version_or_a_missing_one(client, demo, editor):
    versions = f"{editor}/versions"
    response = post(client, f"{editor}/rollback/1", versions)
    assert response.status_code == 302
    assert "already in force" in client.get(versions).text
    assert post(client, f"{editor}/rollback/99", versions).status_code == 404
    assert service.published(demo.id).version == 1
    assert audits(demo.id, "rules.rolled_back") == []


def test_the_diff_page_in_plain_words_and_as_json(client, demo, editor):
    publish_offers(demo.id, ["pause_2m", "downgrade"], "v2")
    page = client.get(f"{editor}/diff?a=1&b=2").text
    assert "Changes from version 1 to version 2" in page
    assert (
        "Offers: offer 25% off your next 3 months, else Switch to a smaller plan → "
        "offer Pause for 2 months instead, else Switch to a smaller plan"
    ) in page
    assert '<span class="add">+        &#34;pause_2m&#34;,</span>' in page
    draft = deepcopy(service.published(demo.id).document)
    draft["rules"] = [r for r in draft["rules"] if r["id"] != "poor_support"]
    service.save_draft(demo.id, draft, "test")
    db.session.commit()
    page = client.get(f"{editor}/diff?a=2&b=draft").text
    assert "Changes from version 2 to the draft" in page
    assert "diff-rule diff-removed" in page and "Support didn&#39;t help me" in page
    # Without arguments: the live version against the draft.
    assert "Changes from version 2 to the draft" in client.get(f"{editor}/diff").text
    assert "No differences" in client.get(f"{editor}/diff?a=1&b=1").text
    for bad in ("a=99", "b=nope", "a=-1"):
        assert client.get(f"{editor}/diff?{bad}").status_code == 404


def test_export_any_version_or_the_draft(client, demo, editor):
    response = client.get(f"{editor}/export")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == f'inline; filename="{demo.id}-rules-v1.json"'
    response = client.get(f"{editor}/export?version=1&download=1")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert json.loads(response.text) == service.published(demo.id).document
    assert client.get(f"{editor}/export?version=draft").status_code == 404
    service.save_draft(demo.id, {"schema": 1, "rules": []}, "test")
    db.session.commit()
    response = client.get(f"{editor}/export?version=draft")
    assert json.loads(response.text) == {"schema": 1, "rules": []}
    assert "rules-draft.json" in response.headers["Content-Disposition"]
    assert client.get(f"{editor}/export?version=7").status_code == 404


def _import(client, editor, **data):
    return post(client, f"{editor}/import", f"{editor}/versions", data)


def test_import_pasted_json_as_the_draft(client, demo, editor):
    document = deepcopy(service.published(demo.id).document)
    document["rules"] = document["rules"][:2]
    before = deepcopy(service.published(demo.id).document)
    response = _import(client, editor, text=json.dumps(document), note="trimmed")
    assert response.status_code == 302 and response.headers["Location"].endswith("/rules")
    assert draft_doc(demo.id) == document and service.published(demo.id).version == 1
    [entry] = audits(demo.id, "rules.imported")
    assert entry.data == {"before": before, "after": document}


def test_import_a_file_and_publish_it(client, demo, editor):
    document = deepcopy(service.published(demo.id).document)
    rule_of(document, "too_expensive")["offers"] = ["pause_2m"]
    upload = (io.BytesIO(json.dumps(document).encode()), "rules.json")
    response = _import(client, editor, file=upload, publish="y", note="from staging")
    assert response.status_code == 302
    live = service.published(demo.id)
    assert (live.version, live.note, live.document) == (2, "from staging", document)
    assert service.draft(demo.id) is None
    assert first_offer(client, demo, "cus_a") == "pause_2m"
    assert len(audits(demo.id, "rules.imported")) == 1
    assert len(audits(demo.id, "rules.published")) == 1


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "Choose a file or paste a rule set."),
        ("{not json", "That is not valid JSON"),
        ("[1, 2]", "A rule set is a JSON object"),
        ('{"schema": 2}', "schema: Only schema 1 exists."),
        (
            '{"schema": 1, "rules": [{"id": "x", "offers": ["nope"]}]}',
            "rules.0.offers.0: Unknown offer &#39;nope&#39;.",
        ),
    ],
)
def test_import_refuses_bad_documents(text, message, client, demo, editor):
    response = _import(client, editor, text=text, publish="y")
    assert response.status_code == 400
    assert message in response.text and "Nothing was imported." in response.text
    assert service.draft(demo.id) is None and service.published(demo.id).version == 1
    assert audits(demo.id, "rules.imported") == []


def test_import_refuses_a_file_that_is_not_utf8(client, demo, editor):
    upload = (io.BytesIO(b"\xff\xfe{"), "rules.json")
    response = _import(client, editor, file=upload)
    assert response.status_code == 400 and "not UTF-8" in response.text
