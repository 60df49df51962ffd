"""The billing-provider interface and its registry (providers: `none`, later `stripe`)."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class Effect:
    """What billing did, or with provider `none` what the host must do."""

    provider: str
    status: str  # "applied" (billing changed) or "host_applies" (the host applies it)
    action: str
    details: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "provider": self.provider,
            "status": self.status,
            "action": self.action,
            **self.details,
        }


class BillingProvider(Protocol):
    name: str

    def snapshot(self, app, claims: dict) -> dict:
        """Return the validated subscription snapshot for a customer token's claims."""

    def apply_offer(self, app, session, offer, idempotency_key: str, now: datetime) -> Effect:
        """Apply an accepted offer exactly once per idempotency key."""

    def cancel(
        self, app, session, immediately: bool, idempotency_key: str, now: datetime
    ) -> Effect:
        """Cancel the subscription at period end (or now) exactly once per idempotency key."""


_PROVIDERS: dict[str, BillingProvider] = {}


def register(provider: BillingProvider) -> BillingProvider:
    """Make a provider available by name."""
    _PROVIDERS[provider.name] = provider
    return provider


def provider_for(app) -> BillingProvider:
    """Return the billing provider an app is configured with."""
    from saveflow.billing import none  # noqa: F401  (registers itself)

    try:
        return _PROVIDERS[app.billing_provider]
    except KeyError:
        raise LookupError(f"billing provider {app.billing_provider!r} is not available") from None
