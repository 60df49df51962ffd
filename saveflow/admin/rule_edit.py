"""One rule of the draft in a form: conditions and offers from dropdowns, checked by the schema."""

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from marshmallow import ValidationError

from saveflow.admin import bp
from saveflow.admin.auth import READ_ROLES, require_role
from saveflow.admin.changes import can_edit
from saveflow.admin.rule_form import (
    MAX_CONDITIONS,
    MAX_OFFERS,
    RESERVED_IDS,
    RuleForm,
    attach_errors,
    form_rows,
    rule_rows,
    to_rule,
)
from saveflow.admin.rule_store import Working, save, working
from saveflow.admin.rule_text import Vocabulary, describe_rule, vocabulary
from saveflow.admin.rules import find_rule
from saveflow.admin.sessions import admin_app
from saveflow.extensions import db

BLANK_CONDITION = {
    "field": "category",
    "key": "",
    "offer_type": "discount",
    "op": "eq",
    "value": "",
}
NEW = "new"


def _blank_rule(now: Working) -> dict:
    priorities = [r.get("priority", 0) for r in now.document.get("rules") or ()]
    # A new rule runs last; the arrows on the rules page move it up.
    return {"id": "", "name": "", "enabled": True, "priority": min(priorities, default=10) - 10}


def _offer_choices(words: Vocabulary, rule: dict) -> list[tuple[str, str]]:
    choices = [(key, f"{title} ({key})") for key, title in sorted(words.offers.items())]
    # A key the rule names but the app no longer offers stays selectable, so saving the form
    # cannot drop it silently; the schema then says what is wrong with it.
    known = set(words.offers)
    choices += [
        (k, f"{k} (not an active offer)") for k in rule.get("offers") or () if k not in known
    ]
    return choices


def _page(app_id, form, rule, words, now, status=200, problems=()):
    form.set_offer_choices(_offer_choices(words, rule))
    return render_template(
        "admin/rule_edit.html",
        app=admin_app(app_id),
        form=form,
        rule=rule,
        is_new=not rule.get("id"),
        summary=describe_rule(rule, words) if rule.get("id") else None,
        words=words,
        has_draft=now.draft is not None,
        problems=list(problems),
        failed=status >= 400,
        max_conditions=MAX_CONDITIONS,
        max_offers=MAX_OFFERS,
        blank_row=RuleForm(formdata=None, data={"conditions": [BLANK_CONDITION]}).conditions[0],
    ), status


def _rebuilt(rows: dict[str, Any]) -> RuleForm:
    return RuleForm(formdata=None, data=rows)


def _row_action(form: RuleForm) -> RuleForm | None:
    """Handle the no-JavaScript buttons (add or remove a row): a new form, nothing saved."""
    rows = form_rows(form)
    if "add_condition" in request.form:
        if len(rows["conditions"]) < MAX_CONDITIONS:
            rows["conditions"].append(dict(BLANK_CONDITION))
        return _rebuilt(rows)
    if "remove_condition" in request.form:
        index = request.form.get("remove_condition", type=int)
        if index is not None and 0 <= index < len(rows["conditions"]):
            del rows["conditions"][index]
        return _rebuilt(rows)
    if "add_offer" in request.form:
        if len(rows["offers"]) < MAX_OFFERS:
            rows["offers"].append("")
        return _rebuilt(rows)
    return None


def _own_errors(rule: dict, now: Working, index: int | None) -> dict[str, list[str]]:
    rule_id = rule["id"]
    if rule_id in RESERVED_IDS:
        return {"id": [f"“{rule_id}” names a page of the rule builder; choose another id."]}
    clash = now.index_of(rule_id)
    if clash is not None and clash != index:
        return {"id": [f"Another rule already has the id “{rule_id}”."]}
    return {}


@bp.route("/apps/<app_id>/rules/<rule_id>", methods=["GET", "POST"])
@require_role(*READ_ROLES)
def rule_edit(app_id: str, rule_id: str):
    if request.method == "POST" and not can_edit():
        abort(403)
    now = working(app_id)
    words = vocabulary(app_id)
    index = None if rule_id == NEW else find_rule(now, rule_id)
    original = _blank_rule(now) if index is None else now.document["rules"][index]
    if request.method == "GET":
        form = _rebuilt(rule_rows(original))
        if index is None:
            form.conditions.append_entry(BLANK_CONDITION)
        return _page(app_id, form, original, words, now)
    form = RuleForm()
    rebuilt = _row_action(form)
    if rebuilt is not None:
        return _page(app_id, rebuilt, original, words, now)
    form.set_offer_choices(_offer_choices(words, original))
    valid = form.validate()
    rule, errors = to_rule(form, words.categories)
    errors = {**errors, **(_own_errors(rule, now, index) if valid else {})}
    if not valid or errors:
        problems = attach_errors(form, errors)
        return _page(app_id, form, original, words, now, 400, problems)
    if original.get("experiment"):
        rule["experiment"] = original["experiment"]  # the experiments page owns it
    rules = now.document.setdefault("rules", [])
    position = len(rules) if index is None else index
    before = None if index is None else dict(original)
    if index is None:
        rules.append(rule)
    else:
        rules[index] = rule
    action = "rules.rule_added" if index is None else "rules.rule_changed"
    try:
        row = save(app_id, now.document, action, f"rule:{rule['id']}", before, rule)
    except ValidationError as exc:
        db.session.rollback()
        messages = exc.messages if isinstance(exc.messages, dict) else {}
        by_rule = messages.get("rules", {}) if isinstance(messages.get("rules"), dict) else {}
        problems = attach_errors(form, by_rule.get(position, {}))
        problems += _elsewhere(messages, position, now)
        return _page(app_id, form, original, words, now, 400, problems)
    db.session.commit()
    saved = row.document["rules"][position]
    flash(f"Saved “{saved.get('name') or saved['id']}” to the draft. Publish when ready.")
    return redirect(url_for("admin.rules", app_id=app_id, _anchor=f"rule-{saved['id']}"))


def _elsewhere(messages: dict, position: int, now: Working) -> list[str]:
    """Say which other parts of the draft stop it from saving (another rule, the limit)."""
    found = []
    rules = messages.get("rules")
    if isinstance(rules, dict):
        for at, inner in rules.items():
            if at != position and isinstance(at, int) and at < len(now.document["rules"]):
                name = now.document["rules"][at].get("name") or now.document["rules"][at]["id"]
                found.append(f"Rule “{name}” has a problem too: {inner}")
    elif rules:
        found.append(f"Rules: {rules}")
    found += [f"{k}: {v}" for k, v in messages.items() if k != "rules"]
    return found
