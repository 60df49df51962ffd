"""The embeddable widget: the loader script and the hosted flow page."""

import re

from flask import Blueprint, make_response, render_template
from flask import url_for as flask_url_for

from saveflow.apps.models import App
from saveflow.extensions import db
from saveflow.flow_copy import strings_for
from saveflow.widget import assets

bp = Blueprint("widget", __name__)

# Only well-formed origins reach the CSP header, so a stored value cannot inject directives.
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:\d{1,5})?$")
_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
DEFAULT_ACCENT = "#4f46e5"


@bp.get("/embed.js")
def embed():
    return assets.respond("embed.js")


@bp.get("/widget/<any(flow.js, flow.css):name>")
def asset(name):
    return assets.respond(name)


def frame_origins(app: App) -> list[str]:
    """Return the app's allowed origins that are safe to name in a CSP header."""
    return [o for o in app.allowed_origins or [] if _ORIGIN.match(o)]


def valid_accent(value: str) -> bool:
    """Say whether a colour may be the widget's accent (#rgb or #rrggbb)."""
    return bool(_COLOUR.match(value))


def brand(app: App) -> dict:
    """Return the app's accent colour and logo, falling back to saveflow's defaults."""
    raw = app.settings.get("brand") or {}
    accent, logo = raw.get("accent"), raw.get("logo_url")
    accent = accent if isinstance(accent, str) else ""
    logo = logo if isinstance(logo, str) else ""
    return {
        "accent": accent if _COLOUR.match(accent) else DEFAULT_ACCENT,
        "logo": logo if logo.startswith(("https://", "http://", "/", "data:image/")) else None,
    }


def content_security_policy(origins: list[str]) -> str:
    """Lock the flow page down: same-origin scripts and API, framed only by the app's origins."""
    return "; ".join(
        (
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' https: http: data:",
            "connect-src 'self'",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors " + " ".join(["'self'", *origins]),
        )
    )


@bp.get("/flow/<app_id>")
def flow_page(app_id):
    app = db.session.get(App, app_id)
    if app is None:
        return unknown_app_page()
    origins = frame_origins(app)
    config = {
        "appId": app.id,
        "appName": app.name,
        "origins": origins,
        "api": flask_url_for("sessions_api.start"),
        "defaultLocale": app.default_locale,
        "brand": brand(app),
        "strings": strings_for(app.settings.get("copy")),
    }
    versions = {name: assets.load(name).version for name in ("flow.js", "flow.css")}
    html = render_template("flow.html", config=config, versions=versions)
    response = make_response(html)
    response.headers["Content-Security-Policy"] = content_security_policy(origins)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def unknown_app_page():
    """A 404 page that tells any parent at once, so the host falls back without waiting."""
    config = {
        "unknownApp": True,
        "origins": [],
        "defaultLocale": "en",
        "strings": strings_for(None),
    }
    versions = {name: assets.load(name).version for name in ("flow.js", "flow.css")}
    response = make_response(render_template("flow.html", config=config, versions=versions), 404)
    # It holds nothing, so any page may frame it: that is how the news reaches the host.
    response.headers["Content-Security-Policy"] = content_security_policy(["*"])
    response.headers["Cache-Control"] = "no-cache"
    return response
