"""An app's brand (accent colour, logo) and every widget string per language, with a preview.

The preview is the widget's own stylesheet and markup in a same-origin `srcdoc` frame, filled
with this app's reasons and first offer; the page's script rewrites its text as you type.
"""

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from saveflow.admin import bp
from saveflow.admin.app_forms import LOCALE_NAMES, BrandForm
from saveflow.admin.auth import READ_ROLES, require_role
from saveflow.admin.changes import record
from saveflow.admin.copy_fields import changed_copy, field_name, grouped_keys, read_copy
from saveflow.admin.sessions import admin_app
from saveflow.apps.models import App
from saveflow.extensions import db
from saveflow.flow_copy import STRINGS
from saveflow.i18n import SUPPORTED, pick
from saveflow.offers.models import Offer
from saveflow.reasons.models import Reason
from saveflow.reasons.taxonomy import SURVEY_QUESTION
from saveflow.widget.views import DEFAULT_ACCENT, brand


def _sample(app: App) -> dict:
    """Survey reasons and an offer of this app, per language, for the preview."""
    reasons = db.session.scalars(
        select(Reason).where(Reason.app_id == app.id, Reason.active).order_by(Reason.position)
    ).all()
    # A discount if there is one: its terms line shows the price strings at work.
    offer = db.session.scalar(
        select(Offer)
        .where(Offer.app_id == app.id, Offer.active)
        .order_by((Offer.type != "discount"), Offer.id)
        .limit(1)
    )
    question = (app.settings.get("copy") or {}).get("survey_question") or SURVEY_QUESTION
    sample = {}
    for locale in SUPPORTED:
        copy = (pick(offer.copy, locale) if offer else None) or {}
        sample[locale] = {
            "question": pick(question, locale),
            "reasons": [pick(r.labels, locale) for r in reasons[:6]],
            "offer_title": copy.get("title", ""),
            "offer_body": copy.get("body", ""),
        }
    return sample


def _stored(app: App) -> dict:
    return {
        "brand": dict((app.settings or {}).get("brand") or {}),
        "copy": {
            key: dict(value)
            for key, value in ((app.settings or {}).get("copy") or {}).items()
            if key in STRINGS["en"] and isinstance(value, dict)
        },
    }


def _page(app: App, form: BrandForm, copy: dict, errors: dict, status: int = 200):
    sample = _sample(app)
    preview = render_template(
        "admin/_brand_preview.html",
        app=app,
        brand=brand(app),
        sample=sample,
        strings=STRINGS,
        locale=app.default_locale,
    )
    return render_template(
        "admin/app_brand.html",
        app=app,
        form=form,
        copy=copy,
        errors=errors,
        groups=grouped_keys(),
        strings=STRINGS,
        locales=SUPPORTED,
        locale_names=LOCALE_NAMES,
        field_name=field_name,
        preview=preview,
        sample=sample,
        default_accent=DEFAULT_ACCENT,
    ), status


@bp.get("/apps/<app_id>/brand")
@require_role(*READ_ROLES)
def app_brand(app_id: str):
    app = admin_app(app_id)
    stored = _stored(app)
    form = BrandForm(
        formdata=None,
        accent=stored["brand"].get("accent", ""),
        logo_url=stored["brand"].get("logo_url", ""),
    )
    return _page(app, form, stored["copy"], {})


@bp.post("/apps/<app_id>/brand")
@require_role("editor")
def app_brand_save(app_id: str):
    app = admin_app(app_id)
    form = BrandForm()
    valid = form.validate()
    copy, errors = read_copy(request.form)
    if not valid or errors:
        return _page(app, form, _typed(), errors, 400)
    stored = _stored(app)
    new_brand = {
        k: v
        for k, v in (
            ("accent", (form.accent.data or "").strip().lower()),
            ("logo_url", (form.logo_url.data or "").strip()),
        )
        if v
    }
    copy_before, copy_after = changed_copy(stored["copy"], copy)
    settings = dict(app.settings or {})
    if new_brand != stored["brand"]:
        record(app_id, "app.brand", f"app:{app_id}", stored["brand"] or None, new_brand or None)
        settings["brand"] = new_brand
    if copy_after or copy_before:
        record(app_id, "app.copy", f"app:{app_id}", copy_before, copy_after)
        # Keys this page does not edit (e.g. the survey question) are kept as they are.
        others = {k: v for k, v in (settings.get("copy") or {}).items() if k not in STRINGS["en"]}
        settings["copy"] = {**others, **copy}
    if settings != (app.settings or {}):
        app.settings = settings
        db.session.commit()
        flash("Brand and copy saved.")
    else:
        flash("Nothing changed.")
    return redirect(url_for("admin.app_brand", app_id=app_id))


def _typed() -> dict:
    """The copy fields as typed (including the ones in error), to show the form again."""
    typed: dict[str, dict[str, str]] = {}
    for key in STRINGS["en"]:
        for locale in SUPPORTED:
            text = request.form.get(field_name(key, locale), "")
            if text:
                typed.setdefault(key, {})[locale] = text
    return typed
