"""Contexts, offers and small rule-set builders shared by the offers tests."""

from datetime import UTC, datetime, timedelta

from saveflow.offers.catalog import DEFAULT_OFFERS
from saveflow.offers.rules import Context, OfferSpec, policy_from_settings

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
OFFERS = {o["key"]: OfferSpec(o["key"], o["type"], o["params"]) for o in DEFAULT_OFFERS}
OFFERS |= {
    "discount_50_1m": OfferSpec("discount_50_1m", "discount", {"percent": 50, "months": 1}),
    "trial_14": OfferSpec("trial_14", "trial_extension", {"days": 14}),
    "downgrade_pro": OfferSpec(
        "downgrade_pro",
        "downgrade",
        {"targets": {"pro": {"plan": "starter", "amount": 1900}}, "proration_behavior": "none"},
    ),
}
POLICY = policy_from_settings({}, "standard")


def make_ctx(**changes) -> Context:
    snapshot = {
        "plan": "pro",
        "amount": 4900,
        "currency": "usd",
        "interval": "month",
        "interval_count": 1,
        "quantity": 1,
        "status": "active",
        "started_at": NOW - timedelta(days=400),
        "discount": None,
    }
    snapshot |= changes.pop("snapshot", {})
    classification = {
        "category": "too_expensive",
        "voluntary": True,
        "influenceable": True,
        "confidence": 0.9,
    }
    classification |= changes.pop("classification", {})
    fields = {
        "customer": "cus_1",
        "classification": classification,
        "snapshot": snapshot,
        "mrr": 4900,
        "locale": "en",
        "country": "US",
        "attributes": {"seats": 12, "segment": "smb", "beta": True},
        "history": {},
        "now": NOW,
    }
    return Context(**(fields | changes))


def rule(rule_id, offers, when=(), priority=0, **extra) -> dict:
    return {"id": rule_id, "priority": priority, "when": list(when), "offers": offers} | extra


def doc(*rules, **extra) -> dict:
    return {"schema": 1, "rules": list(rules)} | extra


def cond(field, op, value=None) -> dict:
    return {"field": field, "op": op, "value": value}
