"""What every offer type defines; each type lives in its own module of this package."""

import re
from collections.abc import Mapping
from datetime import datetime
from fractions import Fraction
from typing import Any, ClassVar

from marshmallow import Schema


def readable_plan(plan_id: str) -> str:
    """Make a plan id fit to show when no name is known: `pro_annual` becomes `Pro Annual`."""
    words = [w for w in re.split(r"[\s_.-]+", plan_id) if w]
    # A word with capitals or digits in it is someone's spelling; keep it.
    return " ".join(w.capitalize() if w.isalpha() and w.islower() else w for w in words) or plan_id


def months(count: int) -> str:
    """Return "1 month" or "N months"."""
    return f"{count} month" if count == 1 else f"{count} months"


def money(snapshot: dict) -> dict:
    """Return the price fields every priced offer's terms repeat."""
    return {
        "currency": snapshot["currency"],
        "interval": snapshot["interval"],
        "interval_count": snapshot["interval_count"],
    }


def price_per_period(snapshot: dict) -> int:
    """Return what one invoice of the subscription costs before any discount."""
    return snapshot["amount"] * snapshot["quantity"]


class OfferType:
    """One kind of offer: its parameters, who may see it, its terms, revenue and billing effect.

    Subclasses set `name` and `params`; the defaults describe an offer that changes nothing in
    billing and keeps the whole list revenue (training, concierge, contact, redirect).
    """

    name: ClassVar[str]
    params: ClassVar[type[Schema]]
    # Days during which a customer who accepted this type is not offered it again.
    cooldown_days: ClassVar[int] = 0
    # Whether accepting it changes what the customer pays (so a billing provider acts on it).
    changes_billing: ClassVar[bool] = False

    def skip_reason(self, params: Mapping, snapshot: dict, policy: Any) -> str | None:
        """Return why this offer may not be shown for this subscription, or None if it may."""
        return None

    def describe(self, params: Mapping) -> str:
        """Summarize the parameters in a line of English for the admin's lists."""
        return f"Link to {params.get('url')}"

    def terms(self, params: Mapping, snapshot: dict, now: datetime) -> dict:
        """Spell out what the customer gets, as the widget shows it."""
        return {"url": params.get("url")}

    def projected(self, mrr: Fraction, snapshot: dict, params: Mapping, horizon: int) -> Fraction:
        """Return revenue over `horizon` months if the customer stays on this offer."""
        return mrr * horizon

    def effect(self, params: Mapping, snapshot: dict, now: datetime) -> tuple[str, dict]:
        """Describe the billing change as (action, details), in terms no provider owns."""
        return "none", {"url": params.get("url")}
