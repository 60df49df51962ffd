"""Experiments: the list, one rule's experiment (start, change, stop) and its results."""

from datetime import UTC, datetime

from flask import abort, flash, redirect, render_template, request, url_for
from marshmallow import ValidationError

from saveflow.admin import bp
from saveflow.admin.auth import READ_ROLES, require_role
from saveflow.admin.changes import actor, record
from saveflow.admin.experiment_forms import (
    ExperimentForm,
    StopForm,
    initial,
    offer_choices,
    put_errors,
    to_experiment,
)
from saveflow.admin.report_charts import lift_chart
from saveflow.admin.sessions import admin_app
from saveflow.extensions import db
from saveflow.money import money, percent, points
from saveflow.offers import experiment_setup as setup
from saveflow.offers import service
from saveflow.offers.schemas import validate_rule_set
from saveflow.reports.experiment_groups import MIN_DECIDED, sessions_per_experiment
from saveflow.reports.experiment_groups import experiment_results as group_results
from saveflow.reports.experiments import experiment_lift

RESULT_MODES = {"live": "Live", "test": "Test", "both": "Live and test"}


@bp.get("/apps/<app_id>/experiments")
@require_role(*READ_ROLES)
def experiments(app_id: str):
    app = admin_app(app_id)
    row = service.draft(app_id) or service.published(app_id)
    document = row.document if row is not None else {"rules": []}
    found = setup.catalog(app_id)
    with_experiment = {e.rule_id for e in found if e.status != setup.STOPPED}
    return render_template(
        "admin/experiments.html",
        app=app,
        experiments=found,
        counts=sessions_per_experiment(app_id),
        free_rules=[r for r in document.get("rules", []) if r["id"] not in with_experiment],
        percent=percent,
    )


class _Page:
    """What one rule's experiment page needs to know about the rules as they stand."""

    def __init__(self, app_id: str, rule_id: str):
        draft, published = service.draft(app_id), service.published(app_id)
        self.draft = draft.document if draft else None
        self.published = published.document if published else None
        base = self.draft if self.draft is not None else self.published
        rule = setup.rule_of(base, rule_id)
        if base is None or rule is None:
            abort(404)
        self.base: dict = base
        self.rule: dict = rule
        self.running = setup.experiment_of(self.published, rule_id)
        self.in_draft = setup.experiment_of(self.draft, rule_id) if draft else self.running
        self.pending = setup.pending_changes(self.draft, self.published, rule_id)


def _offers(app_id: str) -> list[tuple[str, str]]:
    return [
        (key, f"{key} — {(offer.copy.get('en') or {}).get('title', offer.type)}")
        for key, offer in sorted(service.active_offers(app_id).items())
    ]


def _render(app_id: str, rule_id: str, page: _Page, form, stop_form, status=200, problems=()):
    return render_template(
        "admin/experiment_edit.html",
        app=admin_app(app_id),
        rule=page.rule,
        page=page,
        form=form,
        stop_form=stop_form,
        problems=list(problems),
        running=setup.split(page.running) if page.running else (),
        drafted=setup.split(page.in_draft) if page.in_draft else (),
        percent=percent,
    ), status


@bp.get("/apps/<app_id>/experiments/<rule_id>")
@require_role(*READ_ROLES)
def experiment_edit(app_id: str, rule_id: str):
    page = _Page(app_id, rule_id)
    today = datetime.now(UTC).strftime("%Y%m%d")
    form = ExperimentForm(data=initial(page.in_draft, page.rule, f"{rule_id[:54]}-{today}"))
    offer_choices(form, _offers(app_id))
    return _render(app_id, rule_id, page, form, StopForm())


@bp.post("/apps/<app_id>/experiments/<rule_id>")
@require_role("editor")
def experiment_change(app_id: str, rule_id: str):
    page = _Page(app_id, rule_id)
    if request.form.get("action") == "stop":
        return _stop(app_id, rule_id, page)
    form = ExperimentForm()
    offer_choices(form, _offers(app_id))
    if not form.validate():
        return _render(app_id, rule_id, page, form, StopForm(formdata=None), 400)
    experiment, rows = to_experiment(form)
    if not experiment["variants"]:
        problem = "Add at least one variant with a name, a weight and an offer."
        return _render(app_id, rule_id, page, form, StopForm(formdata=None), 400, [problem])
    try:
        clean = validate_rule_set(
            setup.with_experiment(page.base, rule_id, experiment),
            offer_keys=set(service.offer_specs(app_id)),
        )
    except ValidationError as err:
        problems = _schema_problems(form, err.messages, page.base, rule_id, rows)
        return _render(app_id, rule_id, page, form, StopForm(formdata=None), 400, problems)
    experiment = setup.experiment_of(clean, rule_id) or experiment
    reason = setup.key_problem(app_id, rule_id, experiment)
    if reason is not None:
        form.key.errors = [*form.key.errors, reason]
        return _render(app_id, rule_id, page, form, StopForm(formdata=None), 400)
    if page.running == experiment and not page.pending:
        flash(f"Experiment {experiment['key']} is already running as set up; nothing changed.")
        return redirect(url_for("admin.experiments", app_id=app_id))
    try:
        before, version = setup.change(
            app_id, rule_id, experiment, actor(), publish_pending=form.publish_pending.data
        )
    except setup.PendingChanges as exc:
        form.publish_pending.errors = exc.errors["publish_pending"]
        return _render(app_id, rule_id, page, form, StopForm(formdata=None), 400)
    except ValidationError as err:
        db.session.rollback()
        problems = [f"The draft does not publish: {err.messages}"]
        return _render(app_id, rule_id, page, form, StopForm(formdata=None), 400, problems)
    action = "experiments.started" if before is None else "experiments.changed"
    record(
        app_id,
        action,
        f"rule:{rule_id}",
        before,
        experiment,
        note=f"published as rule-set version {version.version}",
    )
    db.session.commit()
    flash(
        f"Experiment {experiment['key']} is running on rule {rule_id}: "
        f"the rules were published as version {version.version}."
    )
    return redirect(url_for("admin.experiments", app_id=app_id))


def _schema_problems(form, messages, base: dict, rule_id: str, rows: list[int]):
    if not isinstance(messages, dict):
        return [str(messages)]
    index = next(i for i, r in enumerate(base["rules"]) if r["id"] == rule_id)
    rule_errors = messages.get("rules", {}).get(index, {})
    problems = put_errors(form, rule_errors.get("experiment", {}), rows)
    others = {k: v for k, v in messages.get("rules", {}).items() if k != index}
    rest = {k: v for k, v in rule_errors.items() if k != "experiment"}
    if others or rest or set(messages) - {"rules"}:
        problems.append(
            "Other rules have problems that stop them from publishing; fix them on the Rules "
            "page first."
        )
    return problems


def _stop(app_id: str, rule_id: str, page: _Page):
    stop_form = StopForm()
    if page.running is None:
        flash(f"Rule {rule_id} has no running experiment; nothing changed.")
        return redirect(url_for("admin.experiment_edit", app_id=app_id, rule_id=rule_id))
    try:
        before, version = setup.change(
            app_id, rule_id, None, actor(), publish_pending=stop_form.publish_pending.data
        )
    except setup.PendingChanges as exc:
        stop_form.publish_pending.errors = exc.errors["publish_pending"]
        form = ExperimentForm(formdata=None, data=initial(page.in_draft, page.rule, ""))
        offer_choices(form, _offers(app_id))
        return _render(app_id, rule_id, page, form, stop_form, 400)
    except ValidationError as err:
        db.session.rollback()
        form = ExperimentForm(formdata=None, data=initial(page.in_draft, page.rule, ""))
        offer_choices(form, _offers(app_id))
        problems = [f"The draft does not publish: {err.messages}"]
        return _render(app_id, rule_id, page, form, stop_form, 400, problems)
    record(
        app_id,
        "experiments.stopped",
        f"rule:{rule_id}",
        before,
        None,
        note=f"published as rule-set version {version.version}",
    )
    db.session.commit()
    flash(
        f"Experiment {before['key'] if before else ''} stopped: rule {rule_id} shows its own "
        f"offers again (rules published as version {version.version})."
    )
    return redirect(url_for("admin.experiments", app_id=app_id))


@bp.get("/apps/<app_id>/experiments/<rule_id>/results")
@require_role(*READ_ROLES)
def experiment_results(app_id: str, rule_id: str):
    on_rule = [e for e in setup.catalog(app_id) if e.rule_id == rule_id]
    key = request.args.get("key") or (on_rule[0].key if on_rule else "")
    found = next((e for e in on_rule if e.key == key), None)
    if found is None:
        abort(404)
    mode = request.args.get("mode", "live")
    mode = mode if mode in RESULT_MODES else "live"
    groups = group_results(
        app_id,
        rule_id,
        found.key,
        [v.name for v in found.variants],
        None if mode == "both" else mode,
        holdout=found.holdout > 0,
    )
    lift = None if mode == "both" else experiment_lift(app_id, found.key, mode)
    return render_template(
        "admin/experiment_results.html",
        app=admin_app(app_id),
        experiment=found,
        others=[e for e in on_rule if e.key != found.key],
        groups=groups,
        shares={v.name: v for v in found.variants},
        mode=mode,
        modes=RESULT_MODES,
        min_decided=MIN_DECIDED,
        percent=percent,
        lift=lift,
        lift_chart=lift_chart([lift]) if lift and lift.lift else None,
        money=money,
        points=points,
    )
