"""An app's team: who has which role, add someone by email, change a role, remove someone."""

from flask import abort, flash, make_response, redirect, render_template, url_for

from saveflow.accounts.models import User
from saveflow.accounts.service import add_member, members_of, remove_member, set_member_role
from saveflow.admin import bp
from saveflow.admin.app_forms import AddMemberForm, MemberRoleForm, RemoveMemberForm
from saveflow.admin.auth import READ_ROLES, require_role
from saveflow.admin.changes import record
from saveflow.admin.sessions import admin_app
from saveflow.domain_errors import Invalid, NotFound
from saveflow.extensions import db


def _page(app_id: str, add=None, errors=None, created=None, status: int = 200):
    members = members_of(app_id)
    html = render_template(
        "admin/app_users.html",
        app=admin_app(app_id),
        members=members,
        add_form=add or AddMemberForm(formdata=None),
        role_forms={
            m.user_id: MemberRoleForm(formdata=None, prefix=f"m{m.user_id}", role=m.role)
            for m in members
        },
        remove_form=RemoveMemberForm(formdata=None),
        errors=errors or {},
        created=created,
    )
    response = make_response(html, status)
    if created:
        response.headers["Cache-Control"] = "no-store"  # it shows a one-time password
    return response


@bp.get("/apps/<app_id>/users")
@require_role(*READ_ROLES)
def app_users(app_id: str):
    return _page(app_id)


@bp.post("/apps/<app_id>/users")
@require_role()
def app_user_add(app_id: str):
    form = AddMemberForm()
    if not form.validate():
        return _page(app_id, add=form, status=400)
    try:
        user, password = add_member(app_id, form.email.data or "", form.role.data)
        db.session.flush()
    except Invalid as problem:
        db.session.rollback()
        for field, messages in problem.errors.items():
            getattr(form, field, form.email).errors.extend(messages)
        return _page(app_id, add=form, status=400)
    record(
        app_id,
        "member.added",
        f"user:{user.id}",
        None,
        {"email": user.email, "role": form.role.data, "new_account": password is not None},
    )
    db.session.commit()
    if password is None:
        flash(f"{user.email} is now {form.role.data} on this app.")
        return redirect(url_for("admin.app_users", app_id=app_id))
    # The password is shown on this response only: never flashed (the session cookie is only
    # signed, not encrypted), never logged, never stored but as its hash.
    return _page(app_id, created={"email": user.email, "password": password})


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.post("/apps/<app_id>/users/<int:user_id>/role")
@require_role()
def app_user_role(app_id: str, user_id: int):
    user = _user(user_id)
    form = MemberRoleForm(prefix=f"m{user_id}")
    if not form.validate():
        return _page(app_id, errors={user_id: form.role.errors}, status=400)
    try:
        old, new = set_member_role(app_id, user_id, form.role.data)
    except NotFound:
        abort(404)
    except Invalid as problem:
        db.session.rollback()
        return _page(app_id, errors={user_id: problem.errors["role"]}, status=400)
    if old != new:
        record(
            app_id,
            "member.role",
            f"user:{user_id}",
            {"email": user.email, "role": old},
            {"email": user.email, "role": new},
        )
        db.session.commit()
    flash(f"{user.email} is now {new}.")
    return redirect(url_for("admin.app_users", app_id=app_id))


@bp.post("/apps/<app_id>/users/<int:user_id>/remove")
@require_role()
def app_user_remove(app_id: str, user_id: int):
    user = _user(user_id)
    RemoveMemberForm()  # the blueprint has already checked its CSRF token
    try:
        gone = remove_member(app_id, user_id)
    except NotFound:
        abort(404)
    except Invalid as problem:
        db.session.rollback()
        return _page(app_id, errors={user_id: problem.errors["member"]}, status=400)
    record(
        app_id, "member.removed", f"user:{user_id}", {"email": user.email, "role": gone.role}, None
    )
    db.session.commit()
    flash(f"{user.email} no longer has a role of their own on this app.")
    return redirect(url_for("admin.app_users", app_id=app_id))
