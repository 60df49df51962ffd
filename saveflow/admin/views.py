"""Sign in, sign out, and the dashboard of apps a user can see."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from saveflow.accounts import signin
from saveflow.accounts.service import can_create_apps, visible_apps
from saveflow.admin import bp
from saveflow.admin.auth import safe_next, signed_in
from saveflow.admin.forms import LoginForm, LogoutForm
from saveflow.extensions import db
from saveflow.security.limits import client_ip


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    target = safe_next(request.args.get("next")) or url_for("admin.dashboard")
    if current_user.is_authenticated and request.method == "GET":
        return redirect(target)
    if form.validate_on_submit():
        user = signin.attempt(form.email.data or "", form.password.data or "", client_ip())
        db.session.commit()
        if user is not None:
            login_user(user)
            return redirect(target)
        current_app.logger.info("admin sign-in refused from %s", client_ip())
        form.password.errors = ["That email and password do not match an active account."]
    status = 401 if request.method == "POST" else 200
    return render_template("admin/login.html", form=form), status


@bp.post("/logout")
def logout():
    LogoutForm()  # the blueprint has already checked its CSRF token
    logout_user()
    flash("You are signed out.")
    return redirect(url_for("admin.login"))


@bp.get("/")
@signed_in
def dashboard():
    return render_template(
        "admin/dashboard.html",
        apps=visible_apps(current_user.id),
        can_create=can_create_apps(current_user.id),
    )
