"""The reports API's part of the OpenAPI document: its bearer scheme, parameters and replies."""

from apispec import APISpec

from saveflow.reports.months import MAX_MONTHS
from saveflow.reports.schemas import SavedRevenueArgs, SavedRevenueOut, SavedRevenueRowOut

SCHEME = "apiToken"
CSV_EXAMPLE = (
    "month,offer_type,currency,sessions,saved,withdrawn,cancelled,abandoned,deflection_rate,"
    "saved_mrr,projected_saved_revenue,offer_cost,realized_saved_revenue,recovered,pending,"
    "confirmed,boomerang\r\n"
    "2025-01,discount,usd,3,1,1,1,0,0.6667,9800,113925,3675,3675,0,2,0,0\r\n"
)


def _error(description: str, headers: dict | None = None) -> dict:
    reply: dict = {"description": description, "content": {"application/json": {"schema": "Error"}}}
    if headers:
        reply["headers"] = headers
    return reply


def _header(description: str, schema: dict) -> dict:
    return {"description": description, "required": True, "schema": schema}


def parameter_metadata(self, field, **kwargs) -> dict:
    """Copy what a field declares under metadata["parameter"] (style, explode) into it."""
    return dict(field.metadata.get("parameter", {}))


def add_reports(spec: APISpec) -> None:
    """Add the saved-revenue report, its schemas and the API-token scheme to the document."""
    spec.components.security_scheme(
        SCHEME,
        {
            "type": "http",
            "scheme": "bearer",
            "description": "A per-user API token, `sf_<prefix>_<secret>`, made with "
            "`flask --app wsgi saveflow api-token create --user EMAIL` or on the admin's "
            "API tokens page. It reads the reports of the apps where its owner is finance or "
            "admin.",
        },
    )
    spec.components.schema("SavedRevenueRow", schema=SavedRevenueRowOut)
    spec.components.schema("SavedRevenue", schema=SavedRevenueOut)
    challenge = {"WWW-Authenticate": _header('`Bearer realm="saveflow"`', {"type": "string"})}
    spec.path(
        path="/api/v1/reports/saved-revenue",
        operations={
            "get": {
                "summary": "Saved revenue per group and currency, as JSON or CSV",
                "description": (
                    "Decided sessions of one app and their money, for whole months in the "
                    "app's report time zone: `from` and `to` included, at most "
                    f"{MAX_MONTHS} months, the last 12 (this one included) by default. One "
                    "row per group and currency, in the order of `group_by`, then by "
                    "currency. Money is in minor units of the row's currency and never summed "
                    "across currencies. Test-mode sessions only with `mode=test`. "
                    "Send `format=csv` or `Accept: text/csv` for CSV: a header of the "
                    "group columns then the fixed columns, in the order of `columns`, an "
                    "empty cell for null."
                ),
                "security": [{SCHEME: []}],
                "parameters": [{"in": "query", "schema": SavedRevenueArgs}],
                "responses": {
                    "200": {
                        "description": "The report",
                        "content": {
                            "application/json": {"schema": "SavedRevenue"},
                            "text/csv": {
                                "schema": {"type": "string"},
                                "example": CSV_EXAMPLE,
                            },
                        },
                        "headers": {
                            "Content-Disposition": {
                                "description": "CSV only: `attachment; filename=saved-revenue-"
                                "<app>-<from>-<to>.csv`",
                                "schema": {"type": "string"},
                            }
                        },
                    },
                    "400": _error(
                        "A parameter is malformed, unknown or repeated; `from` after `to`; more "
                        f"than {MAX_MONTHS} months; or `app` missing while the token's owner "
                        "can report on several apps. `errors` names the parameters."
                    ),
                    "401": _error(
                        "Missing, unknown or revoked API token, or its owner is switched off",
                        challenge,
                    ),
                    "403": _error("The token's owner is not finance or admin on that app"),
                    "405": _error(
                        "Method not allowed on this path",
                        {"Allow": _header("The methods this path accepts", {"type": "string"})},
                    ),
                    "429": _error(
                        "Rate limited",
                        {"Retry-After": _header("Seconds to wait", {"type": "integer"})},
                    ),
                    "503": _error("Database unavailable"),
                },
            }
        },
    )
