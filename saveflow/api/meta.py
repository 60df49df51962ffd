"""Health check and the OpenAPI document."""

from flask import Blueprint, jsonify
from sqlalchemy import text

from saveflow.extensions import db

bp = Blueprint("meta", __name__)


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
        db_state = "ok"
    except Exception:  # the check exists to report a broken database, not to raise
        db.session.rollback()
        db_state = "unavailable"
    status = 200 if db_state == "ok" else 503
    return jsonify(status="ok" if status == 200 else "degraded", db=db_state), status


@bp.get("/api/v1/openapi.json")
def openapi():
    from saveflow.api.openapi import build_spec

    return jsonify(build_spec())
