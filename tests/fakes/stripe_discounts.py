"""Discounts: redeeming coupons onto a subscription and what they take off a charge."""

from tests.fakes.stripe_forms import allow, as_list, invalid, missing
from tests.fakes.stripe_periods import add_months


def set_discounts(store, sub, value):
    """Replace the discounts with the coupons given ("" clears; nothing leaves them)."""
    if value is None:
        return
    if value == "":
        sub["discounts"] = []
        return
    chosen = []
    for i, entry in enumerate(as_list(value, "discounts")):
        param = f"discounts[{i}]"
        if not isinstance(entry, dict):
            raise invalid(f"Invalid hash: {param}", param=param)
        allow(entry, {"coupon", "discount", "promotion_code"}, param)
        if len(entry) != 1:
            raise invalid(
                "You may only specify one of these parameters: coupon, discount, promotion_code.",
                param=param,
            )
        if "discount" in entry:
            if entry["discount"] not in sub["discounts"]:
                raise missing("discount", entry["discount"], f"{param}[discount]")
            chosen.append(entry["discount"])
        elif "promotion_code" in entry:
            # Promotion codes aren't modelled; none exists, as in an empty account.
            raise missing("promotion code", entry["promotion_code"], f"{param}[promotion_code]")
        else:
            chosen.append(redeem(store, sub, entry["coupon"], f"{param}[coupon]"))
    if chosen:
        sub["discounts"] = chosen


def redeem(store, sub, coupon_id, param):
    """Create a discount for a coupon on a subscription; return its id."""
    coupon = store.get("coupons", "coupon", coupon_id, param)
    now = store.now()
    if coupon["currency"] and coupon["currency"] != sub["currency"]:
        raise invalid(
            f"Coupon {coupon_id} is in {coupon['currency']} but the subscription is in "
            f"{sub['currency']}.",
            param=param,
        )
    spent = coupon["max_redemptions"] is not None and (
        coupon["times_redeemed"] >= coupon["max_redemptions"]
    )
    if spent or (coupon["redeem_by"] and now > coupon["redeem_by"]):
        raise invalid(f"Coupon expired: {coupon_id}", param=param, code="coupon_expired")
    coupon["times_redeemed"] += 1
    months = coupon["duration_in_months"]
    discount_id = store.new_id("di")
    store.discounts[discount_id] = {
        "id": discount_id,
        "object": "discount",
        "checkout_session": None,
        # `coupon` is the pre-2025 shape; `source.coupon` is the current one.
        "coupon": dict(coupon),
        "customer": sub["customer"],
        "customer_account": None,
        "end": add_months(now, months) if coupon["duration"] == "repeating" else None,
        "invoice": None,
        "invoice_item": None,
        "promotion_code": None,
        "source": {"coupon": coupon_id, "type": "coupon"},
        "start": now,
        "subscription": sub["id"],
        "subscription_item": None,
    }
    return discount_id


def amount_due(store, sub):
    """Return one period's charge after the subscription's discounts."""
    total = sum(store.prices[i["price"]]["unit_amount"] * i["quantity"] for i in sub["items"])
    for discount_id in sub["discounts"]:
        coupon = store.discounts[discount_id]["coupon"]
        if coupon["percent_off"] is not None:
            total -= round(total * coupon["percent_off"] / 100)
        else:
            total -= min(total, coupon["amount_off"])
    return total
