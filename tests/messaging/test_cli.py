"""`flask saveflow webhooks add | list | remove | rotate-secret`."""

import json

from sqlalchemy import select, text

from saveflow.apps.models import AuditEntry
from saveflow.extensions import db
from saveflow.messaging.models import WebhookEndpoint

URL = "https://hooks.example.com/saveflow"


def _run(app, *args):
    return app.test_cli_runner().invoke(args=["saveflow", "webhooks", *args])


def _raw_secret(endpoint_id):
    return db.session.scalar(
        text("SELECT secret FROM webhook_endpoints WHERE id = :id"), {"id": endpoint_id}
    )


def test_add_json_prints_the_id_and_secret_once(app, demo):
    result = _run(app, "add", "--app", demo.id, "--url", URL, "--json")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 1
    printed = json.loads(lines[0])
    assert list(printed) == ["id", "secret"]
    assert printed["id"].startswith("whe_") and printed["secret"].startswith("whsec_")
    db.session.rollback()
    endpoint = db.session.get(WebhookEndpoint, printed["id"])
    assert (
        endpoint.app_id == demo.id and endpoint.url == URL and endpoint.secret == printed["secret"]
    )
    # At rest the column holds ciphertext, never the secret.
    raw = _raw_secret(printed["id"])
    assert raw != printed["secret"] and printed["secret"] not in raw
    # Nothing else ever shows it again.
    listed = _run(app, "list", "--app", demo.id)
    assert listed.exit_code == 0 and printed["id"] in listed.output and URL in listed.output
    assert printed["secret"] not in listed.output
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "webhook.added"))
    assert [entry.actor for entry in entries] == ["cli"]
    assert printed["secret"] not in json.dumps([e.data for e in entries])


def test_add_readable_with_events_and_a_description(app, demo):
    result = _run(
        app,
        *("add", "--app", demo.id, "--url", URL, "--event", "session.alert"),
        *("--event", "offer.accepted", "--description", "CRM"),
    )
    assert result.exit_code == 0, result.output
    db.session.rollback()
    [endpoint] = db.session.scalars(select(WebhookEndpoint)).all()
    assert endpoint.events == ["offer.accepted", "session.alert"]
    assert endpoint.description == "CRM"
    assert f"Added webhook endpoint {endpoint.id} (json) for 'Acme'" in result.output
    assert f"  secret       {endpoint.secret}\n" in result.output
    assert result.output.count(endpoint.secret) == 1
    assert "offer.accepted, session.alert" in _run(app, "list", "--app", demo.id).output


def test_a_slack_target_has_no_secret_to_show(app, demo):
    slack = "https://hooks.slack.com/services/T000/B000/abcdefghijkl"
    result = _run(app, "add", "--app", demo.id, "--url", slack, "--kind", "slack", "--json")
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert printed["secret"] is None
    listed = _run(app, "list", "--app", demo.id).output
    assert "abcdefghijkl" not in listed and "B000/abcd…" in listed
    assert "session.alert" in listed


def test_refusals_say_why(app, demo):
    plain = _run(app, "add", "--app", demo.id, "--url", "http://hooks.example.com/", "--json")
    assert plain.exit_code == 1
    assert "Use https:// (plain http only for localhost, 127.0.0.1 or ::1)." in plain.output
    unknown = _run(app, "add", "--app", "app_nope", "--url", URL)
    assert unknown.exit_code == 1 and "No app 'app_nope'." in unknown.output
    missing = _run(app, "remove", "--app", demo.id, "whe_nope")
    assert missing.exit_code == 1 and "No webhook endpoint 'whe_nope'" in missing.output
    event = _run(app, "add", "--app", demo.id, "--url", URL, "--event", "session.nope")
    assert event.exit_code == 2
    db.session.rollback()
    assert db.session.scalars(select(WebhookEndpoint)).all() == []


def test_rotate_and_remove(app, demo):
    first = json.loads(_run(app, "add", "--app", demo.id, "--url", URL, "--json").output)
    rotated = _run(app, "rotate-secret", "--app", demo.id, first["id"], "--json")
    assert rotated.exit_code == 0, rotated.output
    second = json.loads(rotated.output)
    assert second["id"] == first["id"] and second["secret"] != first["secret"]
    db.session.rollback()
    assert db.session.get(WebhookEndpoint, first["id"]).secret == second["secret"]
    assert second["secret"] not in _raw_secret(first["id"])
    readable = _run(app, "rotate-secret", "--app", demo.id, first["id"])
    assert "the old one no longer signs" in readable.output
    removed = _run(app, "remove", "--app", demo.id, first["id"])
    assert removed.exit_code == 0 and removed.output == f"Removed {first['id']}.\n"
    assert "has no webhook endpoints" in _run(app, "list", "--app", demo.id).output
