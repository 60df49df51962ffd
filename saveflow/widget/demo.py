"""`GET /demo`, registered only when SAVEFLOW_DEMO is on."""

from flask import Blueprint, current_app, redirect

bp = Blueprint("demo", __name__)


@bp.get("/demo")
def demo():
    """Send the visitor to the demo host page; its URL is configured, never taken from Host."""
    return redirect(current_app.config["SAVEFLOW_DEMO_URL"])
