"""The survey's reasons: list and order them, edit one, add one, retire one, shuffle or not."""

from flask import abort, flash, redirect, render_template, request, url_for

from saveflow.admin import bp
from saveflow.admin.auth import READ_ROLES, require_role
from saveflow.admin.changes import can_edit, record
from saveflow.admin.queries import reason_used, unclassified_count
from saveflow.admin.reason_forms import (
    LABEL_FIELDS,
    RandomizeForm,
    ReasonForm,
    category_choices,
)
from saveflow.admin.sessions import admin_app
from saveflow.apps.settings import set_randomized
from saveflow.domain_errors import Invalid
from saveflow.extensions import db
from saveflow.reasons import editing
from saveflow.reasons.models import Reason

STEPS = {"up": -1, "down": 1}


def _reason_or_404(app_id: str, reason_id: str) -> Reason:
    reason = editing.find_reason(app_id, int(reason_id)) if reason_id.isdigit() else None
    if reason is None:
        abort(404)
    return reason


def _back_to_list(app_id: str, reason: Reason | None = None):
    anchor = f"reason-{reason.id}" if reason is not None else None
    return redirect(url_for("admin.reasons", app_id=app_id, _anchor=anchor))


@bp.get("/apps/<app_id>/reasons")
@require_role(*READ_ROLES)
def reasons(app_id: str):
    app = admin_app(app_id)
    form = RandomizeForm(randomize=bool((app.settings or {}).get("randomize_reasons")))
    return render_template(
        "admin/reasons.html",
        app=app,
        reasons=editing.app_reasons(app_id),
        randomize=form,
        unclassified=unclassified_count(app_id),
    )


@bp.route("/apps/<app_id>/reasons/<reason_id>", methods=["GET", "POST"])
@require_role(*READ_ROLES)
def reason_edit(app_id: str, reason_id: str):
    reason = None if reason_id == "new" else _reason_or_404(app_id, reason_id)
    if (reason is None or request.method == "POST") and not can_edit():
        abort(403)
    app = admin_app(app_id)
    form = ReasonForm()
    form.category.choices = category_choices(editing.app_categories(app_id))
    if request.method == "GET" and reason is not None:
        form.key.data, form.category.data = reason.key, reason.category.key
        form.follow_up.data, form.active.data = reason.follow_up, reason.active
        for locale, field in LABEL_FIELDS.items():
            form[field].data = reason.labels.get(locale, "")
    if request.method == "POST" and form.validate():
        saved = _save(app_id, reason, form)
        if saved is not None:
            return _back_to_list(app_id, saved)
    status = 400 if request.method == "POST" else 200
    used = reason is not None and reason_used(app_id, reason.key)
    return render_template(
        "admin/reason_edit.html", app=app, reason=reason, form=form, used=used
    ), status


def _save(app_id: str, reason: Reason | None, form: ReasonForm) -> Reason | None:
    """Save the form's reason and audit it; on refusal put the errors on the form."""
    before = editing.state(reason) if reason is not None else None
    try:
        saved = editing.save_reason(
            app_id,
            reason,
            key=form.key.data or "",
            labels=form.labels(),
            category=form.category.data or "",
            follow_up=form.follow_up.data or "",
            active=bool(form.active.data),
        )
    except Invalid as refused:
        db.session.rollback()
        for field, messages in refused.errors.items():
            form[field].errors = list(messages)
        return None
    after = editing.state(saved)
    if before == after:
        flash("Nothing changed.")
        return saved
    action = "reason.created" if before is None else "reason.updated"
    record(app_id, action, f"reason:{saved.key}", before, after)
    db.session.commit()
    flash(f"Saved “{saved.labels['en']}”.")
    return saved


@bp.post("/apps/<app_id>/reasons/<int:reason_id>/move")
@require_role("editor")
def reason_move(app_id: str, reason_id: int):
    reason = _reason_or_404(app_id, str(reason_id))
    step = STEPS.get(request.form.get("direction", ""))
    if step is None:
        abort(400)
    before = [r.key for r in editing.app_reasons(app_id)]
    after = editing.move_reason(app_id, reason, step)
    if after != before:
        record(app_id, "reason.moved", f"reason:{reason.key}", before, after)
        db.session.commit()
        direction = request.form["direction"]
        flash(f"Moved “{reason.labels.get('en', reason.key)}” {direction}.")
    return _back_to_list(app_id, reason)


@bp.post("/apps/<app_id>/reasons/order")
@require_role("editor")
def reasons_order(app_id: str):
    """Take the whole order at once (the list's drag and drop sends it)."""
    keys = [k for k in request.form.get("order", "").split(",") if k]
    before = [r.key for r in editing.app_reasons(app_id)]
    try:
        after = editing.reorder(app_id, keys)
    except Invalid:
        db.session.rollback()
        abort(400)
    if after != before:
        record(app_id, "reason.moved", "reasons", before, after)
        db.session.commit()
        flash("Saved the new order.")
    return _back_to_list(app_id)


@bp.post("/apps/<app_id>/reasons/<int:reason_id>/retire")
@require_role("editor")
def reason_retire(app_id: str, reason_id: int):
    reason = _reason_or_404(app_id, str(reason_id))
    before = editing.state(reason)
    try:
        outcome = editing.retire_reason(app_id, reason, reason_used(app_id, reason.key))
    except Invalid as refused:
        db.session.rollback()
        flash(refused.message)
        return _back_to_list(app_id, reason)
    label = before["labels"].get("en", reason.key)
    if outcome == "deleted":
        record(app_id, "reason.deleted", f"reason:{before['key']}", before, None)
        flash(f"Deleted “{label}”.")
    else:
        record(
            app_id, "reason.deactivated", f"reason:{before['key']}", before, editing.state(reason)
        )
        flash(f"Sessions used “{label}”, so it was hidden from the survey rather than deleted.")
    db.session.commit()
    return _back_to_list(app_id)


@bp.post("/apps/<app_id>/reasons/randomize")
@require_role("editor")
def reasons_randomize(app_id: str):
    app = admin_app(app_id)
    form = RandomizeForm()
    before = bool((app.settings or {}).get("randomize_reasons"))
    after = bool(form.randomize.data)
    if after != before:
        set_randomized(app, after)
        record(app_id, "reasons.randomize", f"app:{app_id}", before, after)
        db.session.commit()
    flash(
        "Each customer sees the reasons in a shuffled order."
        if after
        else "Customers see the reasons in the order below."
    )
    return _back_to_list(app_id)
