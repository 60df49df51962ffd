"""The `flask saveflow` commands."""

import json

from saveflow.extensions import db
from saveflow.models import App
from saveflow.offers import service


def run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=["saveflow", *args], input=input)


def test_init_json_creates_a_first_app_once(app):
    first = run(app, "init", "--json")
    assert first.exit_code == 0, first.output
    data = json.loads(first.output.strip().splitlines()[-1])
    assert data["app_id"].startswith("app_") and data["secret"].startswith("sk_live_")
    again = json.loads(run(app, "init", "--json").output.strip().splitlines()[-1])
    assert again == data
    assert db.session.query(App).count() == 1
    assert service.published(data["app_id"]).version == 1


def test_sign_token_starts_a_session(app, client):
    data = json.loads(run(app, "init", "--json").output.strip().splitlines()[-1])
    snapshot = json.dumps({"plan": "pro", "amount": 4900, "currency": "usd"})
    result = run(
        app,
        "sign-token",
        "--app",
        data["app_id"],
        "--customer",
        "cus_9",
        "--subscription",
        "sub_9",
        "--mode",
        "test",
        "--snapshot",
        snapshot,
    )
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    response = client.post("/api/v1/sessions", json={"app_id": data["app_id"], "token": token})
    assert response.status_code == 201
    assert response.json["mode"] == "test"


def test_sign_token_rejects_bad_snapshot_json(app):
    data = json.loads(run(app, "init", "--json").output.strip().splitlines()[-1])
    result = run(
        app,
        "sign-token",
        "--app",
        data["app_id"],
        "--customer",
        "c",
        "--subscription",
        "s",
        "--snapshot",
        "{nope",
    )
    assert result.exit_code != 0 and "not JSON" in result.output


def test_classify_prints_one_json_object(app):
    result = run(app, "classify", "not too expensive, I just don't use it")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["category"] == "not_using"
    assert set(data) >= {"category", "voluntary", "influenceable", "confidence", "matched"}
    zh = json.loads(run(app, "classify", "太贵了,用不起", "--locale", "zh-Hans").output)
    assert zh["category"] == "too_expensive"


def test_rules_export_import_and_rollback(app, tmp_path):
    data = json.loads(run(app, "init", "--json").output.strip().splitlines()[-1])
    path = tmp_path / "rules.json"
    assert run(app, "rules", "export", str(path)).exit_code == 0
    document = json.loads(path.read_text())
    document["rules"][0]["priority"] = 1
    path.write_text(json.dumps(document))
    imported = run(app, "rules", "import", str(path), "--note", "tweak")
    assert imported.exit_code == 0, imported.output
    assert service.published(data["app_id"]).version == 2
    rolled = run(app, "rules", "rollback", "1")
    assert rolled.exit_code == 0, rolled.output
    current = service.published(data["app_id"])
    assert current.version == 3
    assert current.document == service.version(data["app_id"], 1).document


def test_rules_import_reports_validation_errors(app, tmp_path):
    run(app, "init", "--json")
    path = tmp_path / "bad.json"
    path.write_text(
        json.dumps(
            {
                "schema": 1,
                "rules": [
                    {
                        "id": "x",
                        "priority": 1,
                        "when": [{"field": "category", "op": "like", "value": 1}],
                        "offers": ["nope"],
                    }
                ],
            }
        )
    )
    result = run(app, "rules", "import", str(path))
    assert result.exit_code != 0
    assert "rule set rejected" in result.output
    path.write_text("{broken")
    assert run(app, "rules", "import", str(path)).exit_code != 0
