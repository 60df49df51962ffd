"""How saveflow talks to billing providers, read once from the Flask config."""

from dataclasses import dataclass

from flask import Flask, current_app

EXTENSION = "saveflow.billing"


@dataclass(frozen=True)
class BillingSettings:
    stripe_api_base: str | None  # another base URL for every Stripe call (emulators, tests)
    timeout: float  # seconds any one provider call may take
    return_url: str | None  # where the billing portal sends a customer back
    webhook_tolerance: int  # seconds a webhook signature stays valid


def init_app(app: Flask) -> None:
    """Read the billing settings from the app's config."""
    app.extensions[EXTENSION] = BillingSettings(
        stripe_api_base=app.config.get("STRIPE_API_BASE") or None,
        timeout=float(app.config["SAVEFLOW_BILLING_TIMEOUT"]),
        return_url=app.config.get("SAVEFLOW_BILLING_RETURN_URL") or None,
        webhook_tolerance=int(app.config["SAVEFLOW_WEBHOOK_TOLERANCE"]),
    )


def current_settings() -> BillingSettings:
    """Return the settings of the app handling this request or command."""
    return current_app.extensions[EXTENSION]
