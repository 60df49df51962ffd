"""The rule builder: the draft beside the published rules, one rule's form, and the draft's
actions (publish, discard, move, delete, the per-cancel offer limit)."""

from flask import abort, flash, redirect, render_template, request, url_for
from marshmallow import ValidationError

from saveflow.admin import bp
from saveflow.admin.auth import READ_ROLES, require_role
from saveflow.admin.rule_diff import diff_documents
from saveflow.admin.rule_form import LimitForm, PublishForm
from saveflow.admin.rule_store import Working, discard, publish, save, working
from saveflow.admin.rule_text import describe_rule, evaluation_order, vocabulary
from saveflow.admin.sessions import admin_app
from saveflow.extensions import db


def _overview(app_id: str, status: int = 200, errors: list[str] | None = None, **forms):
    now = working(app_id)
    words = vocabulary(app_id)
    published_doc = now.published.document if now.published else None
    diff = diff_documents(published_doc, now.document, words) if now.draft else None
    limit = forms.get("limit_form") or LimitForm(
        formdata=None, max_offers=str(now.document.get("max_offers", ""))
    )
    return render_template(
        "admin/rules.html",
        app=admin_app(app_id),
        now=now,
        rules=[(r, describe_rule(r, words)) for r in evaluation_order(now.document)],
        published=[(r, describe_rule(r, words)) for r in evaluation_order(published_doc or {})],
        diff=diff,
        changed=diff.by_rule() if diff else {},
        publish_form=forms.get("publish_form") or PublishForm(formdata=None),
        limit_form=limit,
        errors=errors or [],
    ), status


@bp.get("/apps/<app_id>/rules")
@require_role(*READ_ROLES)
def rules(app_id: str):
    return _overview(app_id)


def _flat(messages) -> list[str]:
    if isinstance(messages, dict):
        return [f"{k}: {m}" for k, v in messages.items() for m in _flat(v)]
    if isinstance(messages, list):
        return [m for item in messages for m in _flat(item)]
    return [str(messages)]


@bp.post("/apps/<app_id>/rules/publish")
@require_role("editor")
def rules_publish(app_id: str):
    form = PublishForm()
    if not form.validate():
        return _overview(app_id, 400, publish_form=form)
    try:
        row = publish(app_id, (form.note.data or "").strip())
    except LookupError:
        flash("There is no draft to publish.")
        return redirect(url_for("admin.rules", app_id=app_id))
    except ValidationError as exc:
        db.session.rollback()
        problems = ["The draft cannot be published:", *_flat(exc.messages)]
        return _overview(app_id, 400, problems, publish_form=form)
    db.session.commit()
    flash(f"Published version {row.version}. New cancels use it from now on.")
    return redirect(url_for("admin.rules", app_id=app_id))


@bp.post("/apps/<app_id>/rules/discard")
@require_role("editor")
def rules_discard(app_id: str):
    row = discard(app_id)
    db.session.commit()
    flash("Draft discarded." if row else "There was no draft.")
    return redirect(url_for("admin.rules", app_id=app_id))


@bp.post("/apps/<app_id>/rules/settings")
@require_role("editor")
def rules_settings(app_id: str):
    form = LimitForm()
    if not form.validate():
        return _overview(app_id, 400, limit_form=form)
    now = working(app_id)
    before = now.document.get("max_offers")
    if form.max_offers.data:
        now.document["max_offers"] = int(form.max_offers.data)
    else:
        now.document.pop("max_offers", None)
    after = now.document.get("max_offers")
    if before == after:
        return redirect(url_for("admin.rules", app_id=app_id))
    return _save_or_show(
        app_id,
        now,
        "rules.max_offers_changed",
        "rule_set:max_offers",
        {"max_offers": before},
        {"max_offers": after},
    )


def _save_or_show(app_id: str, now: Working, action: str, target: str, before, after):
    try:
        save(app_id, now.document, action, target, before, after)
    except ValidationError as exc:
        db.session.rollback()
        return _overview(app_id, 400, ["The draft has problems:", *_flat(exc.messages)])
    db.session.commit()
    flash("Saved to the draft.")
    return redirect(url_for("admin.rules", app_id=app_id))


def find_rule(now: Working, rule_id: str) -> int:
    index = now.index_of(rule_id)
    if index is None:
        abort(404)
    return index


@bp.post("/apps/<app_id>/rules/<rule_id>/move")
@require_role("editor")
def rule_move(app_id: str, rule_id: str):
    now = working(app_id)
    find_rule(now, rule_id)
    step = -1 if request.form.get("direction") == "up" else 1
    order = evaluation_order(now.document)
    at = next(n for n, r in enumerate(order) if r.get("id") == rule_id)
    if not 0 <= at + step < len(order):
        return redirect(url_for("admin.rules", app_id=app_id, _anchor=f"rule-{rule_id}"))
    before = [r["id"] for r in order]
    _swap(now.document["rules"], order[at], order[at + step], up=step < 0)
    after = [r["id"] for r in evaluation_order(now.document)]
    response = _save_or_show(
        app_id, now, "rules.rule_moved", f"rule:{rule_id}", {"order": before}, {"order": after}
    )
    if response.status_code == 302:
        response.location += f"#rule-{rule_id}"
    return response


def _swap(rules: list[dict], moving: dict, neighbour: dict, up: bool) -> None:
    """Move a rule past its neighbour in the order rules run, changing only the moved rule.

    It takes the neighbour's priority and the place just before (or after) it in the list:
    equal priorities run in list order, so no other rule's priority or order changes.
    """
    rules.remove(moving)
    at = rules.index(neighbour)
    rules.insert(at if up else at + 1, moving)
    moving["priority"] = neighbour.get("priority", 0)


@bp.post("/apps/<app_id>/rules/<rule_id>/delete")
@require_role("editor")
def rule_delete(app_id: str, rule_id: str):
    now = working(app_id)
    removed = now.document["rules"].pop(find_rule(now, rule_id))
    return _save_or_show(app_id, now, "rules.rule_deleted", f"rule:{rule_id}", removed, None)
