"""Health check and the OpenAPI document."""


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "db": "ok"}


def test_openapi_lists_every_session_endpoint(client):
    doc = client.get("/api/v1/openapi.json").json
    assert doc["openapi"].startswith("3.")
    paths = doc["paths"]
    for path in [
        "/api/v1/sessions",
        "/api/v1/sessions/{session_id}",
        "/api/v1/sessions/{session_id}/answer",
        "/api/v1/sessions/{session_id}/offers/{offer_id}/accept",
        "/api/v1/sessions/{session_id}/offers/{offer_id}/decline",
        "/api/v1/sessions/{session_id}/withdraw",
        "/api/v1/sessions/{session_id}/cancel",
        "/api/v1/sessions/{session_id}/abandon",
        "/webhooks/stripe/{app_id}",
        "/healthz",
    ]:
        assert path in paths, path
    start = doc["components"]["schemas"]["Start"]
    assert set(start["required"]) == {"app_id", "token"}
    assert doc["components"]["schemas"]["Error"]["properties"].keys() >= {
        "code",
        "status",
        "message",
        "errors",
    }


def test_every_api_route_is_documented(app, client):
    doc = client.get("/api/v1/openapi.json").json
    documented = {p.replace("{", "<").replace("}", ">") for p in doc["paths"]}
    routes = {
        r.rule
        for r in app.url_map.iter_rules()
        if r.rule.startswith("/api/v1/") and r.rule != "/api/v1/openapi.json"
    }
    assert routes <= documented
