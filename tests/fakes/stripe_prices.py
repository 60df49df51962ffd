"""Prices and legacy plans: one record each, shown as a `price` or as a `plan` object."""

from tests.fakes.stripe_forms import (
    StripeError,
    allow,
    boolean,
    choice,
    integer,
    invalid,
    metadata,
    require,
)

INTERVALS = ("day", "week", "month", "year")


def _product_id(store, value, param):
    """Return the product a price names, creating it from inline `{name: ...}` data."""
    if isinstance(value, dict):
        return store.create_product({"name": require(value, "name", f"{param}[name]")})["id"]
    if value in (None, ""):
        raise invalid(f"Missing required param: {param}.", param=param, code="parameter_missing")
    return store.get("products", "product", value, param)["id"]


def create_price(store, params):
    """POST /v1/prices."""
    allow(
        params,
        {"currency", "unit_amount", "product", "product_data", "recurring", "nickname"}
        | {"active", "metadata", "lookup_key", "expand"},
    )
    param = "product_data" if "product_data" in params else "product"
    record = {
        "id": store.new_id("price"),
        "kind": "price",
        "product": _product_id(store, params.get(param), param),
        "unit_amount": integer(require(params, "unit_amount"), "unit_amount"),
        "currency": require(params, "currency").lower(),
        "interval": None,
        "interval_count": None,
        "nickname": params.get("nickname"),
        "lookup_key": params.get("lookup_key"),
    }
    recurring = params.get("recurring")
    if recurring is not None:
        if not isinstance(recurring, dict):
            raise invalid("Invalid hash: recurring", param="recurring")
        allow(recurring, {"interval", "interval_count"}, "recurring")
        interval = require(recurring, "interval", "recurring[interval]")
        record["interval"] = choice(interval, INTERVALS, "recurring[interval]")
        count = recurring.get("interval_count", "1")
        record["interval_count"] = integer(count, "recurring[interval_count]")
    return _store(store, record, params)


def create_plan(store, params):
    """POST /v1/plans: a legacy plan, also usable wherever a price id is."""
    allow(
        params,
        {"id", "amount", "currency", "interval", "interval_count", "product", "nickname"}
        | {"active", "metadata", "usage_type", "expand"},
    )
    plan_id = params.get("id") or store.new_id("plan")
    if plan_id in store.prices:
        raise StripeError(400, "Plan already exists.", code="resource_already_exists", param="id")
    record = {
        "id": plan_id,
        "kind": "plan",
        "product": _product_id(store, params.get("product"), "product"),
        "unit_amount": integer(require(params, "amount"), "amount"),
        "currency": require(params, "currency").lower(),
        "interval": choice(require(params, "interval"), INTERVALS, "interval"),
        "interval_count": integer(params.get("interval_count", "1"), "interval_count"),
        "nickname": params.get("nickname"),
        "lookup_key": None,
    }
    return _store(store, record, params)


def _store(store, record, params):
    if record["interval_count"] is not None and record["interval_count"] < 1:
        raise invalid("Invalid interval_count: must be at least 1", param="interval_count")
    record["created"] = store.now()
    record["active"] = boolean(params.get("active"), "active") is not False
    record["metadata"] = metadata({}, params.get("metadata"))
    store.prices[record["id"]] = record
    return record


def render_price(record):
    """Show a price or plan record as a `price` object."""
    recurring = None
    if record["interval"]:
        recurring = {
            "interval": record["interval"],
            "interval_count": record["interval_count"],
            "meter": None,
            "trial_period_days": None,
            "usage_type": "licensed",
        }
    return {
        "id": record["id"],
        "object": "price",
        "active": record["active"],
        "billing_scheme": "per_unit",
        "created": record["created"],
        "currency": record["currency"],
        "custom_unit_amount": None,
        "livemode": False,
        "lookup_key": record["lookup_key"],
        "metadata": dict(record["metadata"]),
        "nickname": record["nickname"],
        "product": record["product"],
        "recurring": recurring,
        "tax_behavior": "unspecified",
        "tiers_mode": None,
        "transform_quantity": None,
        "type": "recurring" if recurring else "one_time",
        "unit_amount": record["unit_amount"],
        "unit_amount_decimal": str(record["unit_amount"]),
    }


def render_plan(record):
    """Show a price or plan record as a legacy `plan` object."""
    return {
        "id": record["id"],
        "object": "plan",
        "active": record["active"],
        "amount": record["unit_amount"],
        "amount_decimal": str(record["unit_amount"]),
        "billing_scheme": "per_unit",
        "created": record["created"],
        "currency": record["currency"],
        "interval": record["interval"],
        "interval_count": record["interval_count"],
        "livemode": False,
        "metadata": dict(record["metadata"]),
        "meter": None,
        "nickname": record["nickname"],
        "product": record["product"],
        "tiers_mode": None,
        "transform_usage": None,
        "trial_period_days": None,
        "usage_type": "licensed",
    }
