"""A fictitious SaaS ("Northwind Analytics") that embeds the widget from another origin.

It plays the host developer's part: its server signs a customer token with the app's secret and
its account page calls `Saveflow.open`. `make run` serves it on port 5001 beside saveflow on 5000:

    gunicorn --bind 127.0.0.1:5001 'saveflow.widget.demo_host:create_from_env()'
"""

import os
import secrets
import time
from collections.abc import Callable

from flask import Flask, render_template, request

from saveflow.config import ROOT
from saveflow.sessions.tokens import sign

Credentials = Callable[[str | None], tuple[str, str]]  # app id or None → (app id, live secret)

PLAN = {
    "plan": "pro",
    "plan_name": "Pro",
    "amount": 4900,
    "currency": "usd",
    "interval": "month",
    "interval_count": 1,
    "quantity": 1,
    "status": "active",
    "started_at": "2025-03-15T10:00:00+00:00",
}


def demo_token(app_id: str, secret: str, customer: str, past_due: bool, billing_url: str) -> str:
    """Sign a ten-minute customer token for the demo's Pro subscription."""
    snapshot = dict(PLAN, status="past_due", update_payment_url=billing_url) if past_due else PLAN
    claims = {
        "app": app_id,
        "customer": customer,
        "subscription": "sub_" + customer.removeprefix("cus_"),
        "mode": "live",
        "exp": int(time.time()) + 600,
        "snapshot": snapshot,
    }
    return sign(secret, claims)


def create_demo_host(saveflow_url: str | None, credentials: Credentials) -> Flask:
    """Create the demo host app; without a saveflow URL it assumes port 5000 on its own host."""
    host = Flask(__name__, template_folder=str(ROOT / "templates"), static_folder=None)

    @host.get("/")
    def account():
        app_id, secret = credentials(request.args.get("app"))
        # A fresh customer per visit, so every demo run sees offers (cooldowns are per customer).
        customer = request.args.get("customer") or f"cus_demo_{secrets.token_hex(4)}"
        past_due = request.args.get("status") == "past_due"
        token = demo_token(app_id, secret, customer, past_due, request.host_url + "billing")
        return render_template(
            "demo_account.html",
            saveflow_url=saveflow_url or f"{request.scheme}://{request.host.split(':')[0]}:5000",
            app_id=app_id,
            token=token,
            locale=request.args.get("locale") or None,
            customer=customer,
            past_due=past_due,
        )

    @host.get("/billing")
    def billing():
        return render_template("demo_account.html", billing=True)

    @host.get("/favicon.ico")
    def favicon():
        return "", 204

    return host


def credentials_from_db() -> Credentials:
    """Read app ids and secrets from saveflow's database, as the host's own config would."""
    from sqlalchemy import select

    from saveflow.app import create_app
    from saveflow.apps.models import App
    from saveflow.extensions import db

    saveflow = create_app()

    def lookup(app_id: str | None) -> tuple[str, str]:
        with saveflow.app_context():
            query = select(App).order_by(App.created_at).limit(1)
            app = db.session.get(App, app_id) if app_id else db.session.scalar(query)
            if app is None:
                raise LookupError("no saveflow app; run `flask --app wsgi saveflow init`")
            return app.id, app.live_secret

    return lookup


def create_from_env() -> Flask:
    """Gunicorn entry point: saveflow's URL from SAVEFLOW_URL, secrets from its database."""
    return create_demo_host(os.environ.get("SAVEFLOW_URL"), credentials_from_db())
