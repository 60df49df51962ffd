"""The simulator: replay recent sessions against the draft (or any version) of an app's rules.

It writes nothing, so every role may run it, and it is a plain GET form (no CSRF token): its
address can be bookmarked and shared like a filtered list.
"""

from flask import render_template, request
from wtforms import IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange

from saveflow.admin import bp
from saveflow.admin.auth import READ_ROLES, require_role
from saveflow.admin.formatting import money, percent
from saveflow.admin.forms import FilterForm
from saveflow.admin.sessions import admin_app
from saveflow.offers import service
from saveflow.offers.experiment_setup import published_versions
from saveflow.offers.impact import MIN_SHOWS
from saveflow.sessions.outcomes import horizon_months
from saveflow.sessions.setup_cache import setup_for
from saveflow.sessions.simulate import MAX_SESSIONS, simulate

ROWS_SHOWN = 200
MODES = {"live": "Live", "test": "Test", "both": "Live and test"}


class SimulateForm(FilterForm):
    version = SelectField("Rules to try", choices=[])
    sessions = IntegerField(
        "Sessions to replay",
        default=500,
        validators=[InputRequired(), NumberRange(1, MAX_SESSIONS)],
    )
    mode = SelectField(
        "Mode", choices=[SelectChoice(k, v) for k, v in MODES.items()], default="live"
    )
    show = SelectField(
        "List",
        choices=[SelectChoice("changed", "Changed sessions"), SelectChoice("all", "All sessions")],
        default="changed",
    )


def _version_choices(app_id: str) -> tuple[list[SelectChoice], dict[str, dict]]:
    draft = service.draft(app_id)
    choices, documents = [], {}
    if draft is not None:
        choices.append(SelectChoice("draft", f"Draft (version {draft.version})"))
        documents["draft"] = draft.document
    for index, row in enumerate(published_versions(app_id)[:50]):
        label = f"Version {row.version}" + (" — published, in force" if index == 0 else "")
        choices.append(SelectChoice(str(row.version), label))
        documents[str(row.version)] = row.document
    return choices, documents


@bp.get("/apps/<app_id>/rules/simulate")
@require_role(*READ_ROLES)
def simulator(app_id: str):
    app = admin_app(app_id)
    choices, documents = _version_choices(app_id)
    # The draft when there is one, else the version in force (which should change nothing).
    form = SimulateForm(request.args, version=choices[0].value if choices else "")
    form.version.choices = choices or [SelectChoice("", "No rules yet")]
    valid = not request.args or form.validate()
    result = None
    if valid:
        result = simulate(
            app,
            documents.get(form.version.data or ""),
            limit=form.sessions.data or 500,
            mode=None if form.mode.data == "both" else form.mode.data,
            horizon=horizon_months(app),
        )
    rules = {
        r["id"]: r.get("name") or r["id"]
        for doc in documents.values()
        for r in doc.get("rules", [])
    }
    rows = []
    if result is not None:
        rows = [s for s in result.sessions if form.show.data == "all" or s.changed]
    return render_template(
        "admin/simulator.html",
        app=app,
        form=form,
        result=result,
        rows=rows[:ROWS_SHOWN],
        more=max(0, len(rows) - ROWS_SHOWN),
        has_draft="draft" in documents,
        version_label=next((c.label for c in choices if c.value == form.version.data), ""),
        rule_names=rules,
        offers=setup_for(app).offers,
        min_shows=MIN_SHOWS,
        money=money,
        percent=percent,
    ), (200 if valid else 400)
