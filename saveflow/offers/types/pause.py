"""A pause: no invoices for some months, then the subscription resumes on its own."""

from marshmallow import Schema

from saveflow.offers.types.base import OfferType, months
from saveflow.offers.types.fields import count
from saveflow.periods import add_interval, is_annual


class PauseParams(Schema):
    months = count(1, 12, required=True)


class Pause(OfferType):
    name = "pause"
    params = PauseParams
    cooldown_days = 180
    changes_billing = True

    def skip_reason(self, params, snapshot, policy):
        if snapshot.get("paused_until"):
            return "already_paused"
        if not policy.allow_pause_annual and is_annual(snapshot):
            return "pause_annual"
        return None

    def describe(self, params):
        return f"No invoices for {months(params['months'])}, then billing resumes"

    def terms(self, params, snapshot, now):
        resumes = add_interval(now, "month", params["months"])
        return {"months": params["months"], "resumes_on": resumes.date().isoformat()}

    def projected(self, mrr, snapshot, params, horizon):
        return mrr * max(horizon - params["months"], 0)

    def effect(self, params, snapshot, now):
        resumes = add_interval(now, "month", params["months"])
        return "pause_collection", {"behavior": "void", "resumes_at": resumes.isoformat()}
