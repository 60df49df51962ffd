"""How saveflow talks to billing providers, read from the Flask config."""

from dataclasses import dataclass

from flask import current_app


@dataclass(frozen=True)
class BillingSettings:
    stripe_api_base: str | None  # another base URL for every Stripe call (emulators, tests)
    timeout: float  # seconds any one provider call may take
    return_url: str | None  # where the billing portal sends a customer back
    webhook_tolerance: int  # seconds a webhook signature stays valid


def current_settings() -> BillingSettings:
    """Return the billing settings of the app handling this request or command."""
    config = current_app.config
    return BillingSettings(
        stripe_api_base=config.get("STRIPE_API_BASE") or None,
        timeout=float(config["SAVEFLOW_BILLING_TIMEOUT"]),
        return_url=config.get("SAVEFLOW_BILLING_RETURN_URL") or None,
        webhook_tolerance=int(config["SAVEFLOW_WEBHOOK_TOLERANCE"]),
    )
