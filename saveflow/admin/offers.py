"""The offers editor: the list, one form per offer type with a live card, and switching off."""

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from marshmallow import fields
from marshmallow.validate import Range
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from saveflow.admin import bp
from saveflow.admin.auth import READ_ROLES, require_role
from saveflow.admin.changes import record
from saveflow.admin.offer_card import sample_cards
from saveflow.admin.offer_input import (
    LOCALE_NAMES,
    OfferInput,
    read_form,
    validate,
    values_from_offer,
)
from saveflow.admin.offer_usage import draft_rules_using, published_rules_using, published_usage
from saveflow.admin.sessions import admin_app
from saveflow.extensions import db
from saveflow.flow_copy import strings_for
from saveflow.offers import service
from saveflow.offers.models import Offer
from saveflow.offers.types import OFFER_TYPES, REGISTRY
from saveflow.widget import assets
from saveflow.widget.views import brand

TYPE_LABELS = {
    "discount": ("Discount", "A percentage or an amount off each invoice for some months."),
    "pause": ("Pause", "No invoices for some months, then billing resumes by itself."),
    "downgrade": ("Downgrade", "A cheaper plan instead, per plan the customer is on."),
    "trial_extension": ("Trial extension", "More free days for customers still on trial."),
    "training": ("Training", "A link to book training or watch a course."),
    "concierge": ("Concierge", "A link to book a set-up call with your team."),
    "contact": ("Contact", "A link to support: a page, a chat or a mailto: address."),
    "redirect": ("Redirect", "A link to any page, such as help content."),
}

# Label and hint of each parameter field; limits come from the type's schema.
PARAM_TEXT = {
    "percent": ("Percent off", "Give a percentage or an amount, not both."),
    "amount": (
        "Amount off each invoice, in minor units",
        "Taken off in the subscription's own currency: 500 is $5.00 on a USD plan, ¥500 on a JPY "
        "one.",
    ),
    "months": ("For how many months", ""),
    "pause.months": ("Pause for how many months", "Billing resumes by itself afterwards."),
    "days": ("Extra free days", ""),
    "url": ("Link", "An https:// address."),
    "contact.url": ("Link", "An https:// address, or mailto: and a support address."),
}


def param_text(type_name: str, name: str) -> tuple[str, str, str, str]:
    """Return a parameter's label, hint, input type and extra attributes for the form."""
    label, hint = PARAM_TEXT.get(f"{type_name}.{name}") or PARAM_TEXT.get(name) or (name, "")
    kind = REGISTRY[type_name].params().fields[name]
    if not isinstance(kind, fields.Integer):
        extra = 'maxlength="2000" spellcheck="false"'
        return label, hint, "text" if type_name == "contact" else "url", extra
    limits = next((v for v in kind.validators if isinstance(v, Range)), None)
    low, high = (limits.min, limits.max) if limits else (None, None)
    span = f"{low} to {high}." if high is not None else f"At least {low}."
    extra = " ".join(
        [f'min="{low}"'] + ([f'max="{high}"'] if high is not None else []) + ['step="1"']
    )
    return label, f"{span} {hint}".strip(), "number", extra + ' inputmode="numeric"'


def _snapshot(offer: Offer) -> dict:
    """Return what the audit log keeps of an offer."""
    return {"type": offer.type, "params": offer.params, "copy": offer.copy, "active": offer.active}


def _find(app_id: str, key: str) -> Offer:
    offer = service.find_offer(app_id, key)
    if offer is None:
        abort(404)
    return offer


def _editor(app_id, type_name, form: OfferInput, offer=None, status=200):
    app = admin_app(app_id)
    preview = sample_cards(type_name, form.doc["params"], form.doc["copy"])
    used = published_rules_using(app_id, offer.key) if offer else []
    page = render_template(
        "admin/offer_form.html",
        app=app,
        offer=offer,
        type_name=type_name,
        type_label=TYPE_LABELS[type_name],
        param_fields=REGISTRY[type_name].params().fields,
        values=form.values,
        errors=form.errors,
        locales=LOCALE_NAMES,
        used=used,
        param_text=param_text,
        widget={
            "preview": preview,
            "strings": strings_for(app.settings.get("copy")),
            "brand": {**brand(app), "name": app.name},
            "locale": app.default_locale,
            "cardUrl": url_for("admin.offer_card", app_id=app_id, type=type_name),
            "flowCss": url_for("widget.asset", name="flow.css", v=assets.load("flow.css").version),
        },
    )
    return page, status


@bp.get("/apps/<app_id>/offers")
@require_role(*READ_ROLES)
def offers(app_id: str):
    rows = db.session.scalars(
        select(Offer).where(Offer.app_id == app_id).order_by(Offer.active.desc(), Offer.key)
    ).all()
    summaries = {o.key: _summary(o) for o in rows}
    return render_template(
        "admin/offers.html",
        app=admin_app(app_id),
        offers=rows,
        summaries=summaries,
        usage=published_usage(app_id),
        type_labels=TYPE_LABELS,
    )


def _summary(offer: Offer) -> str:
    try:
        return REGISTRY[offer.type].describe(offer.params)
    except (KeyError, TypeError):  # a row written before its type's schema tightened
        return "Parameters need attention: open it to fix them."


@bp.route("/apps/<app_id>/offers/new", methods=["GET", "POST"])
@require_role("editor")
def offer_new(app_id: str):
    type_name = request.args.get("type")
    if type_name is None:
        return render_template(
            "admin/offer_types.html", app=admin_app(app_id), type_labels=TYPE_LABELS
        )
    if type_name not in OFFER_TYPES:
        abort(404)
    if request.method == "GET":
        blank = OfferInput({"key": "", "targets": []}, {"params": {}, "copy": {}})
        return _editor(app_id, type_name, blank)
    key = (request.form.get("key") or "").strip()
    form = read_form(request.form, type_name, key)
    clean = validate(form, taken=service.find_offer(app_id, key) is not None)
    if clean is None:
        return _editor(app_id, type_name, form, status=400)
    offer = Offer(app_id=app_id, **clean)
    db.session.add(offer)
    try:
        db.session.flush()
    except IntegrityError:  # another editor took the key a moment ago
        db.session.rollback()
        form.error("key", "Another offer of this app already has this key.")
        return _editor(app_id, type_name, form, status=400)
    record(app_id, "offer.created", f"offer:{offer.key}", None, _snapshot(offer))
    db.session.commit()
    flash(f"Offer {offer.key} created.")
    return redirect(url_for("admin.offer_edit", app_id=app_id, key=offer.key))


@bp.get("/apps/<app_id>/offers/<key>")
@require_role(*READ_ROLES)
def offer_edit(app_id: str, key: str):
    offer = _find(app_id, key)
    values = values_from_offer(offer)
    return _editor(
        app_id, offer.type, OfferInput(values, {"params": offer.params, "copy": offer.copy}), offer
    )


@bp.post("/apps/<app_id>/offers/<key>")
@require_role("editor")
def offer_update(app_id: str, key: str):
    offer = _find(app_id, key)
    # The key and type are fixed once created: rules and past sessions refer to them.
    form = read_form(request.form, offer.type, offer.key)
    form.doc["active"] = offer.active
    clean = validate(form, taken=False)
    if clean is None:
        return _editor(app_id, offer.type, form, offer, status=400)
    before = _snapshot(offer)
    offer.params, offer.copy = clean["params"], clean["copy"]
    after = _snapshot(offer)
    if after != before:
        record(app_id, "offer.updated", f"offer:{offer.key}", before, after)
        db.session.commit()
        flash(f"Offer {offer.key} saved.")
    else:
        flash("Nothing changed.")
    return redirect(url_for("admin.offer_edit", app_id=app_id, key=offer.key))


@bp.post("/apps/<app_id>/offers/<key>/active")
@require_role("editor")
def offer_active(app_id: str, key: str):
    offer = _find(app_id, key)
    wanted = request.form.get("active") == "1"
    if wanted == offer.active:
        return redirect(url_for("admin.offer_edit", app_id=app_id, key=key))
    if not wanted:
        used = published_rules_using(app_id, key)
        if used:
            flash(
                f"{key} stays active: the published rules {', '.join(used)} show it. "
                "Take it out of those rules and publish first."
            )
            form = OfferInput(
                values_from_offer(offer), {"params": offer.params, "copy": offer.copy}
            )
            return _editor(app_id, offer.type, form, offer, status=409)
    before = _snapshot(offer)
    offer.active = wanted
    action = "offer.activated" if wanted else "offer.deactivated"
    record(app_id, action, f"offer:{key}", before, _snapshot(offer))
    db.session.commit()
    drafts = [] if wanted else draft_rules_using(app_id, key)
    note = f" The draft's rules {', '.join(drafts)} still name it." if drafts else ""
    flash(f"Offer {key} {'activated' if wanted else 'deactivated'}.{note}")
    return redirect(url_for("admin.offer_edit", app_id=app_id, key=key))


@bp.post("/apps/<app_id>/offer-card")
@require_role("editor")
def offer_card(app_id: str):
    """Return the live preview's card for the form as typed so far (nothing is saved)."""
    type_name = request.args.get("type")
    if type_name not in OFFER_TYPES:
        abort(404)
    form = read_form(request.form, type_name, "preview")
    preview = sample_cards(type_name, form.doc["params"], form.doc["copy"])
    validate(form, taken=False)
    return jsonify({**preview, "errors": form.errors})
