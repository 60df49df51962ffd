"""An app's settings as the admin edits them: checked, normalised, and read back for the audit.

Pure functions on plain values; `apply_settings` writes them onto an app and returns the
before and after the audit log records.
"""

import re
from functools import cache
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import available_timezones

from saveflow.apps.models import App
from saveflow.extensions import db
from saveflow.i18n import SUPPORTED

LOCAL_HOSTS = ("localhost", "127.0.0.1")
# Letters, digits and hyphens in dot-separated labels (IDNs in their xn-- form); the widget's
# CSP header names only such hosts, so nothing else is stored.
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})*$")
# "US", or a region of it such as "US-CA" (ISO 3166-1 alpha-2, then ISO 3166-2's own part).
_COUNTRY = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")
MAX_ORIGINS = 50
MAX_OFFERS_LIMIT = 5
HORIZON_LIMIT = 60
COOLDOWN_LIMIT = 3650
# The settings the flow reads from `App.settings`, with the value it uses when one is absent.
FLOW_DEFAULTS: dict[str, Any] = {
    "max_offers": 2,
    "cancel_immediately": False,
    "randomize_reasons": False,
    "allow_pause_annual": False,
    "horizon_months": None,  # the deployment's SAVEFLOW_HORIZON_MONTHS
}


def normalize_origin(raw: str) -> str:
    """Return an origin as browsers send it (scheme://host[:port]); ValueError says why not.

    HTTPS only, except plain HTTP on this machine (localhost, 127.0.0.1) for development.
    """
    text = raw.strip()
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http") or not parts.netloc:
        raise ValueError(f"{text}: write it as https://host (with an optional :port).")
    if parts.username or parts.password or "@" in parts.netloc:
        raise ValueError(f"{text}: an origin has no user name or password.")
    if parts.path not in ("", "/") or parts.query or parts.fragment or text.endswith("?"):
        raise ValueError(f"{text}: an origin has no path, query or fragment.")
    try:
        host, port = (parts.hostname or "").lower(), parts.port
    except ValueError:
        raise ValueError(f"{text}: the port must be a number from 1 to 65535.") from None
    if not _HOST.match(host):
        raise ValueError(f"{text}: {host or 'the host'} is not a valid host name.")
    if scheme == "http" and host not in LOCAL_HOSTS:
        raise ValueError(f"{text}: use https (plain http is allowed for localhost only).")
    default_port = {"https": 443, "http": 80}[scheme]
    if port == 0:
        raise ValueError(f"{text}: the port must be a number from 1 to 65535.")
    suffix = f":{port}" if port is not None and port != default_port else ""
    return f"{scheme}://{host}{suffix}"


def parse_origins(text: str) -> tuple[list[str], list[str]]:
    """Return the origins in a one-per-line text (normalised, in order, once each) and errors."""
    origins: list[str] = []
    errors: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            origin = normalize_origin(line)
        except ValueError as problem:
            errors.append(str(problem))
            continue
        if origin not in origins:
            origins.append(origin)
    if len(origins) > MAX_ORIGINS:
        errors.append(f"List at most {MAX_ORIGINS} origins.")
    return origins, errors


def normalize_country(raw: str) -> str:
    """Return a country ("US") or region ("US-CA") code in upper case; ValueError if not one."""
    code = raw.strip().upper()
    if not _COUNTRY.match(code):
        raise ValueError(f"{raw.strip() or '(blank)'}: use a country code like US or US-CA.")
    return code


DEFAULT_TIMEZONE = "UTC"


@cache
def timezone_names() -> tuple[str, ...]:
    """Return the IANA time zone names this machine knows, sorted."""
    return tuple(sorted(available_timezones()))


def normalize_timezone(raw: str) -> str:
    """Return an IANA time zone name as spelt in the database; ValueError if there is none."""
    text = raw.strip()
    if not text:
        return DEFAULT_TIMEZONE
    by_case = {name.lower(): name for name in timezone_names()}
    found = by_case.get(text.lower())
    if found is None:
        raise ValueError(f"{text}: not a time zone name; use one like Europe/Paris or UTC.")
    return found


def snapshot(app: App) -> dict[str, Any]:
    """Return the settings this page edits, as the audit log shows them."""
    settings = app.settings or {}
    return {
        "name": app.name,
        "allowed_origins": list(app.allowed_origins or []),
        "compliance_mode": app.compliance_mode,
        "compliance_by_country": dict(settings.get("compliance_by_country") or {}),
        "locales": list(app.locales or []),
        "default_locale": app.default_locale,
        **{key: settings.get(key, default) for key, default in FLOW_DEFAULTS.items()},
        "cooldown_days": dict(settings.get("cooldown_days") or {}),
        "report_timezone": settings.get("report_timezone") or DEFAULT_TIMEZONE,
    }


def apply_settings(app: App, values: dict[str, Any]) -> tuple[dict, dict]:
    """Write checked values (the keys of `snapshot`) onto the app; return (before, after).

    Settings other pages own (brand, copy, demo, …) are kept as they are.
    """
    before = snapshot(app)
    app.name = values["name"]
    app.allowed_origins = list(values["allowed_origins"])
    app.compliance_mode = values["compliance_mode"]
    app.locales = [locale for locale in SUPPORTED if locale in values["locales"]]
    app.default_locale = values["default_locale"]
    settings = dict(app.settings or {})
    for key in ("compliance_by_country", "cooldown_days"):
        if values[key]:
            settings[key] = dict(values[key])
        else:
            settings.pop(key, None)
    for key in FLOW_DEFAULTS:
        settings[key] = values[key]
    if settings.get("horizon_months") is None:
        settings.pop("horizon_months", None)
    settings["report_timezone"] = values.get("report_timezone") or DEFAULT_TIMEZONE
    app.settings = settings  # a new dict, so the JSON column is seen as changed
    return before, snapshot(app)


def set_randomized(app: App, on: bool) -> None:
    """Shuffle the survey's reasons per session (on) or show them in the set order (off)."""
    app.settings = {**(app.settings or {}), "randomize_reasons": on}
    db.session.flush()
