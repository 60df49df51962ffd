"""The signed-in person's API tokens for the reports API: make one (shown once), list, revoke."""

from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_login import current_user

from saveflow.accounts import api_tokens
from saveflow.accounts.models import REPORT_ROLES, ApiToken
from saveflow.accounts.service import visible_apps
from saveflow.admin import bp
from saveflow.admin.auth import signed_in
from saveflow.admin.changes import actor
from saveflow.admin.forms import ApiTokenForm, RevokeTokenForm
from saveflow.db import utcnow
from saveflow.domain_errors import Invalid
from saveflow.extensions import db


def _page(form: ApiTokenForm | None = None, created: dict | None = None, status: int = 200):
    html = render_template(
        "admin/api_tokens.html",
        tokens=api_tokens.tokens_of(current_user.id),
        report_apps=[a for a in visible_apps(current_user.id) if a.role in REPORT_ROLES],
        form=form or ApiTokenForm(formdata=None),
        revoke_form=RevokeTokenForm(formdata=None),
        created=created,
    )
    response = make_response(html, status)
    if created:
        response.headers["Cache-Control"] = "no-store"  # it shows a token once
    return response


@bp.get("/account/api-tokens")
@signed_in
def api_tokens_page():
    return _page()


@bp.post("/account/api-tokens")
@signed_in
def api_token_create():
    form = ApiTokenForm()
    if not form.validate():
        return _page(form, status=400)
    try:
        token, full = api_tokens.issue(current_user, form.name.data, actor())
    except Invalid as problem:
        db.session.rollback()
        form.name.errors = list(problem.errors.get("name", [problem.message]))
        return _page(form, status=400)
    db.session.commit()
    # Shown in this response only: never flashed (the cookie is signed, not encrypted), never
    # logged, stored only as a digest.
    return _page(created={"name": token.name, "token": full})


@bp.post("/account/api-tokens/<int:token_id>/revoke")
@signed_in
def api_token_revoke(token_id: int):
    RevokeTokenForm()  # the blueprint has already checked its CSRF token
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)  # someone else's token is no more findable than one that does not exist
    if api_tokens.revoke(token, utcnow(), actor()):
        db.session.commit()
        flash(f"Revoked {token.name} ({token.shown_prefix}); it no longer works.")
    return redirect(url_for("admin.api_tokens_page"))
