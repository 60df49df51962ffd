"""The billing-provider interface and its registry (providers: `none` and `stripe`)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from saveflow.billing.connections import Connection
from saveflow.billing.settings import BillingSettings
from saveflow.domain_errors import BillingFailed


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

    def customer_email(self, customer: str) -> str | None:
        """Return the customer's email address as billing knows it, or None if it knows none."""


# A provider is made for one connection (None: a provider that needs no keys).
Factory = Callable[[Connection | None, BillingSettings], BillingProvider]
_FACTORIES: dict[str, Factory] = {}


def register(name: str, factory: Factory) -> None:
    """Make a provider available by name."""
    _FACTORIES[name] = factory


def provider_for(
    app, connection: Connection | None, settings: BillingSettings
) -> BillingProvider:
    """Return the provider for one of an app's modes: its connection's, else the app's default.

    A mode without a connection falls back to the app's `billing_provider` (`none` unless set),
    for which the customer token carries the subscription snapshot.
    """
    name = connection.provider if connection else app.billing_provider
    if name != "none" and connection is None:
        raise BillingFailed(
            f"Billing provider {name!r} is not connected for this mode; connect it first.",
            code="billing_not_connected",
        )
    try:
        factory = _FACTORIES[name]
    except KeyError:
        raise LookupError(f"billing provider {name!r} is not available") from None
    return factory(connection, settings)
