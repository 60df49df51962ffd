"""Which app a person may read reports of: theirs, where their role is finance or admin."""

from saveflow.accounts.models import REPORT_ROLES
from saveflow.accounts.service import role_on, visible_apps
from saveflow.apps.models import App
from saveflow.domain_errors import BadQuery, Forbidden
from saveflow.extensions import db


def report_app(user_id: int, app_id: str | None) -> App:
    """Return the app to report on: the one named, else the user's only reportable app.

    An app the user cannot see and one where their role does not read reports get the same
    answer, so a token cannot tell which apps exist.
    """
    if app_id is not None:
        app = db.session.get(App, app_id) if role_on(user_id, app_id) in REPORT_ROLES else None
        if app is None:
            raise Forbidden(
                f"This token cannot read the reports of app {app_id}.",
                errors={"app": ["Reports need the finance or admin role on the app."]},
            )
        return app
    apps = [app for app in visible_apps(user_id) if app.role in REPORT_ROLES]
    if not apps:
        raise Forbidden(
            "This token's owner cannot read any app's reports.",
            errors={"app": ["Reports need the finance or admin role on the app."]},
        )
    if len(apps) > 1:
        raise BadQuery(
            "Name the app to report on.",
            errors={"app": ["Give one of: " + ", ".join(app.app_id for app in apps) + "."]},
        )
    found = db.session.get(App, apps[0].app_id)
    assert found is not None  # just listed
    return found
