"""Subscriptions: creating and showing them, their clock, cancellation schedule and invoices."""

from tests.fakes.stripe_discounts import amount_due, set_discounts
from tests.fakes.stripe_forms import (
    allow,
    as_list,
    boolean,
    choice,
    integer,
    invalid,
    metadata,
    require,
)
from tests.fakes.stripe_invoices import create_invoice, list_object
from tests.fakes.stripe_items import check_items, new_item
from tests.fakes.stripe_periods import period_containing
from tests.fakes.stripe_prices import render_plan, render_price

STATUSES = (
    "incomplete",
    "incomplete_expired",
    "trialing",
    "active",
    "past_due",
    "canceled",
    "unpaid",
    "paused",
)
FEEDBACK = (
    "customer_service",
    "low_quality",
    "missing_features",
    "other",
    "switched_service",
    "too_complex",
    "too_expensive",
    "unused",
)
# Accepted because callers commonly send them; the fake has nothing to do with them.
IGNORED = {"payment_behavior", "default_payment_method", "off_session", "proration_behavior"}
CREATE_PARAMS = {
    "customer",
    "items",
    "trial_end",
    "trial_period_days",
    "metadata",
    "discounts",
    "cancel_at_period_end",
    "cancel_at",
    "description",
    "expand",
} | IGNORED


def create_subscription(store, params):
    """POST /v1/subscriptions: payment always succeeds, so it starts active or trialing."""
    allow(params, CREATE_PARAMS)
    customer = store.get("customers", "customer", require(params, "customer"), "customer")
    now = store.now()
    entries = as_list(require(params, "items"), "items")
    items = [new_item(store, entry, f"items[{i}]", now) for i, entry in enumerate(entries)]
    currency = check_items(store, items)
    trial_end = params.get("trial_end")
    if trial_end is not None and params.get("trial_period_days") is not None:
        raise invalid("You may only specify one of these parameters: trial_end, trial_period_days.")
    if trial_end == "now":
        trial_end = None
    elif trial_end is not None:
        trial_end = future(trial_end, "trial_end", now)
    days = integer(params.get("trial_period_days"), "trial_period_days")
    if days:
        trial_end = now + days * 86400
    sub = {
        "id": store.new_id("sub"),
        "customer": customer["id"],
        "status": "trialing" if trial_end else "active",
        "items": items,
        "currency": currency,
        "created": now,
        "start_date": now,
        "billing_cycle_anchor": trial_end or now,
        "trial_start": now if trial_end else None,
        "trial_end": trial_end,
        "cancel_at_period_end": False,
        "cancel_at": None,
        "canceled_at": None,
        "ended_at": None,
        "pause_collection": None,
        "discounts": [],
        "latest_invoice": None,
        "metadata": metadata({}, params.get("metadata")),
        "cancellation_details": {"comment": None, "feedback": None, "reason": None},
        "description": params.get("description"),
    }
    store.subscriptions[sub["id"]] = sub
    set_discounts(store, sub, params.get("discounts"))
    refresh_period(store, sub)
    set_cancellation(store, sub, params)
    amount = 0 if trial_end else amount_due(store, sub)
    issue_invoice(store, sub, amount, "paid", "subscription_create")
    return sub


def future(value, param, now):
    """Return a Unix time that must lie in the future."""
    moment = integer(value, param)
    if moment <= now:
        raise invalid(
            "Invalid timestamp: must be an integer Unix timestamp in the future.", param=param
        )
    return moment


def cycle(store, sub):
    record = store.prices[sub["items"][0]["price"]]
    return record["interval"], record["interval_count"]


def advance(store, sub):
    """Bring a subscription up to the fake's clock: trials end, cancellations take effect."""
    if sub["status"] == "canceled":
        return
    now = store.now()
    if sub["status"] == "trialing" and sub["trial_end"] and now >= sub["trial_end"]:
        sub["status"] = "active"
    pause = sub["pause_collection"]
    if pause and pause["resumes_at"] and now >= pause["resumes_at"]:
        sub["pause_collection"] = None
    if sub["cancel_at"] is not None and now >= sub["cancel_at"]:
        refresh_period(store, sub, sub["cancel_at"] - 1)
        sub["status"] = "canceled"
        sub["ended_at"] = sub["cancel_at"]
        sub["canceled_at"] = sub["canceled_at"] or sub["cancel_at"]
        return
    refresh_period(store, sub)


def refresh_period(store, sub, now=None):
    """Set the current period: the trial while trialing, else the cycle around now."""
    now = store.now() if now is None else now
    if sub["status"] == "trialing" and sub["trial_end"] and now < sub["trial_end"]:
        start, end = sub["trial_start"], sub["trial_end"]
    else:
        interval, count = cycle(store, sub)
        start, end = period_containing(sub["billing_cycle_anchor"], interval, count, now)
        start = max(start, sub["start_date"])
    sub["current_period_start"], sub["current_period_end"] = start, end
    if sub["cancel_at_period_end"]:
        sub["cancel_at"] = end


def set_cancellation(store, sub, params):
    """Apply cancel_at_period_end, cancel_at and cancellation_details."""
    at_end = boolean(params.get("cancel_at_period_end"), "cancel_at_period_end")
    cancel_at = params.get("cancel_at")
    if at_end and cancel_at not in (None, ""):
        raise invalid(
            "You may only specify one of these parameters: cancel_at, cancel_at_period_end."
        )
    now = store.now()
    if at_end is False or cancel_at == "":
        sub.update(cancel_at_period_end=False, cancel_at=None, canceled_at=None)
        sub["cancellation_details"]["reason"] = None
    elif at_end:
        sub.update(cancel_at_period_end=True, cancel_at=sub["current_period_end"], canceled_at=now)
        sub["cancellation_details"]["reason"] = "cancellation_requested"
    elif cancel_at is not None:
        sub.update(cancel_at_period_end=False, cancel_at=future(cancel_at, "cancel_at", now))
        sub["canceled_at"] = now
        sub["cancellation_details"]["reason"] = "cancellation_requested"
    details = params.get("cancellation_details")
    if details is not None:
        if not isinstance(details, dict):
            raise invalid("Invalid hash: cancellation_details", param="cancellation_details")
        allow(details, {"comment", "feedback"}, "cancellation_details")
        if details.get("feedback"):
            choice(details["feedback"], FEEDBACK, "cancellation_details[feedback]")
        for key, value in details.items():
            sub["cancellation_details"][key] = value or None


def issue_invoice(store, sub, amount, status, reason):
    """Issue an invoice for the current period and make it the latest."""
    period = (sub["current_period_start"], sub["current_period_end"])
    invoice = create_invoice(store, sub, amount, status, reason, period)
    sub["latest_invoice"] = invoice["id"]
    return invoice


def render(store, sub):
    """Show a subscription as Stripe's `subscription` object (expandable fields as ids)."""
    items = [render_item(store, sub, item) for item in sub["items"]]
    first = store.discounts[sub["discounts"][0]] if sub["discounts"] else None
    return {
        "id": sub["id"],
        "object": "subscription",
        "application": None,
        "application_fee_percent": None,
        "automatic_tax": {"disabled_reason": None, "enabled": False, "liability": None},
        "billing_cycle_anchor": sub["billing_cycle_anchor"],
        "billing_cycle_anchor_config": None,
        "billing_thresholds": None,
        "cancel_at": sub["cancel_at"],
        "cancel_at_period_end": sub["cancel_at_period_end"],
        "canceled_at": sub["canceled_at"],
        "cancellation_details": dict(sub["cancellation_details"]),
        "collection_method": "charge_automatically",
        "created": sub["created"],
        "currency": sub["currency"],
        # Removed from the subscription in 2025-03-31.basil; kept for older integrations.
        "current_period_end": sub["current_period_end"],
        "current_period_start": sub["current_period_start"],
        "customer": sub["customer"],
        "days_until_due": None,
        "default_payment_method": None,
        "default_source": None,
        "default_tax_rates": [],
        "description": sub["description"],
        # The legacy single discount was never expandable: always the object or null.
        "discount": dict(first) if first else None,
        "discounts": list(sub["discounts"]),
        "ended_at": sub["ended_at"],
        "invoice_settings": {"account_tax_ids": None, "issuer": {"type": "self"}},
        "items": {
            **list_object(items, f"/v1/subscription_items?subscription={sub['id']}"),
            "total_count": len(items),
        },
        "latest_invoice": sub["latest_invoice"],
        "livemode": False,
        "metadata": dict(sub["metadata"]),
        "next_pending_invoice_item_invoice": None,
        "on_behalf_of": None,
        "pause_collection": dict(sub["pause_collection"]) if sub["pause_collection"] else None,
        "pending_invoice_item_interval": None,
        "pending_setup_intent": None,
        "pending_update": None,
        "schedule": None,
        "start_date": sub["start_date"],
        "status": sub["status"],
        "test_clock": None,
        "transfer_data": None,
        "trial_end": sub["trial_end"],
        "trial_settings": {"end_behavior": {"missing_payment_method": "create_invoice"}},
        "trial_start": sub["trial_start"],
    }


def render_item(store, sub, item):
    """Show an item with its price and, as Stripe still does, the same price as a plan."""
    record = store.prices[item["price"]]
    return {
        "id": item["id"],
        "object": "subscription_item",
        "billing_thresholds": None,
        "created": item["created"],
        "current_period_end": sub["current_period_end"],
        "current_period_start": sub["current_period_start"],
        "discounts": [],
        "metadata": dict(item["metadata"]),
        "plan": render_plan(record),
        "price": render_price(record),
        "quantity": item["quantity"],
        "subscription": sub["id"],
        "tax_rates": [],
    }
