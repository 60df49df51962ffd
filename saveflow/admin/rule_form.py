"""The form for one rule: id, name, on/off, priority, condition rows and ordered offers.

The form edits strings; `to_rule` turns them into a rule (collecting typing errors per field),
`rule_rows` turns a rule back into the form's data, and `attach_errors` puts the rule-set
schema's messages next to the fields they are about.
"""

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, Regexp

from saveflow.admin.rule_text import FIELD_GROUPS, OFFER_TYPE_LABELS, OP_LABELS, split_field
from saveflow.admin.rule_values import BadValue, format_value, parse_value
from saveflow.offers.schemas import SLUG

MAX_CONDITIONS = 50
MAX_OFFERS = 10
# Rule ids that would collide with the rule pages' own addresses.
RESERVED_IDS = frozenset(
    {"new", "versions", "diff", "export", "import", "publish", "discard", "settings", "rollback"}
)


def _choices(labels: dict[str, str]) -> list[SelectChoice]:
    return [SelectChoice(key, label) for key, label in labels.items()]


class ConditionForm(Form):
    field = SelectField(
        "Field",
        choices=[
            SelectChoice(key, label, optgroup=group)
            for group, fields in FIELD_GROUPS
            for key, label in fields
        ],
        default="category",
    )
    key = StringField("Attribute name", validators=[Optional(), Length(max=64)])
    offer_type = SelectField("Offer type", choices=_choices(OFFER_TYPE_LABELS))
    op = SelectField("Operator", choices=_choices(OP_LABELS), default="eq")
    value = StringField("Value", validators=[Length(max=4000)])


class RuleForm(FlaskForm):
    rule_id = StringField(
        "Rule id",
        validators=[Regexp(SLUG, message="Use 1-64 lower-case letters, digits, '_' or '-'.")],
        description="Lower-case letters, digits, '_' or '-'. Sessions record it.",
    )
    name = StringField("Name", validators=[Optional(), Length(max=200)])
    enabled = BooleanField("Rule is on")
    priority = StringField(
        "Priority", description="Higher runs first; equal priorities keep the list's order."
    )
    conditions = FieldList(FormField(ConditionForm), max_entries=MAX_CONDITIONS)
    offers = FieldList(SelectField("Offer", choices=[]), max_entries=MAX_OFFERS)

    def set_offer_choices(self, choices: list[tuple[str, str]]) -> None:
        """Give every offer slot the app's offers (plus "none" to leave a slot empty)."""
        for entry in self.offers:
            entry.choices = [SelectChoice("", "— none —"), *(SelectChoice(*c) for c in choices)]


def rule_rows(rule: dict) -> dict[str, Any]:
    """Return a rule as the form's data, with one spare offer slot."""
    conditions = []
    for condition in rule.get("when") or ():
        base, part = split_field(condition.get("field", ""))
        conditions.append(
            {
                "field": base,
                "key": part if base == "attributes" else "",
                "offer_type": part if base == "days_since_accepted" else "discount",
                "op": condition.get("op", "eq"),
                "value": format_value(condition.get("field", ""), condition.get("value")),
            }
        )
    offers = list(rule.get("offers") or ())
    return {
        "rule_id": rule.get("id", ""),
        "name": rule.get("name", ""),
        "enabled": rule.get("enabled", True),
        "priority": str(rule.get("priority", 0)),
        "conditions": conditions,
        "offers": offers + [""] * (len(offers) < MAX_OFFERS),
    }


def form_rows(form: RuleForm) -> dict[str, Any]:
    """Return what the form holds now as form data (to re-render it with a row more or less)."""
    return {
        "rule_id": form.rule_id.data or "",
        "name": form.name.data or "",
        "enabled": bool(form.enabled.data),
        "priority": form.priority.data or "",
        "conditions": [dict(entry.data) for entry in form.conditions],
        "offers": [entry.data or "" for entry in form.offers],
    }


def _field_name(row: dict) -> str:
    if row["field"] == "attributes":
        return f"attributes.{(row.get('key') or '').strip()}"
    if row["field"] == "days_since_accepted":
        return f"days_since_accepted.{row.get('offer_type') or ''}"
    return row["field"]


def to_rule(form: RuleForm, categories: dict[str, str]) -> tuple[dict, dict[str, Any]]:
    """Build a rule from the form; return it and the typing errors found, by form field."""
    errors: dict[str, Any] = {}
    rule: dict[str, Any] = {
        "id": (form.rule_id.data or "").strip(),
        "name": (form.name.data or "").strip(),
        "enabled": bool(form.enabled.data),
    }
    try:
        rule["priority"] = int((form.priority.data or "0").strip())
    except ValueError:
        errors["priority"] = ["Enter a whole number."]
        rule["priority"] = 0
    when = []
    for index, entry in enumerate(form.conditions):
        row = entry.data
        name = _field_name(row)
        condition: dict[str, Any] = {"field": name, "op": row["op"]}
        try:
            value = parse_value(name, row["op"], row.get("value") or "", categories)
        except BadValue as exc:
            errors.setdefault("conditions", {})[index] = {"value": [str(exc)]}
            value = None
        if value is not None:
            condition["value"] = value
        when.append(condition)
    rule["when"] = when
    rule["offers"] = [entry.data for entry in form.offers if entry.data]
    repeated = {
        index: ["Offer listed more than once."]
        for index, key in enumerate(rule["offers"])
        if key in rule["offers"][:index]
    }
    if repeated:
        errors["offers"] = repeated
    return rule, errors


def _messages(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [m for inner in value.values() for m in _messages(inner)]
    if isinstance(value, list):
        return [m for item in value for m in _messages(item)]
    return [str(value)]


def _add(field, messages: list[str]) -> None:
    field.errors = [*(field.errors or []), *messages]


def attach_errors(form: RuleForm, errors: dict[str, Any]) -> list[str]:
    """Put a rule's errors (the schema's or to_rule's) on the form; return the leftovers."""
    leftover: list[str] = []
    simple = {"id": form.rule_id, "name": form.name, "enabled": form.enabled}
    simple["priority"] = form.priority
    for key, value in errors.items():
        if key in simple:
            _add(simple[key], _messages(value))
        elif key in ("when", "conditions") and isinstance(value, dict):
            for index, inner in value.items():
                _condition_errors(form, int(index), inner, leftover)
        elif key == "offers" and isinstance(value, dict):
            slots = [entry for entry in form.offers if entry.data]
            for index, inner in value.items():
                if int(index) < len(slots):
                    _add(slots[int(index)], _messages(inner))
                else:
                    leftover += [f"Offers: {m}" for m in _messages(inner)]
        elif key == "offers":
            leftover += [f"Offers: {m}" for m in _messages(value)]
        elif key == "when":
            leftover += [f"Conditions: {m}" for m in _messages(value)]
        else:
            leftover += _messages(value)
    return leftover


def _condition_errors(form: RuleForm, index: int, inner: Any, leftover: list[str]) -> None:
    if index >= len(form.conditions.entries):
        leftover += _messages(inner)
        return
    row = form.conditions.entries[index].form
    if not isinstance(inner, dict):
        _add(row.value, _messages(inner))
        return
    for key, value in inner.items():
        if key == "field":
            target = {"attributes": row.key, "days_since_accepted": row.offer_type}.get(
                row.field.data or "", row.field
            )
            _add(target, _messages(value))
        elif key in ("op", "value"):
            _add(getattr(row, key), _messages(value))
        else:
            _add(row.value, _messages(value))


class PublishForm(FlaskForm):
    note = StringField(
        "Note (optional)",
        validators=[Optional(), Length(max=500)],
        description="What changed and why; shown in the version history.",
    )


class LimitForm(FlaskForm):
    max_offers = SelectField(
        "Offers per cancel, at most",
        choices=[
            SelectChoice("", "As the app's settings say"),
            *(SelectChoice(str(n), str(n)) for n in range(6)),
        ],
        validators=[Optional()],
    )


class ImportForm(FlaskForm):
    file = FileField("JSON file")
    text = TextAreaField("…or paste the JSON", validators=[Optional(), Length(max=1_000_000)])
    publish = BooleanField("Publish right away (otherwise it becomes the draft)")
    note = StringField("Note (optional)", validators=[Optional(), Length(max=500)])
