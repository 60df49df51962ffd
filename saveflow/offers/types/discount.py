"""A discount: a percentage or a fixed amount off each invoice for some months."""

from datetime import datetime
from fractions import Fraction

from marshmallow import Schema, ValidationError, validates_schema

from saveflow.offers.types.base import OfferType, money, months, price_per_period
from saveflow.offers.types.fields import count
from saveflow.periods import monthly_factor
from saveflow.revenue import round_minor


class DiscountParams(Schema):
    percent = count(1, 100)
    amount = count(1)  # minor units of the subscription's currency, off each invoice
    # Longer than 3 years is a price change, not a save offer.
    months = count(1, 36, required=True)

    @validates_schema
    def _one_kind(self, data: dict, **kwargs) -> None:
        if ("percent" in data) == ("amount" in data):
            raise ValidationError("Give exactly one of percent or amount.", "percent")


class Discount(OfferType):
    name = "discount"
    params = DiscountParams
    cooldown_days = 365
    changes_billing = True

    def skip_reason(self, params, snapshot, policy):
        # Stacking coupons is never what the product team meant.
        return "discount_active" if snapshot.get("discount") else None

    def describe(self, params):
        off = (
            f"{params['percent']}% off"
            if params.get("percent")
            else f"{params['amount']} minor units off each invoice, in its own currency,"
        )
        return f"{off} for {months(params['months'])}"

    def terms(self, params, snapshot, now):
        before = price_per_period(snapshot)
        if params.get("percent"):
            after = round_minor(Fraction(before * (100 - params["percent"]), 100))
        else:
            after = max(before - params["amount"], 0)
        return {
            **money(snapshot),
            "months": params["months"],
            "percent": params.get("percent"),
            "amount_off": params.get("amount"),
            "price_before": before,
            "price_after": after,
        }

    def projected(self, mrr, snapshot, params, horizon):
        months = Fraction(min(params["months"], horizon))
        if params.get("percent"):
            discounted = mrr * (1 - Fraction(params["percent"]) / 100)
        else:
            monthly_off = Fraction(params["amount"]) * monthly_factor(
                snapshot.get("interval", "month"), snapshot.get("interval_count", 1)
            )
            discounted = max(mrr - monthly_off, Fraction(0))
        return discounted * months + mrr * (horizon - months)

    def effect(self, params, snapshot, now: datetime):
        kind = (
            {"percent_off": params["percent"]}
            if params.get("percent")
            else {"amount_off": params["amount"], "currency": snapshot["currency"]}
        )
        return "apply_discount", {
            **kind,
            "duration": "repeating",
            "duration_in_months": params["months"],
        }
