"""A fictitious SaaS ("Northwind Analytics") that embeds the widget from another origin.

It plays the host developer's part: its server signs a customer token with the app's secret and
its account page calls `Saveflow.open`. It signs only for the demo app (`flask saveflow init`
under SAVEFLOW_DEMO=1 marks it) and only for customers it makes up, since anyone may load it.
`make run` serves it on port 5001 beside saveflow on 5000:

    SAVEFLOW_DEMO=1 gunicorn --bind 127.0.0.1:5001 'saveflow.widget.demo_host:create_from_env()'
"""

import os
import secrets
import time
from collections.abc import Callable

from flask import Flask, abort, render_template, request

from saveflow.apps.demo import DEMO_PLAN, find_demo_app
from saveflow.config import ROOT, Config
from saveflow.sessions.tokens import sign

Credentials = Callable[[], tuple[str, str]]  # → the demo app's (id, live secret)


# Subscription states the demo can show: `?status=past_due` (payment recovery first) or
# `?status=trialing` (a trial extension may be offered); anything else is an active subscription.
DEMO_STATUSES = ("active", "past_due", "trialing")


def demo_token(app_id: str, secret: str, customer: str, status: str, billing_url: str) -> str:
    """Sign a ten-minute customer token for the demo's subscription."""
    snapshot = dict(DEMO_PLAN, status=status)
    if status == "past_due":
        snapshot["update_payment_url"] = billing_url
    claims = {
        "app": app_id,
        "customer": customer,
        "subscription": "sub_" + customer.removeprefix("cus_"),
        "mode": "live",
        "exp": int(time.time()) + 600,
        "snapshot": snapshot,
        # Where the receipt goes (the log backend, unless SendGrid is configured).
        "email": f"{customer.removeprefix('cus_')}@customers.demo-app.example",
    }
    return sign(secret, claims)


def create_demo_host(saveflow_url: str, public_url: str, credentials: Credentials) -> Flask:
    """Create the demo host app, served at public_url, embedding saveflow from saveflow_url."""
    host = Flask(__name__, template_folder=str(ROOT / "templates"), static_folder=None)
    billing_url = public_url.rstrip("/") + "/billing"

    @host.get("/")
    def account():
        app_id, secret = credentials()
        if request.args.get("app", app_id) != app_id:
            abort(404, "This demo signs customer tokens for its own demo app only.")
        if "customer" in request.args:
            abort(400, "This demo signs only for the demo customers it makes up itself.")
        # A fresh customer per visit, so every demo run sees offers (cooldowns are per customer).
        customer = f"cus_demo_{secrets.token_hex(4)}"
        status = request.args.get("status", "active")
        status = status if status in DEMO_STATUSES else "active"
        return render_template(
            "demo_account.html",
            saveflow_url=saveflow_url.rstrip("/"),
            app_id=app_id,
            token=demo_token(app_id, secret, customer, status, billing_url),
            locale=request.args.get("locale") or None,
            customer=customer,
            past_due=status == "past_due",
            status=status,
            plan=DEMO_PLAN,
        )

    @host.get("/billing")
    def billing():
        return render_template("demo_account.html", billing=True)

    @host.get("/favicon.ico")
    def favicon():
        return "", 204

    return host


def credentials_from_db(saveflow: Flask) -> Credentials:
    """Read the demo app's id and live secret from saveflow's database, as a host's config would."""

    def lookup() -> tuple[str, str]:
        with saveflow.app_context():
            app = find_demo_app()
            if app is None:
                raise LookupError(
                    "no demo app; run `SAVEFLOW_DEMO=1 flask --app wsgi saveflow init`"
                )
            return app.id, app.live_secret

    return lookup


def create_from_env(config: type[Config] = Config) -> Flask:
    """Gunicorn entry point: only under SAVEFLOW_DEMO=1, URLs from the environment."""
    if not config.SAVEFLOW_DEMO:
        raise RuntimeError(
            "the demo host signs live customer tokens, so it runs only with SAVEFLOW_DEMO=1 "
            "(`make run` sets it); never start it beside a production saveflow"
        )
    from saveflow.app import create_app

    saveflow_url = os.environ.get("SAVEFLOW_URL", "http://127.0.0.1:5000")
    lookup = credentials_from_db(create_app(config))
    return create_demo_host(saveflow_url, config.SAVEFLOW_DEMO_URL, lookup)
