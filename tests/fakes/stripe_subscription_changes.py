"""Changing subscriptions: update (price, trial, pause, discounts, cancellation), cancel, list."""

from tests.fakes.stripe_discounts import amount_due, set_discounts
from tests.fakes.stripe_forms import (
    allow,
    as_list,
    boolean,
    choice,
    invalid,
    metadata,
    missing,
)
from tests.fakes.stripe_invoices import paginate
from tests.fakes.stripe_items import ITEM_PARAMS, check_items, new_item, price_of, quantity
from tests.fakes.stripe_subscriptions import (
    IGNORED,
    STATUSES,
    advance,
    cycle,
    future,
    issue_invoice,
    refresh_period,
    render,
    set_cancellation,
)

PAUSE_BEHAVIORS = ("keep_as_draft", "mark_uncollectible", "void")
PRORATIONS = ("always_invoice", "create_prorations", "none")
UPDATE_PARAMS = {
    "items",
    "discounts",
    "pause_collection",
    "trial_end",
    "billing_cycle_anchor",
    "cancel_at_period_end",
    "cancel_at",
    "cancellation_details",
    "metadata",
    "description",
    "proration_date",
    "expand",
} | IGNORED


def subscription(store, sub_id):
    """Return a stored subscription, brought up to the fake's clock."""
    sub = store.get("subscriptions", "subscription", sub_id)
    advance(store, sub)
    return sub


def update_subscription(store, sub_id, params):
    """POST /v1/subscriptions/{id}; the caller restores the store if this raises."""
    sub = subscription(store, sub_id)
    allow(params, UPDATE_PARAMS)
    if sub["status"] == "canceled" and set(params) - {"metadata", "cancellation_details", "expand"}:
        raise invalid(
            "A canceled subscription can only update its cancellation_details and metadata."
        )
    proration = choice(params.get("proration_behavior"), PRORATIONS, "proration_behavior")
    now = store.now()
    before_cycle, before_amount = cycle(store, sub), amount_due(store, sub)
    if "items" in params:
        update_items(store, sub, params["items"], now)
    if "trial_end" in params:
        set_trial(sub, params["trial_end"], now)
    anchor = choice(
        params.get("billing_cycle_anchor"), ("now", "unchanged"), "billing_cycle_anchor"
    )
    # A new interval starts a new cycle now, as in Stripe; so does an explicit anchor reset.
    if anchor == "now" or (cycle(store, sub) != before_cycle and sub["status"] != "trialing"):
        sub["billing_cycle_anchor"] = now
        anchor = "now"
    refresh_period(store, sub)
    set_cancellation(store, sub, params)
    set_discounts(store, sub, params.get("discounts"))
    if "pause_collection" in params:
        set_pause(sub, params["pause_collection"], now)
    sub["metadata"] = metadata(sub["metadata"], params.get("metadata"))
    if "description" in params:
        sub["description"] = params["description"] or None
    if sub["status"] != "trialing":
        if anchor == "now":
            issue_invoice(store, sub, amount_due(store, sub), "paid", "subscription_update")
        elif proration == "always_invoice" and amount_due(store, sub) != before_amount:
            issue_invoice(
                store, sub, prorated(sub, before_amount, store), "paid", "subscription_update"
            )
    return sub


def update_items(store, sub, entries, now):
    """Swap an item's price (quantity resets to 1 unless given), add or delete items."""
    for i, entry in enumerate(as_list(entries, "items")):
        param = f"items[{i}]"
        if not isinstance(entry, dict):
            raise invalid(f"Invalid hash: {param}", param=param)
        if "id" not in entry:
            sub["items"].append(new_item(store, entry, param, now))
            continue
        allow(entry, ITEM_PARAMS | {"id", "deleted", "clear_usage"}, param)
        item = next((it for it in sub["items"] if it["id"] == entry["id"]), None)
        if item is None:
            raise missing("subscription item", entry["id"], f"{param}[id]")
        if boolean(entry.get("deleted"), f"{param}[deleted]"):
            sub["items"].remove(item)
            continue
        price = price_of(store, entry, param, required=False)
        if price is not None and price != item["price"]:
            item["price"], item["quantity"] = price, 1
        if entry.get("quantity") is not None:
            item["quantity"] = quantity(entry, param)
        item["metadata"] = metadata(item["metadata"], entry.get("metadata"), f"{param}[metadata]")
    if not sub["items"]:
        raise invalid("A subscription must have at least one active item.", param="items")
    if check_items(store, sub["items"]) != sub["currency"]:
        raise invalid("You cannot combine currencies on a single customer.", param="items")


def set_trial(sub, value, now):
    """Start or move a trial to `value`, or end it with "now"; the cycle re-anchors there."""
    if value == "now":
        if sub["status"] == "trialing":
            sub["status"] = "active"
        sub["trial_start"] = sub["trial_start"] or now
        sub["trial_end"] = sub["billing_cycle_anchor"] = now
        return
    end = future(value, "trial_end", now)
    if sub["status"] != "trialing" or sub["trial_start"] is None:
        sub["trial_start"] = now
    if sub["status"] in ("active", "trialing"):
        sub["status"] = "trialing"
    sub["trial_end"] = sub["billing_cycle_anchor"] = end


def set_pause(sub, value, now):
    """Pause collection ({behavior, resumes_at}) or resume it with ""."""
    if value == "":
        sub["pause_collection"] = None
        return
    if not isinstance(value, dict):
        raise invalid("Invalid hash: pause_collection", param="pause_collection")
    allow(value, {"behavior", "resumes_at"}, "pause_collection")
    behavior = value.get("behavior")
    if not behavior:
        raise invalid(
            "Missing required param: pause_collection[behavior].",
            param="pause_collection[behavior]",
            code="parameter_missing",
        )
    choice(behavior, PAUSE_BEHAVIORS, "pause_collection[behavior]")
    resumes_at = value.get("resumes_at")
    if resumes_at is not None:
        resumes_at = future(resumes_at, "pause_collection[resumes_at]", now)
    sub["pause_collection"] = {"behavior": behavior, "resumes_at": resumes_at}


def prorated(sub, before_amount, store):
    """Charge the rest of the period at the new rate less the old; credits aren't refunded."""
    start, end = sub["current_period_start"], sub["current_period_end"]
    left = (end - store.now()) / (end - start) if end > start else 0
    return max(0, round((amount_due(store, sub) - before_amount) * left))


def cancel_subscription(store, sub_id, params):
    """DELETE /v1/subscriptions/{id}: cancel now; a canceled one no longer exists to cancel."""
    sub = subscription(store, sub_id)
    allow(params, {"invoice_now", "prorate", "cancellation_details", "expand"})
    if sub["status"] == "canceled":
        raise missing("subscription", sub_id)
    boolean(params.get("invoice_now"), "invoice_now")
    boolean(params.get("prorate"), "prorate")
    set_cancellation(store, sub, {"cancellation_details": params.get("cancellation_details")})
    now = store.now()
    sub.update(status="canceled", canceled_at=now, ended_at=now)
    sub["cancellation_details"]["reason"] = "cancellation_requested"
    return sub


def delete_customer(store, customer_id, params):
    """DELETE /v1/customers/{id}: cancel its subscriptions now and leave only a deleted stub,
    which is what reading the customer returns from then on, as in Stripe."""
    allow(params, set())
    customer = store.get("customers", "customer", customer_id)
    if customer.get("deleted"):
        raise missing("customer", customer_id)
    for sub in store.subscriptions.values():
        if sub["customer"] == customer_id and sub["status"] != "canceled":
            cancel_subscription(store, sub["id"], {})
    store.customers[customer_id] = {"id": customer_id, "object": "customer", "deleted": True}
    return store.customers[customer_id]


def set_status(store, sub_id, status):
    """Force a status, as a failed payment or a dunning rule would."""
    sub = subscription(store, sub_id)
    sub["status"] = choice(status, STATUSES, "status")
    if status == "canceled":
        now = store.now()
        sub["canceled_at"] = sub["canceled_at"] or now
        sub["ended_at"] = now
    return sub


def list_subscriptions(store, params):
    """GET /v1/subscriptions: by customer, price and status (canceled only when asked)."""
    allow(params, {"customer", "price", "status", "limit", "starting_after", "expand"})
    status = choice(params.get("status"), (*STATUSES, "all", "ended"), "status")
    found = []
    for sub in sorted(store.subscriptions.values(), key=lambda s: s["id"], reverse=True):
        advance(store, sub)
        prices = {item["price"] for item in sub["items"]}
        if (
            _listed(sub["status"], status)
            and params.get("customer") in (None, sub["customer"])
            and params.get("price") in (None, *prices)
        ):
            found.append(render(store, sub))
    return paginate(found, params, "/v1/subscriptions")


def _listed(current, wanted):
    if wanted == "ended":
        return current in ("canceled", "incomplete_expired")
    if wanted is None:
        return current != "canceled"
    return wanted in ("all", current)
