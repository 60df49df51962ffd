"""Stripe's objects in saveflow's terms: a subscription as a snapshot, discount terms as a
coupon id. Pure translation; the SDK itself stays in `stripe_billing`."""

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from marshmallow import ValidationError

from saveflow.billing.schemas import load_snapshot
from saveflow.domain_errors import BillingFailed


def when(value: int | None) -> str | None:
    """Return a Unix time from Stripe as ISO 8601 UTC (None stays None)."""
    return datetime.fromtimestamp(value, UTC).isoformat() if value else None


def object_id(value: Any) -> str | None:
    """Return the id of an expandable field, expanded or not."""
    return value.get("id") if isinstance(value, dict) else value


def unit_amount(item: dict) -> int:
    """Return an item's price per unit: its price's, else its legacy plan's."""
    amount = (item.get("price") or {}).get("unit_amount")
    return (item.get("plan") or {}).get("amount") or 0 if amount is None else amount


def snapshot_from_subscription(sub: dict) -> dict:
    """Turn a Stripe subscription (items and discounts expanded) into a saveflow snapshot.

    The first item names the plan. Stripe bills every item of a subscription on the same
    interval, so several items are priced as one charge: the sum of unit amount × quantity.
    """
    items = sub["items"]["data"]
    item = items[0]
    price = item.get("price") or {}
    plan = item.get("plan") or {}
    recurring = price.get("recurring") or {}
    product = price.get("product") if isinstance(price.get("product"), dict) else None
    amount, quantity = unit_amount(item), item.get("quantity") or 1
    if len(items) > 1:
        amount = sum(unit_amount(i) * (i.get("quantity") or 1) for i in items)
        quantity = 1
    discount = None
    for entry in sub.get("discounts") or [sub.get("discount")]:
        if not isinstance(entry, dict):
            continue
        coupon = entry.get("coupon") or (entry.get("source") or {}).get("coupon")
        if isinstance(coupon, dict):
            kind = (
                {"percent_off": coupon["percent_off"]}
                if coupon.get("percent_off")
                else {"amount_off": coupon["amount_off"]}
            )
            discount = {**kind, **({"ends_at": when(entry["end"])} if entry.get("end") else {})}
            break
    period_end = item.get("current_period_end") or sub.get("current_period_end")
    pause = sub.get("pause_collection") or {}
    raw = {
        "plan": price.get("id") or plan.get("id"),
        "amount": amount,
        "currency": price.get("currency") or plan.get("currency") or sub["currency"],
        "interval": recurring.get("interval") or plan.get("interval") or "month",
        "interval_count": recurring.get("interval_count") or plan.get("interval_count") or 1,
        "quantity": quantity,
        "item_count": len(items),
        "status": sub["status"],
        "started_at": when(sub.get("start_date")),
        "discount": discount,
        "item_id": item["id"],
        "trial_ends_at": when(sub.get("trial_end")) if sub["status"] == "trialing" else None,
        "current_period_end": when(period_end),
        "cancel_at_period_end": bool(sub.get("cancel_at_period_end")),
        "paused_until": when(pause.get("resumes_at")) if pause else None,
    }
    name = (
        (product or {}).get("name")
        or price.get("nickname")
        or plan.get("nickname")
        or plan.get("name")  # legacy plans had a name of their own
    )
    if name:
        raw["plan_name"] = name
    try:
        return load_snapshot(raw)
    except ValidationError as exc:
        raise BillingFailed(
            "This Stripe subscription has a shape saveflow cannot price.",
            code="billing_unsupported",
            errors={"subscription": exc.messages},
        ) from None


def coupon_id(details: dict) -> str:
    """Return the coupon id for one discount configuration: the same terms, the same coupon."""
    terms = {k: details.get(k) for k in ("percent_off", "amount_off", "currency", "duration")}
    terms["duration_in_months"] = details.get("duration_in_months")
    digest = hashlib.sha256(json.dumps(terms, sort_keys=True).encode()).hexdigest()[:20]
    return f"saveflow_{digest}"
