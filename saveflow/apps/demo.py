"""The demo app: the one app the demo host may sign customer tokens for."""

from sqlalchemy import select

from saveflow.apps.models import App
from saveflow.extensions import db

# Set only by `flask saveflow init` under SAVEFLOW_DEMO; no API or page writes the "demo" key.
# The demo app also starts with alert triggers, so a cancel on /demo shows customer success's
# alert on the Messages page (emails go to the log backend unless SendGrid is configured).
DEMO_SETTINGS = {
    "demo": True,
    "messages": {
        "sender_email": "billing@demo-app.example",
        "sender_name": "Demo app",
        "customer_emails": True,
        "alert_recipients": ["success@demo-app.example"],
        "alert_locale": "en",
        "alert_triggers": [
            {
                "name": "Valuable and influenceable",
                "min_mrr": {"eur": 3500, "gbp": 3000, "usd": 4000},
                "influenceable": True,
                "outcomes": ["cancelled", "abandoned"],
            },
            {"name": "Asked for a person", "offer_types": ["concierge", "contact"]},
        ],
    },
}

# The demo host's subscription as its billing describes it: a price id the customer never sees,
# and the plan's name, which the widget shows.
DEMO_PLAN = {
    "plan": "pro_monthly",
    "plan_name": "Pro",
    "amount": 4900,
    "currency": "usd",
    "interval": "month",
    "interval_count": 1,
    "quantity": 1,
    "status": "active",
    "started_at": "2025-03-15T10:00:00+00:00",
}
# Pro can step down to Starter and Business to Pro, so the demo app's downgrade offer has a
# target for the plans its customers are on.
DEMO_DOWNGRADES = {
    "pro_monthly": {"plan": "starter_monthly", "name": "Starter", "amount": 1900},
    "business_monthly": {"plan": "pro_monthly", "name": "Pro", "amount": 4900},
}


def find_demo_app() -> App | None:
    """Return the oldest app marked as the demo's, or None."""
    marked = App.settings["demo"].as_boolean()
    return db.session.scalar(select(App).where(marked).order_by(App.created_at).limit(1))
