"""An app's rule-set history: versions, a readable diff, rollback, and JSON import and export."""

import json

from flask import Response, abort, flash, redirect, render_template, request, url_for
from marshmallow import ValidationError
from sqlalchemy import select

from saveflow.admin import bp
from saveflow.admin.auth import READ_ROLES, require_role
from saveflow.admin.rule_diff import diff_documents, json_diff
from saveflow.admin.rule_form import ImportForm
from saveflow.admin.rule_store import import_document, rollback
from saveflow.admin.rule_text import vocabulary
from saveflow.admin.sessions import admin_app
from saveflow.extensions import db
from saveflow.offers import service
from saveflow.offers.models import RuleSet

DRAFT = "draft"
MAX_IMPORT_BYTES = 1_000_000


def _history(app_id: str) -> list[RuleSet]:
    query = select(RuleSet).where(RuleSet.app_id == app_id).order_by(RuleSet.version.desc())
    return list(db.session.scalars(query))


def _versions_page(app_id: str, form: ImportForm | None = None, status=200, problems=()):
    rows = _history(app_id)
    in_force = service.published(app_id)
    return render_template(
        "admin/rule_versions.html",
        app=admin_app(app_id),
        rows=rows,
        in_force=in_force.version if in_force else None,
        published=[r for r in rows if r.status == "published"],
        form=form or ImportForm(formdata=None),
        export_name=export_name,
        problems=list(problems),
    ), status


@bp.get("/apps/<app_id>/rules/versions")
@require_role(*READ_ROLES)
def rule_versions(app_id: str):
    return _versions_page(app_id)


def _side(app_id: str, raw: str | None, default: RuleSet | None) -> RuleSet | None:
    if raw is None or raw == "":
        return default
    if raw == DRAFT:
        row = service.draft(app_id)
    elif raw.isdigit():
        row = service.version(app_id, int(raw))
    else:
        row = None
    if row is None:
        abort(404)
    return row


def _label(row: RuleSet | None) -> str:
    if row is None:
        return "no rules"
    return "the draft" if row.status == DRAFT else f"version {row.version}"


@bp.get("/apps/<app_id>/rules/diff")
@require_role(*READ_ROLES)
def rule_diff(app_id: str):
    in_force, pending = service.published(app_id), service.draft(app_id)
    old = _side(app_id, request.args.get("a"), in_force)
    new = _side(app_id, request.args.get("b"), pending or in_force)
    words = vocabulary(app_id)
    old_doc, new_doc = (old.document if old else None), (new.document if new else None)
    return render_template(
        "admin/rule_diff.html",
        app=admin_app(app_id),
        rows=_history(app_id),
        old=old,
        new=new,
        old_label=_label(old),
        new_label=_label(new),
        diff=diff_documents(old_doc, new_doc, words),
        raw=json_diff(old_doc, new_doc, _label(old), _label(new)),
        in_force=in_force.version if in_force else None,
    )


@bp.post("/apps/<app_id>/rules/rollback/<int:number>")
@require_role("editor")
def rule_rollback(app_id: str, number: int):
    try:
        row = rollback(app_id, number)
    except LookupError as exc:
        db.session.rollback()
        if service.version(app_id, number) is None:
            abort(404)
        flash(f"Nothing rolled back: {exc}.")
        return redirect(url_for("admin.rule_versions", app_id=app_id))
    db.session.commit()
    flash(f"Version {number} is back in force as version {row.version}.")
    return redirect(url_for("admin.rule_versions", app_id=app_id))


def _uploaded(form: ImportForm) -> str | None:
    upload = form.file.data
    if upload and getattr(upload, "filename", ""):
        data = upload.read(MAX_IMPORT_BYTES + 1)
        if len(data) > MAX_IMPORT_BYTES:
            form.file.errors = ["The file is larger than 1 MB."]
            return None
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            form.file.errors = ["The file is not UTF-8 text."]
            return None
    return form.text.data or None


@bp.post("/apps/<app_id>/rules/import")
@require_role("editor")
def rule_import(app_id: str):
    form = ImportForm()
    if not form.validate():
        return _versions_page(app_id, form, 400)
    raw = _uploaded(form)
    if raw is None:
        if not form.file.errors:
            form.text.errors = ["Choose a file or paste a rule set."]
        return _versions_page(app_id, form, 400)
    try:
        document = json.loads(raw)
    except ValueError as exc:
        form.text.errors = [f"That is not valid JSON: {exc}."]
        return _versions_page(app_id, form, 400)
    if not isinstance(document, dict):
        form.text.errors = ["A rule set is a JSON object with “schema” and “rules”."]
        return _versions_page(app_id, form, 400)
    try:
        row = import_document(app_id, document, bool(form.publish.data), form.note.data)
    except ValidationError as exc:
        db.session.rollback()
        problems = [f"{where}: {message}" for where, message in _walk(exc.messages)]
        return _versions_page(app_id, form, 400, problems)
    db.session.commit()
    if row.status == "published":
        flash(f"Imported and published as version {row.version}.")
        return redirect(url_for("admin.rule_versions", app_id=app_id))
    flash("Imported as the draft. Review it, then publish.")
    return redirect(url_for("admin.rules", app_id=app_id))


def _walk(messages, path: str = "") -> list[tuple[str, str]]:
    """Flatten the schema's nested messages into (where, message) pairs: rules.2.offers.0."""
    if isinstance(messages, dict):
        found = []
        for key, inner in messages.items():
            found += _walk(inner, f"{path}.{key}" if path else str(key))
        return found
    if isinstance(messages, list):
        return [pair for item in messages for pair in _walk(item, path)]
    return [(path or "document", str(messages))]


@bp.get("/apps/<app_id>/rules/export")
@require_role(*READ_ROLES)
def rule_export(app_id: str):
    in_force = service.published(app_id)
    row = _side(app_id, request.args.get("version"), in_force or service.draft(app_id))
    if row is None:
        abort(404)
    body = json.dumps(row.document, indent=2, ensure_ascii=False) + "\n"
    # Inline, so a browser shows it; the pages' links carry `download` to save it as a file.
    disposition = "attachment" if request.args.get("download") else "inline"
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'{disposition}; filename="{export_name(app_id, row)}"'},
    )


def export_name(app_id: str, row: RuleSet) -> str:
    """Return the file name a version's JSON downloads as."""
    return f"{app_id}-rules-{'draft' if row.status == DRAFT else f'v{row.version}'}.json"
