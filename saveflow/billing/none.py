"""Billing provider `none`: the host applies offers itself from the recorded effect."""

from datetime import datetime

from marshmallow import ValidationError

from saveflow.billing.base import Effect, register
from saveflow.billing.periods import add_interval, cancel_effective_at
from saveflow.billing.schemas import load_snapshot
from saveflow.errors import APIError


def offer_effect(offer, snapshot: dict, now: datetime) -> tuple[str, dict]:
    """Describe the billing change an offer asks for, in provider-neutral terms."""
    params = offer.params
    if offer.type == "discount":
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
    if offer.type == "pause":
        resumes = add_interval(now, "month", params["months"])
        return "pause_collection", {"behavior": "void", "resumes_at": resumes.isoformat()}
    if offer.type == "downgrade":
        target = params["targets"][snapshot["plan"]]
        return "change_plan", {
            "from_plan": snapshot["plan"],
            "to_plan": target["plan"],
            "amount": target["amount"],
            "proration_behavior": params.get("proration_behavior", "create_prorations"),
        }
    if offer.type == "trial_extension":
        return "extend_trial", {"days": params["days"]}
    return "none", {"url": params.get("url")}


class NoneProvider:
    name = "none"

    def snapshot(self, app, claims: dict) -> dict:
        raw = claims.get("snapshot")
        if raw is None:
            raise APIError(
                422,
                "With billing provider `none` the token must carry a `snapshot`.",
                errors={"token": {"snapshot": ["Missing data for required field."]}},
            )
        try:
            return load_snapshot(raw)
        except ValidationError as exc:
            raise APIError(
                422,
                "The token's subscription snapshot is not valid.",
                errors={"token": {"snapshot": exc.messages}},
            ) from None

    def apply_offer(self, app, session, offer, idempotency_key, now) -> Effect:
        action, details = offer_effect(offer, session.snapshot, now)
        status = "host_applies" if action != "none" else "applied"
        return Effect(self.name, status, action, {**details, "idempotency_key": idempotency_key})

    def cancel(self, app, session, immediately, idempotency_key, now) -> Effect:
        # Without a start date the period end is unknown to us; the host's billing knows it.
        end = cancel_effective_at(session.snapshot, immediately, now)
        effective_at = end.isoformat() if end else None
        return Effect(
            self.name,
            "host_applies",
            "cancel_subscription",
            {
                "at_period_end": not immediately,
                "effective_at": effective_at,
                "idempotency_key": idempotency_key,
            },
        )


register(NoneProvider())
