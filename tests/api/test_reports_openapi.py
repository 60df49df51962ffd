"""The OpenAPI document describes the report exactly as it is served."""

from saveflow.reports.saved_revenue import COLUMNS, GROUPS

PATH = "/api/v1/reports/saved-revenue"


def test_every_column_is_documented_with_its_meaning(client):
    doc = client.get("/api/v1/openapi.json").json
    row = doc["components"]["schemas"]["SavedRevenueRow"]
    group_columns = {name for names in GROUPS.values() for name in names}
    assert set(row["properties"]) == group_columns | set(COLUMNS)
    assert set(row["required"]) == set(COLUMNS)
    assert all(prop.get("description") for prop in row["properties"].values())
    assert row["additionalProperties"] is False


def test_parameters_security_and_both_formats_are_documented(client):
    doc = client.get("/api/v1/openapi.json").json
    operation = doc["paths"][PATH]["get"]
    names = {p["name"]: p for p in operation["parameters"]}
    assert set(names) == {"from", "to", "group_by", "currency", "mode", "app", "format"}
    assert all(p["in"] == "query" and p.get("description") for p in names.values())
    assert names["group_by"]["schema"]["items"]["enum"] == list(GROUPS)
    assert (names["group_by"]["style"], names["group_by"]["explode"]) == ("form", False)
    scheme = next(iter(operation["security"][0]))
    assert doc["components"]["securitySchemes"][scheme] | {"description": ""} == {
        "type": "http",
        "scheme": "bearer",
        "description": "",
    }
    assert set(operation["responses"]["200"]["content"]) == {"application/json", "text/csv"}
    assert "WWW-Authenticate" in operation["responses"]["401"]["headers"]
    csv_header = operation["responses"]["200"]["content"]["text/csv"]["example"].split("\r\n")[0]
    assert csv_header.split(",") == ["month", "offer_type", *COLUMNS]
