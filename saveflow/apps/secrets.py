"""Rotate an app's signing secrets, keeping the replaced one valid for a grace period."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from saveflow.apps.models import MODES, App, new_secret
from saveflow.domain_errors import Invalid

# How long a replaced secret may still sign tokens, by the name the admin form uses.
GRACE_PERIODS = {
    "none": timedelta(0),
    "1h": timedelta(hours=1),
    "24h": timedelta(hours=24),
    "7d": timedelta(days=7),
}
DEFAULT_GRACE = "24h"


@dataclass(frozen=True)
class Rotated:
    """A new secret (shown once, then never again) and when the old one stops working."""

    mode: str
    secret: str
    old_valid_until: datetime | None


def rotate_secret(app: App, mode: str, grace: str, now: datetime) -> Rotated:
    """Give the mode a new secret; the old one keeps verifying until now + grace.

    A secret still in its grace from an earlier rotation is dropped at once: only the secret
    being replaced stays valid, so there are never more than two.
    """
    if mode not in MODES:
        raise Invalid("Unknown mode.", errors={"mode": ["Choose live or test."]})
    if grace not in GRACE_PERIODS:
        raise Invalid("Unknown grace period.", errors={"grace": ["Choose a grace period."]})
    period = GRACE_PERIODS[grace]
    old = app.secret_for(mode)
    until = now + period if period else None
    fresh = new_secret(mode)
    previous = old if until else None
    if mode == "live":
        app.live_secret, app.previous_live_secret, app.previous_live_until = fresh, previous, until
    else:
        app.test_secret, app.previous_test_secret, app.previous_test_until = fresh, previous, until
    return Rotated(mode, fresh, until)


def grace_ends(app: App, mode: str, now: datetime) -> datetime | None:
    """Return when the mode's previous secret stops working, if it still works at `now`."""
    previous, until = app.previous_secret(mode)
    return until if previous and until is not None and now < until else None
