"""The reports API v1: saved revenue as JSON or CSV, read with a per-user API token."""

from flask import Blueprint, Response, jsonify, request
from marshmallow import ValidationError

from saveflow.api.bearer import api_user_id
from saveflow.db import utcnow
from saveflow.domain_errors import BadQuery
from saveflow.reports.access import report_app
from saveflow.reports.export import csv_filename, saved_revenue_report, to_csv
from saveflow.reports.schemas import SavedRevenueArgs, SavedRevenueOut

bp = Blueprint("reports_api", __name__, url_prefix="/api/v1/reports")
CSV = "text/csv"


def query_args(schema) -> dict:
    """Load the query string through a schema; 400 with `errors` per parameter otherwise."""
    raw: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for name, values in request.args.lists():
        if name == "group_by":  # `group_by=month&group_by=plan` is `group_by=month,plan`
            raw[name] = ",".join(values)
        elif len(values) > 1:
            errors[name] = ["Give this parameter once."]
        else:
            raw[name] = values[0]
    try:
        loaded = schema.load(raw)
    except ValidationError as problem:
        errors.update(problem.normalized_messages())
    if errors:
        raise BadQuery("The query parameters are not valid.", errors=errors)
    return loaded


def wants_csv(fmt: str | None) -> bool:
    """Say whether to answer in CSV: `format=csv`, or `Accept` prefers text/csv to JSON."""
    if fmt:
        return fmt == "csv"
    return request.accept_mimetypes.best_match(["application/json", CSV]) == CSV


@bp.get("/saved-revenue")
def saved_revenue():
    user_id = api_user_id()
    args = query_args(SavedRevenueArgs())
    report = saved_revenue_report(
        report_app(user_id, args.get("app")),
        utcnow(),
        first=args.get("first"),
        last=args.get("last"),
        group_by=args["group_by"],
        currency=args.get("currency"),
        mode=args["mode"],
    )
    if wants_csv(args.get("format")):
        disposition = f"attachment; filename={csv_filename(report)}"
        response = Response(
            to_csv(report), mimetype=CSV, headers={"Content-Disposition": disposition}
        )
    else:
        response = jsonify(SavedRevenueOut().dump(report))
    response.vary.add("Accept")  # the same URL answers JSON or CSV
    return response
