"""Subscription items: which recurring price each bills, and how many."""

from tests.fakes.stripe_forms import allow, integer, invalid, metadata

ITEM_PARAMS = {"price", "plan", "quantity", "metadata"}


def new_item(store, entry, param, now):
    """Return a new subscription item for a price (or legacy plan) entry."""
    if not isinstance(entry, dict):
        raise invalid(f"Invalid hash: {param}", param=param)
    allow(entry, ITEM_PARAMS, param)
    return {
        "id": store.new_id("si"),
        "price": price_of(store, entry, param, required=True),
        "quantity": quantity(entry, param) or 1,
        "created": now,
        "metadata": metadata({}, entry.get("metadata"), f"{param}[metadata]"),
    }


def price_of(store, entry, param, required):
    """Return the recurring price id an item entry names by `price` or `plan`."""
    key = "price" if "price" in entry else "plan" if "plan" in entry else None
    if key is None:
        if required:
            raise invalid(
                f"Missing required param: {param}[price].",
                param=f"{param}[price]",
                code="parameter_missing",
            )
        return None
    record = store.get("prices", key, entry[key], f"{param}[{key}]")
    if record["interval"] is None:
        raise invalid(
            "The price specified is set to `type=one_time` but this field only accepts prices "
            "with `type=recurring`.",
            param=f"{param}[{key}]",
        )
    if not record["active"]:
        raise invalid(
            "The price specified is inactive. This field only accepts active prices.",
            param=f"{param}[{key}]",
        )
    return record["id"]


def quantity(entry, param):
    value = integer(entry.get("quantity"), f"{param}[quantity]")
    if value is not None and value < 0:
        raise invalid("Invalid quantity: must be non-negative", param=f"{param}[quantity]")
    return value


def check_items(store, items):
    """Refuse mixed currencies or intervals and repeated prices; return the currency."""
    records = [store.prices[item["price"]] for item in items]
    cycles = {(r["currency"], r["interval"], r["interval_count"]) for r in records}
    if len(cycles) > 1:
        raise invalid(
            "Currency and interval fields must match across all plans on this subscription."
        )
    seen = set()
    for record in records:
        if record["id"] in seen:
            raise invalid(
                f"Cannot add multiple subscription items with the same price: {record['id']}"
            )
        seen.add(record["id"])
    return records[0]["currency"]
