"""A sample customer for the widget preview: the form, its token and what the rules give it.

The token is signed with the app's test secret, so every preview session is a test-mode
session and never counts as revenue.
"""

import secrets
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from saveflow.admin.forms import FilterForm
from saveflow.admin.offer_input import LOCALE_NAMES
from saveflow.billing.schemas import INTERVALS, load_snapshot
from saveflow.i18n import choose_locale
from saveflow.offers.rules import Context, Decision, evaluate, policy_from_settings
from saveflow.reasons.classify import classify
from saveflow.reasons.taxonomy import CATEGORIES, LOCALES
from saveflow.revenue import mrr
from saveflow.sessions.flow import compliance_mode
from saveflow.sessions.schemas import StartSchema
from saveflow.sessions.setup_cache import setup_for
from saveflow.sessions.tokens import sign

STATUSES = ("active", "trialing", "past_due", "unpaid")
TOKEN_SECONDS = 600
# Snapshot fields that a published rule's plain `eq` condition may prefill.
PREFILLED = ("category", "plan", "currency", "interval", "status", "country", "locale")


class SampleCustomer(FilterForm):
    category = SelectField(
        "Reason category",
        choices=[SelectChoice("", "Decide in the widget")]
        + [SelectChoice(k, c.labels["en"]) for k, c in CATEGORIES.items()],
    )
    plan = StringField("Plan id", validators=[Optional(), Length(max=200)])
    plan_name = StringField("Plan name", validators=[Optional(), Length(max=200)])
    amount = IntegerField("Price per period, in minor units", validators=[Optional()])
    currency = StringField("Currency", validators=[Optional(), Length(max=20)])
    interval = SelectField("Billed every", choices=[SelectChoice(i, i) for i in INTERVALS])
    status = SelectField("Status", choices=[SelectChoice(s, s.replace("_", " ")) for s in STATUSES])
    started_at = DateField("Customer since", validators=[Optional()])
    country = StringField("Country", validators=[Optional(), Length(max=8)])
    locale = SelectField("Language", choices=[SelectChoice(x, LOCALE_NAMES[x]) for x in LOCALES])
    attributes = TextAreaField("Custom attributes", validators=[Optional(), Length(max=5000)])
    customer = StringField("Customer id", validators=[Optional(), Length(max=200)])
    subscription = StringField(
        "Stripe test subscription id", validators=[Optional(), Length(max=200)]
    )


def defaults(
    app,
    document: dict | None,
    offer=None,
    tenure_days: int | None = None,
    rule_id: str | None = None,
) -> MultiDict:
    """Return the form's starting values: a monthly Pro customer, shaped to reach `offer`
    or to meet the published rule `rule_id`."""
    values = {
        "category": "",
        "plan": "pro",
        "plan_name": "Pro",
        "amount": "4900",
        "currency": "usd",
        "interval": "month",
        "status": "active",
        "locale": app.default_locale,
        "started_at": (date.today() - timedelta(days=tenure_days or 400)).isoformat(),
        "customer": f"cus_preview_{secrets.token_hex(4)}",
    }
    if offer is not None:
        values.update(_reaching(offer, document))
    rule = next((r for r in (document or {}).get("rules", []) if r.get("id") == rule_id), None)
    if rule is not None:
        values.update(_meeting(rule))
    return MultiDict(values)


def _reaching(offer, document: dict | None) -> dict:
    """Return sample values that meet the first published rule showing `offer`."""
    values: dict = {}
    if offer.type == "downgrade" and offer.params.get("targets"):
        plan = sorted(offer.params["targets"])[0]
        values.update(plan=plan, plan_name=plan.replace("_", " ").title())
    if offer.type == "trial_extension":
        values["status"] = "trialing"
    for rule in (document or {}).get("rules", []):
        variants = (rule.get("experiment") or {}).get("variants") or []
        named = [rule.get("offers", []), *(v.get("offers", []) for v in variants)]
        if not rule.get("enabled", True) or not any(offer.key in keys for keys in named):
            continue
        values.update(_meeting(rule))
        break
    return values


def _meeting(rule: dict) -> dict:
    """Return sample values that meet a rule's plain equality conditions."""
    values = {}
    for cond in rule.get("when", []):
        value = cond.get("value")
        if cond["op"] == "in" and isinstance(value, list) and value:
            value = value[0]
        if cond["field"] in PREFILLED and cond["op"] in ("eq", "in") and isinstance(value, str):
            values[cond["field"]] = value
    return values


def parse_attributes(text: str) -> tuple[dict, list[str]]:
    """Read `key=value` lines; numbers and true/false become numbers and booleans."""
    found: dict = {}
    problems = []
    for number, line in enumerate((text or "").splitlines(), 1):
        if not line.strip():
            continue
        key, sep, raw = line.partition("=")
        if not sep or not key.strip():
            problems.append(f"Line {number}: write key=value.")
            continue
        found[key.strip()] = _typed(raw.strip())
    if not problems:
        try:
            StartSchema().load({"app_id": "a", "token": "x.y", "attributes": found})
        except ValidationError as err:
            messages = err.messages if isinstance(err.messages, dict) else {}
            problems.extend(str(m) for m in messages.get("attributes", []))
    return found, problems


def _typed(raw: str):
    if raw in ("true", "false"):
        return raw == "true"
    for kind in (int, float):
        try:
            return kind(raw)
        except ValueError:
            pass
    return raw


@dataclass
class Sample:
    """A valid sample customer: the snapshot, the browser's attributes and the claims to sign."""

    snapshot: dict | None  # None with Stripe: billing reads the real test subscription
    attributes: dict
    claims: dict
    locale: str
    category: str | None


def build(app, form: SampleCustomer, stripe: bool) -> Sample | None:
    """Check the form against the snapshot and attribute schemas; None with errors on fields."""
    if not form.validate():
        return None
    attributes, problems = parse_attributes(form.attributes.data or "")
    form.attributes.errors = list(form.attributes.errors) + problems
    snapshot = None
    customer = (form.customer.data or "").strip() or f"cus_preview_{secrets.token_hex(4)}"
    subscription = "sub_" + customer.removeprefix("cus_")
    if stripe:
        subscription = (form.subscription.data or "").strip()
        if not subscription:
            form.subscription.errors = ["Give a subscription of Stripe's test mode."]
    else:
        snapshot = _snapshot(form)
    if form.attributes.errors or form.subscription.errors or (not stripe and snapshot is None):
        return None
    country = (form.country.data or "").strip().upper()
    claims = {
        "app": app.id,
        "customer": customer,
        "subscription": subscription,
        "mode": "test",
        "exp": int(time.time()) + TOKEN_SECONDS,
        **({"snapshot": snapshot} if snapshot is not None else {}),
        **({"country": country} if country else {}),
    }
    return Sample(snapshot, attributes, claims, form.locale.data, form.category.data or None)


def _snapshot(form: SampleCustomer) -> dict | None:
    started = form.started_at.data
    raw = {
        "plan": (form.plan.data or "").strip(),
        "plan_name": (form.plan_name.data or "").strip(),
        "amount": form.amount.data,
        "currency": (form.currency.data or "").strip(),
        "interval": form.interval.data,
        "status": form.status.data,
        "started_at": datetime(started.year, started.month, started.day, tzinfo=UTC).isoformat()
        if started
        else None,
    }
    if not raw["plan_name"]:
        del raw["plan_name"]
    try:
        return load_snapshot(raw)
    except ValidationError as err:
        problems = err.messages if isinstance(err.messages, dict) else {"plan": err.messages}
        for name, messages in problems.items():
            target = form._fields.get(name)
            if target is None:
                form.plan.errors = [*form.plan.errors, f"{name}: {messages}"]
            else:
                target.errors = [*target.errors, *messages]
        return None


def token(app, sample: Sample) -> str:
    """Sign the sample's claims with the app's test secret."""
    return sign(app.secret_for("test"), sample.claims)


def dry_run(app, sample: Sample, now: datetime) -> Decision | None:
    """Return what the published rules give this customer for its reason category."""
    setup = setup_for(app)
    if sample.snapshot is None or sample.category is None or setup.rules is None:
        return None
    country = sample.claims.get("country") or None
    policy = policy_from_settings(app.settings, compliance_mode(app, country))
    started = sample.snapshot.get("started_at")
    context = Context(
        customer=sample.claims["customer"],
        classification=classify(sample.category, None, sample.snapshot["status"]).to_dict(),
        snapshot={
            **sample.snapshot,
            "started_at": datetime.fromisoformat(started) if started else None,
        },
        mrr=mrr(sample.snapshot),
        locale=choose_locale(sample.locale, None, app.locales, app.default_locale),
        country=country,
        attributes=sample.attributes,
        history={},
        now=now,
    )
    return evaluate(setup.rules, context, setup.specs, policy, seed=app.id)
