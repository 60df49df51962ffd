"""The OpenAPI 3 document of the JSON API, generated from the marshmallow schemas."""

from functools import cache

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from saveflow.api.openapi_reports import add_reports, parameter_metadata
from saveflow.billing.schemas import StripeEventSchema
from saveflow.saves.schemas import WebhookReplyOut
from saveflow.sessions import schemas as s


def _json(schema, description: str, headers: dict | None = None) -> dict:
    response = {"description": description, "content": {"application/json": {"schema": schema}}}
    if headers:
        response["headers"] = headers
    return response


def _header(description: str, schema: dict) -> dict:
    return {"description": description, "required": True, "schema": schema}


# Every error is the shared shape {"code", "status", "message", "errors"}.
ERRORS = {
    "400": _json("Error", "Malformed JSON, not an object, or NaN/Infinity in it"),
    "401": _json("Error", "Missing, invalid or expired session token (customer token on start)"),
    "403": _json("Error", "The request's Origin is not allowed for this app"),
    "404": _json("Error", "Unknown app, session or offer"),
    "405": _json(
        "Error",
        "Method not allowed on this path",
        {"Allow": _header("The methods this path accepts", {"type": "string"})},
    ),
    "409": _json("Error", "Conflicts with the session's state"),
    "413": _json("Error", "Body larger than the configured limit (16 KB by default)"),
    "422": _json("Error", "Validation failed; `errors` names the fields"),
    "429": _json(
        "Error",
        "Rate limited",
        {"Retry-After": _header("Seconds to wait before retrying", {"type": "integer"})},
    ),
    "503": _json("Error", "Database unavailable"),
}
# A GET has no body to be malformed, oversized or invalid.
BODY_ERRORS = ("400", "413", "422")


def _op(
    summary: str,
    response: str,
    request: str | None = None,
    body_required: bool = True,
    security: list | None = None,
    status: str = "200",
    also: dict | None = None,
) -> dict:
    errors = ERRORS if request else {k: v for k, v in ERRORS.items() if k not in BODY_ERRORS}
    ok = {status: _json(response, "OK"), **(also or {})}
    op: dict = {"summary": summary, "responses": {**ok, **errors}}
    if request is not None:
        op["requestBody"] = {
            "required": body_required,
            "content": {"application/json": {"schema": request}},
        }
    op["security"] = [{"session": []}] if security is None else security
    return op


def json_schema_metadata(self, field, **kwargs) -> dict:
    """Copy what a field declares under metadata["json_schema"] into its property."""
    return dict(field.metadata.get("json_schema", {}))


# The bearer header, or nothing when the body carries `session_token` (sendBeacon).
OPTIONAL_AUTH: list[dict[str, list[str]]] = [{"session": []}, {}]
SESSION = {"name": "session_id", "in": "path", "required": True, "schema": {"type": "string"}}
OFFER = {"name": "offer_id", "in": "path", "required": True, "schema": {"type": "string"}}


APP = {"name": "app_id", "in": "path", "required": True, "schema": {"type": "string"}}
STRIPE_SIGNATURE = {
    "name": "Stripe-Signature",
    "in": "header",
    "required": True,
    "description": "t=<unix seconds>,v1=<hex HMAC-SHA256 of '<t>.<body>' with the webhook secret>",
    "schema": {"type": "string"},
}


def _webhook_op() -> dict:
    """Return the webhook operation: called by Stripe, signed with the mode's webhook secret."""
    return {
        "summary": "Receive a Stripe event (each event id is acted on once)",
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": "StripeEvent"}},
        },
        "security": [],
        "responses": {
            "200": _json("WebhookReply", "Received (or received before: `duplicate`)"),
            "400": _json("Error", "Not JSON, not an event, or not signed for this app and mode"),
            "404": _json("Error", "Unknown app, or an app not connected to Stripe"),
            "405": ERRORS["405"],
            "413": _json("Error", "Body larger than the webhook limit (512 KB by default)"),
            "429": ERRORS["429"],
            "503": ERRORS["503"],
        },
    }


@cache
def build_spec() -> dict:
    """Return the OpenAPI document (built once per process)."""
    plugin = MarshmallowPlugin()
    spec = APISpec(
        title="saveflow API",
        version="1.0.0",
        openapi_version="3.1.0",
        plugins=[plugin],
        info={"description": "Public cancel-flow API v1 (see README)."},
    )
    assert plugin.converter is not None  # set by APISpec(plugins=…)
    plugin.converter.add_attribute_function(json_schema_metadata)
    plugin.converter.add_parameter_attribute_function(parameter_metadata)
    spec.components.security_scheme("session", {"type": "http", "scheme": "bearer"})
    for name, component in [
        ("Error", s.ErrorOut),
        ("Start", s.StartSchema),
        ("Answer", s.AnswerSchema),
        ("Empty", s.EmptySchema),
        ("Abandon", s.AbandonSchema),
        ("Session", s.SessionOut),
        ("StartedSession", s.StartedOut),
        ("AnswerResult", s.AnswerOut),
        ("Outcome", s.OutcomeOut),
        ("Recovery", s.RecoveryOut),
    ]:
        spec.components.schema(name, schema=component)
    base = "/api/v1/sessions"
    spec.path(
        path=base,
        operations={
            "post": _op(
                "Start a session from a signed customer token",
                "StartedSession",
                "Start",
                security=[],
                status="201",
                # The same customer token resumes its session.
                also={"200": _json("StartedSession", "Resumed the session this token started")},
            )
        },
    )
    spec.path(
        path=base + "/{session_id}",
        parameters=[SESSION],
        operations={"get": _op("Current state of a session", "Session")},
    )
    spec.path(
        path=base + "/{session_id}/answer",
        parameters=[SESSION],
        operations={"post": _op("Answer the survey", "AnswerResult", "Answer")},
    )
    # The terminal calls take no fields: an empty body and `{}` mean the same.
    for verb, summary, schema in [
        ("accept", "Accept the offer on show", "Outcome"),
        ("decline", "Decline it; get the next offer", "AnswerResult"),
    ]:
        spec.path(
            path=base + "/{session_id}/offers/{offer_id}/" + verb,
            parameters=[SESSION, OFFER],
            operations={"post": _op(summary, schema, "Empty", body_required=False)},
        )
    for verb, summary, schema, response, security in [
        ("withdraw", "Keep the subscription", "Empty", "Outcome", None),
        ("cancel", "Cancel the subscription", "Empty", "Outcome", None),
        # sendBeacon cannot set headers, so the token may come as `session_token` in the body.
        ("abandon", "Close without deciding (sendBeacon)", "Abandon", "Outcome", OPTIONAL_AUTH),
        ("recovery", "The customer opened the update-payment link", "Empty", "Recovery", None),
    ]:
        spec.path(
            path=f"{base}/{{session_id}}/{verb}",
            parameters=[SESSION],
            operations={
                "post": _op(summary, response, schema, body_required=False, security=security)
            },
        )
    spec.components.schema("StripeEvent", schema=StripeEventSchema)
    spec.components.schema("WebhookReply", schema=WebhookReplyOut)
    spec.path(
        path="/webhooks/stripe/{app_id}",
        parameters=[APP, STRIPE_SIGNATURE],
        operations={"post": _webhook_op()},
    )
    add_reports(spec)
    health = {
        "type": "object",
        "properties": {
            "status": {"type": "string", "enum": ["ok", "degraded"]},
            "db": {"type": "string", "enum": ["ok", "unavailable"]},
        },
        "required": ["status", "db"],
        "additionalProperties": False,
    }
    spec.path(
        path="/healthz",
        operations={
            "get": {
                "summary": "Liveness and database check",
                "responses": {
                    "200": _json(health, "OK"),
                    "405": ERRORS["405"],
                    "503": _json(health, "Database unavailable"),
                },
            }
        },
    )
    return spec.to_dict()
