"""Comments the classifier left in `other`: map each to a category, teach the lexicon phrases."""

from typing import Any
from urllib.parse import parse_qsl, urlsplit

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from saveflow.admin import bp
from saveflow.admin.auth import READ_ROLES, require_role, safe_next
from saveflow.admin.changes import actor, record
from saveflow.admin.queries import unclassified_page
from saveflow.admin.reason_forms import (
    LabelCommentForm,
    PhraseForm,
    UnclassifiedFilter,
    category_choices,
)
from saveflow.admin.sessions import admin_app
from saveflow.db import utcnow
from saveflow.domain_errors import Invalid
from saveflow.extensions import db
from saveflow.reasons import app_model, teaching
from saveflow.reasons.editing import app_categories
from saveflow.reasons.models import AppModel
from saveflow.sessions.models import Session


def _page_state(app_id: str) -> dict[str, Any]:
    """Read the list as the query string asks for it (a bad filter shows the default)."""
    source = request.args if request.method == "GET" else _back_args()
    form = UnclassifiedFilter(source)
    if not form.validate():
        form.show.data = "open"
    page = unclassified_page(
        app_id,
        q=(form.q.data or "").strip(),
        show=form.show.data or "open",
        page=source.get("page", 1, type=int) or 1,
    )
    categories = app_categories(app_id)
    phrase_form = PhraseForm(formdata=None)
    phrase_form.category.choices = category_choices(categories, include_other=False)
    return {
        "app": admin_app(app_id),
        "form": form,
        "page": page,
        "labels": teaching.labels_for(app_id, [s.id for s in page.items]),
        "choices": category_choices(categories),
        "phrase_choices": category_choices(categories, include_other=False),
        "names": {c.key: c.labels.get("en") or c.key for c in categories},
        "phrases": teaching.app_phrases(app_id),
        "phrase_form": phrase_form,
        "row_errors": {},
        "row_values": {},
        "learning": _learning(app_id),
    }


def _learning(app_id: str) -> dict[str, Any]:
    """What the app's own model learned: how many mapped comments, and its held-back score."""
    found = app_model.labels(app_id)
    row = db.session.get(AppModel, app_id)
    return {
        "mapped": len(found),
        "held_back": sum(label.held_back for label in found),
        "model": row,
        "current": row is not None and row.labels_digest == app_model.digest(found),
        "min_training": app_model.MIN_TRAINING,
        "every": app_model.HOLD_BACK_EVERY,
    }


def _back_args() -> MultiDict:
    """The list's query string the form was posted from (kept in a hidden `back` field)."""
    back = safe_next(request.form.get("back")) or ""
    return MultiDict(parse_qsl(urlsplit(back).query))


def _back(app_id: str):
    back = safe_next(request.form.get("back"))
    path = url_for("admin.unclassified", app_id=app_id)
    if back is None or not (back == path or back.startswith(path + "?")):
        back = path
    return redirect(back)


def _category_name(app_id: str, key: str) -> str:
    found = next((c for c in app_categories(app_id) if c.key == key), None)
    return f"“{found.labels.get('en') or key}”" if found else key


@bp.get("/apps/<app_id>/reasons/unclassified")
@require_role(*READ_ROLES)
def unclassified(app_id: str):
    return render_template("admin/unclassified.html", **_page_state(app_id))


@bp.post("/apps/<app_id>/reasons/unclassified/<session_id>")
@require_role("editor")
def comment_label(app_id: str, session_id: str):
    session = db.session.scalar(
        select(Session).where(Session.app_id == app_id, Session.id == session_id)
    )
    if session is None or not (session.comment or "").strip():
        abort(404)
    form = LabelCommentForm()
    with_phrase = request.form.get("action") == "phrase"
    try:
        if not form.validate():
            raise Invalid("Invalid.", errors=form.errors)
        category, who, now = form.category.data or "", actor(), utcnow()
        before, row = teaching.label_comment(
            app_id, session.id, session.comment or "", category, who, now
        )
        if before != row.category_key:
            after = {"category": row.category_key, "text": row.text}
            was = None if before is None else {"category": before, "text": row.text}
            record(app_id, "comment.labelled", f"session:{session.id}", was, after)
        if with_phrase:
            added = teaching.add_phrase(app_id, category, form.phrase.data or "", who, now)
            record(
                app_id,
                "lexicon.phrase_added",
                f"phrase:{added.id}",
                None,
                teaching.phrase_state(added),
            )
    except Invalid as refused:
        db.session.rollback()
        state = _page_state(app_id)
        state["row_errors"][session.id] = refused.errors
        state["row_values"][session.id] = {
            "category": form.category.data,
            "phrase": form.phrase.data,
        }
        return render_template("admin/unclassified.html", **state), 400
    db.session.commit()
    name = _category_name(app_id, category)
    flash(
        f"Mapped the comment to {name} and added “{added.phrase}” to the lexicon."
        if with_phrase
        else f"Mapped the comment to {name}."
    )
    return _back(app_id)


@bp.post("/apps/<app_id>/reasons/unclassified/phrases")
@require_role("editor")
def phrase_add(app_id: str):
    form = PhraseForm()
    try:
        if not form.validate():
            raise Invalid("Invalid.", errors=form.errors)
        added = teaching.add_phrase(
            app_id, form.category.data or "", form.phrase.data or "", actor(), utcnow()
        )
    except Invalid as refused:
        db.session.rollback()
        state = _page_state(app_id)
        state["phrase_form"] = form
        form.category.choices = state["phrase_choices"]
        for field, messages in refused.errors.items():
            form[field].errors = list(messages)
        return render_template("admin/unclassified.html", **state), 400
    record(app_id, "lexicon.phrase_added", f"phrase:{added.id}", None, teaching.phrase_state(added))
    db.session.commit()
    flash(f"Added “{added.phrase}” to the lexicon.")
    return _back(app_id)


@bp.post("/apps/<app_id>/reasons/unclassified/phrases/<int:phrase_id>/remove")
@require_role("editor")
def phrase_remove(app_id: str, phrase_id: int):
    row = teaching.find_phrase(app_id, phrase_id)
    if row is None:
        abort(404)
    before = teaching.phrase_state(row)
    teaching.remove_phrase(row)
    record(app_id, "lexicon.phrase_removed", f"phrase:{phrase_id}", before, None)
    db.session.commit()
    flash(f"Removed “{before['phrase']}” from the lexicon.")
    return _back(app_id)
