"""A trial extension: more free days for a customer still on trial."""

from marshmallow import Schema

from saveflow.offers.types.base import OfferType
from saveflow.offers.types.fields import count


class TrialExtensionParams(Schema):
    days = count(1, 730, required=True)  # Stripe refuses trial_end beyond two years


class TrialExtension(OfferType):
    name = "trial_extension"
    params = TrialExtensionParams
    cooldown_days = 365
    changes_billing = True

    def skip_reason(self, params, snapshot, policy):
        # Billing can only lengthen a trial that is still running.
        return None if snapshot.get("status") == "trialing" else "not_trialing"

    def describe(self, params):
        return f"{params['days']} more days of free trial"

    def terms(self, params, snapshot, now):
        return {"days": params["days"]}

    def effect(self, params, snapshot, now):
        return "extend_trial", {"days": params["days"]}
