"""Invoices a subscription's lifecycle issues, and listing them."""

from tests.fakes.stripe_forms import allow, choice, integer, invalid, missing

STATUSES = ("draft", "open", "paid", "uncollectible", "void")


def list_object(data, url, has_more=False):
    """Wrap objects in Stripe's list envelope."""
    return {"object": "list", "data": data, "has_more": has_more, "url": url}


def paginate(found, params, url):
    """Apply `starting_after` and `limit` (1-100, default 10) to newest-first objects."""
    limit = integer(params.get("limit", "10"), "limit")
    if not 1 <= limit <= 100:
        raise invalid("Invalid limit: must be between 1 and 100", param="limit")
    after = params.get("starting_after")
    if after is not None:
        ids = [item["id"] for item in found]
        if after not in ids:
            raise missing("object", after, "starting_after")
        found = found[ids.index(after) + 1 :]
    return list_object(found[:limit], url, has_more=len(found) > limit)


def create_invoice(store, subscription, amount, status, billing_reason, period=(None, None)):
    """Issue an invoice for a subscription; paid ones record when they were paid."""
    choice(status, STATUSES, "status")
    invoice_id = store.new_id("in")
    now = store.now()
    paid = amount if status == "paid" else 0
    store.invoices[invoice_id] = {
        "id": invoice_id,
        "object": "invoice",
        "account_country": "US",
        "account_name": "Fake Stripe",
        "amount_due": amount,
        "amount_paid": paid,
        "amount_remaining": amount - paid,
        "attempt_count": 1 if status in ("open", "paid") else 0,
        "attempted": status in ("open", "paid"),
        "auto_advance": status == "open",
        "billing_reason": billing_reason,
        "collection_method": "charge_automatically",
        "created": now,
        "currency": subscription["currency"],
        "customer": subscription["customer"],
        "description": None,
        "discounts": [],
        "due_date": None,
        "hosted_invoice_url": f"{store.base_url}/hosted_invoices/{invoice_id}",
        "invoice_pdf": f"{store.base_url}/hosted_invoices/{invoice_id}/pdf",
        "lines": list_object([], f"/v1/invoices/{invoice_id}/lines"),
        "livemode": False,
        "metadata": {},
        "number": f"FAKE-{len(store.invoices) + 1:04d}",
        "parent": {
            "quote_details": None,
            "subscription_details": {"metadata": {}, "subscription": subscription["id"]},
            "type": "subscription_details",
        },
        "period_end": period[1] or now,
        "period_start": period[0] or now,
        "status": status,
        "status_transitions": {
            "finalized_at": now if status != "draft" else None,
            "marked_uncollectible_at": now if status == "uncollectible" else None,
            "paid_at": now if status == "paid" else None,
            "voided_at": now if status == "void" else None,
        },
        # Kept beside `parent` for integrations written against older API versions.
        "subscription": subscription["id"],
        "subtotal": amount,
        "total": amount,
    }
    return store.invoices[invoice_id]


def list_invoices(store, params):
    """GET /v1/invoices, filtered by subscription, customer and status, newest first."""
    allow(params, {"subscription", "customer", "status", "limit", "starting_after", "expand"})
    choice(params.get("status"), STATUSES, "status")
    newest_first = sorted(store.invoices.values(), key=lambda i: (i["created"], i["id"]))[::-1]
    found = [
        invoice
        for invoice in newest_first
        if all(
            params.get(key) in (None, invoice[key])
            for key in ("subscription", "customer", "status")
        )
    ]
    return paginate(found, params, "/v1/invoices")
