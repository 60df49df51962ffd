"""An app's email and alert settings: who sends, whether customers get emails, who hears
customer-success alerts, in which language, and the triggers that raise them."""

from flask import current_app, flash, redirect, render_template, url_for

from saveflow.admin import bp
from saveflow.admin.auth import READ_ROLES, require_role
from saveflow.admin.changes import record
from saveflow.admin.message_forms import MessagesForm
from saveflow.admin.queries import session_currencies
from saveflow.admin.sessions import admin_app
from saveflow.admin.trigger_input import (
    describe,
    read_triggers,
    trigger_choices,
    trigger_values,
)
from saveflow.apps.models import App
from saveflow.extensions import db
from saveflow.messaging.alerts import TRIGGER_LIMIT, normalize_triggers
from saveflow.messaging.settings import DEFAULT_SENDER, message_settings, settings_json

COMMON_CURRENCIES = ("usd", "eur", "gbp", "cny", "jpy", "hkd", "twd", "cad", "aud")


def _initial(app: App, currency: str) -> dict:
    stored = message_settings(app.settings)
    return {
        "sender_email": stored.sender_email or "",
        "sender_name": stored.sender_name or "",
        "customer_emails": stored.customer_emails,
        "alert_recipients": "\n".join(stored.alert_recipients),
        "alert_locale": stored.alert_locale,
        # The saved triggers, then a blank card to add one.
        "triggers": [trigger_values(t, currency) for t in stored.alert_triggers[:TRIGGER_LIMIT]]
        + [trigger_values(None, currency)],
    }


def _page(app: App, form: MessagesForm, choices, currencies, errors=None, status=200):
    stored = message_settings(app.settings)
    return render_template(
        "admin/messages.html",
        app=app,
        form=form,
        saved_triggers=min(len(stored.alert_triggers), TRIGGER_LIMIT),
        # In words, as saved: shown until a save is refused (the cards then show what was typed).
        summaries=[] if errors else [describe(t, choices) for t in stored.alert_triggers],
        trigger_errors=errors or {},
        currencies=currencies,
        default_sender=current_app.config.get("SAVEFLOW_EMAIL_FROM") or DEFAULT_SENDER,
    ), status


def _form(app: App, formdata=True):
    """The form (as posted, or as stored), its checkbox choices set from the app."""
    stored = list(message_settings(app.settings).alert_triggers)
    currencies = session_currencies(app.id)
    currencies += [c for c in COMMON_CURRENCIES if c not in currencies]
    if formdata:
        form = MessagesForm()
    else:
        form = MessagesForm(formdata=None, data=_initial(app, currencies[0]))
    choices = trigger_choices(app.id, stored)
    for entry in form.triggers:
        for name, pairs in choices.items():
            entry.form[name].choices = pairs
    return form, choices, currencies


@bp.get("/apps/<app_id>/alerts")
@require_role(*READ_ROLES)
def alerts(app_id: str):
    app = admin_app(app_id)
    form, choices, currencies = _form(app, formdata=False)
    return _page(app, form, choices, currencies)


@bp.post("/apps/<app_id>/alerts")
@require_role("editor")
def alerts_save(app_id: str):
    app = admin_app(app_id)
    form, choices, currencies = _form(app)
    valid = form.validate()
    raw, cards, errors = read_triggers(form.triggers)
    known = {name: [value for value, _label in pairs] for name, pairs in choices.items()}
    triggers, problems = normalize_triggers(raw, known)
    for position, found in problems.items():
        errors.setdefault(cards[position], []).extend(found)
    for index, entry in enumerate(form.triggers):
        if entry.errors and index not in errors:  # a field's own check: shown beside it
            errors[index] = ["Correct the fields marked below."]
    if not valid or errors:
        return _page(app, form, choices, currencies, errors, 400)
    before = settings_json(message_settings(app.settings))
    after = {
        "sender_email": form.sender_email.data or None,
        "sender_name": form.sender_name.data or None,
        "customer_emails": bool(form.customer_emails.data),
        "alert_recipients": form.alert_recipients.parsed,
        "alert_locale": form.alert_locale.data,
        "alert_triggers": triggers,
    }
    if before == after:
        flash("Nothing changed.")
        return redirect(url_for("admin.alerts", app_id=app_id))
    # A new dict, so the JSON column is seen as changed.
    messages = {**(app.settings.get("messages") or {}), **after}
    app.settings = {**app.settings, "messages": messages}
    record(app_id, "messages.settings", f"app:{app_id}", before, after)
    db.session.commit()
    flash("Email and alert settings saved.")
    return redirect(url_for("admin.alerts", app_id=app_id))
