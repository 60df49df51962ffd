"""Billing provider `none`: the host applies offers itself from the recorded effect."""


from marshmallow import ValidationError

from saveflow.billing.base import Effect, register
from saveflow.billing.schemas import load_snapshot
from saveflow.domain_errors import Invalid
from saveflow.offers.types import offer_type
from saveflow.periods import cancel_effective_at


class NoneProvider:
    name = "none"

    def snapshot(self, app, claims: dict) -> dict:
        raw = claims.get("snapshot")
        if raw is None:
            raise Invalid(
                "With billing provider `none` the token must carry a `snapshot`.",
                errors={"token": {"snapshot": ["Missing data for required field."]}},
            )
        try:
            return load_snapshot(raw)
        except ValidationError as exc:
            raise Invalid(
                "The token's subscription snapshot is not valid.",
                errors={"token": {"snapshot": exc.messages}},
            ) from None

    def apply_offer(self, app, session, offer, idempotency_key, now) -> Effect:
        action, details = offer_type(offer.type).effect(offer.params, session.snapshot, now)
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

    def customer_email(self, customer: str) -> str | None:
        # Without billing, the address can only come from the token's signed `email` claim.
        return None


_NONE = NoneProvider()
register("none", lambda _connection, _settings: _NONE)
