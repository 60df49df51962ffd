"""A downgrade: the current plan's price swapped for a cheaper one."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from saveflow.offers.types.base import OfferType, money, price_per_period, readable_plan
from saveflow.offers.types.fields import count
from saveflow.revenue import exact_mrr, round_minor

PRORATION_BEHAVIORS = ("create_prorations", "none", "always_invoice")


class TargetSchema(Schema):
    plan = fields.String(required=True, validate=validate.Length(min=1, max=200))
    amount = count(0, required=True)  # unit amount of the target price, minor units
    name = fields.String(validate=validate.Length(max=200))  # shown in the offer copy


class DowngradeParams(Schema):
    # Current plan (price) id -> the cheaper price offered instead; plans without an entry are
    # not offered a downgrade.
    targets = fields.Dict(
        keys=fields.String(validate=validate.Length(min=1, max=200)),
        values=fields.Nested(TargetSchema),
        load_default=dict,
    )
    proration_behavior = fields.String(
        load_default="create_prorations", validate=validate.OneOf(PRORATION_BEHAVIORS)
    )

    @validates_schema
    def _targets_differ(self, data: dict, **kwargs) -> None:
        same = {
            plan: {"plan": ["The target must differ from the current plan."]}
            for plan, target in data["targets"].items()
            if target["plan"] == plan
        }
        if same:
            raise ValidationError(same, "targets")


def target_for(params: dict, snapshot: dict) -> dict:
    """Return the cheaper price this subscription's plan steps down to."""
    return params["targets"][snapshot["plan"]]


class Downgrade(OfferType):
    name = "downgrade"
    params = DowngradeParams
    cooldown_days = 90
    changes_billing = True

    def skip_reason(self, params, snapshot, policy):
        if (snapshot.get("item_count") or 1) > 1:
            return "multiple_items"  # one price swapped would leave the others' charge unknown
        if snapshot.get("plan") not in (params.get("targets") or {}):
            return "no_downgrade_target"
        return None

    def describe(self, params):
        targets = params.get("targets") or {}
        if not targets:
            return "No target plans yet, so nobody is offered it"
        return "; ".join(
            f"{plan} → {target['plan']} at {target['amount']} minor units"
            for plan, target in sorted(targets.items())
        )

    def terms(self, params, snapshot, now):
        target = target_for(params, snapshot)
        return {
            **money(snapshot),
            "plan": target["plan"],
            "plan_name": (target.get("name") or "").strip() or readable_plan(target["plan"]),
            "price_before": price_per_period(snapshot),
            "price_after": target["amount"] * snapshot["quantity"],
            "mrr_after": round_minor(exact_mrr(snapshot, unit_amount=target["amount"])),
        }

    def projected(self, mrr, snapshot, params, horizon):
        return exact_mrr(snapshot, unit_amount=target_for(params, snapshot)["amount"]) * horizon

    def effect(self, params, snapshot, now):
        target = target_for(params, snapshot)
        return "change_plan", {
            "from_plan": snapshot["plan"],
            "to_plan": target["plan"],
            "amount": target["amount"],
            "proration_behavior": params.get("proration_behavior", "create_prorations"),
        }
