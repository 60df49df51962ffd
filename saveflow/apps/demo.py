"""The demo app: the one app the demo host may sign customer tokens for."""

from sqlalchemy import select

from saveflow.apps.models import App
from saveflow.extensions import db

# Set only by `flask saveflow init` under SAVEFLOW_DEMO; no API or page writes this key.
DEMO_SETTINGS = {"demo": True}


def find_demo_app() -> App | None:
    """Return the oldest app marked as the demo's, or None."""
    marked = App.settings["demo"].as_boolean()
    return db.session.scalar(select(App).where(marked).order_by(App.created_at).limit(1))
