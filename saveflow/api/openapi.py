"""The OpenAPI 3 document of the JSON API, generated from the marshmallow schemas."""

from functools import cache

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from saveflow.sessions import schemas as s

ERRORS = {
    str(code): {"description": text, "content": {"application/json": {"schema": "Error"}}}
    for code, text in [
        (400, "Malformed JSON"),
        (401, "Missing or invalid token"),
        (404, "Unknown (or another app's) session or offer"),
        (409, "Conflicts with the session's state"),
        (413, "Body over 16 KB"),
        (422, "Validation failed; `errors` names the fields"),
    ]
}


def _op(summary: str, response, request=None, auth: bool = True, status: str = "200") -> dict:
    op = {
        "summary": summary,
        "responses": {
            status: {"description": "OK", "content": {"application/json": {"schema": response}}},
            **ERRORS,
        },
    }
    if request is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": request}}}
    if auth:
        op["security"] = [{"session": []}]
    return op


SESSION = {"name": "session_id", "in": "path", "required": True, "schema": {"type": "string"}}
OFFER = {"name": "offer_id", "in": "path", "required": True, "schema": {"type": "string"}}


@cache
def build_spec() -> dict:
    """Return the OpenAPI document (built once per process)."""
    spec = APISpec(
        title="saveflow API",
        version="1.0.0",
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={"description": "Public cancel-flow API v1 (see README)."},
    )
    spec.components.security_scheme("session", {"type": "http", "scheme": "bearer"})
    for name, schema in [
        ("Error", s.ErrorOut),
        ("Start", s.StartSchema),
        ("Answer", s.AnswerSchema),
        ("Empty", s.EmptySchema),
        ("Abandon", s.AbandonSchema),
        ("Session", s.SessionOut),
        ("AnswerResult", s.AnswerOut),
        ("Outcome", s.OutcomeOut),
        ("Recovery", s.RecoveryOut),
    ]:
        spec.components.schema(name, schema=schema)
    base = "/api/v1/sessions"
    spec.path(
        path=base,
        operations={
            "post": _op(
                "Start a session from a signed customer token",
                "Session",
                "Start",
                auth=False,
                status="201",
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
    for verb, summary, schema in [
        ("accept", "Accept the offer on show", "Outcome"),
        ("decline", "Decline it; get the next offer", "AnswerResult"),
    ]:
        spec.path(
            path=base + "/{session_id}/offers/{offer_id}/" + verb,
            parameters=[SESSION, OFFER],
            operations={"post": _op(summary, schema, "Empty")},
        )
    for verb, summary, schema, response in [
        ("withdraw", "Keep the subscription", "Empty", "Outcome"),
        ("cancel", "Cancel the subscription", "Empty", "Outcome"),
        ("abandon", "Close without deciding (sendBeacon)", "Abandon", "Outcome"),
        ("recovery", "The customer opened the update-payment link", "Empty", "Recovery"),
    ]:
        spec.path(
            path=f"{base}/{{session_id}}/{verb}",
            parameters=[SESSION],
            operations={"post": _op(summary, response, schema)},
        )
    spec.path(
        path="/healthz",
        operations={
            "get": {
                "summary": "Liveness and database check",
                "responses": {
                    "200": {"description": "OK"},
                    "503": {"description": "DB unavailable"},
                },
            }
        },
    )
    return spec.to_dict()
