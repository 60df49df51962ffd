"""The experiment form: a key, a holdout share and weighted variants of a rule's offers.

The form checks what a browser can get wrong (numbers, choices, the 0-50% holdout); the rule-set
schema then checks the experiment itself, and its messages are put back on the fields.
"""

from flask_wtf import FlaskForm
from wtforms import BooleanField, FieldList, FloatField, Form, FormField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

OFFER_SLOTS = ("offer_1", "offer_2", "offer_3")
MAX_VARIANTS = 20
MIN_ROWS = 3
PENDING_LABEL = "Also publish the draft's other changes"


class VariantForm(Form):
    name = StringField("Variant name", validators=[Optional(), Length(max=64)])
    weight = FloatField("Weight", validators=[Optional(), NumberRange(min=0)])
    # A row the browser did not send (one added by script, then removed) means "no offer".
    offer_1 = SelectField("First offer", choices=[], default="")
    offer_2 = SelectField("Second offer", choices=[], default="")
    offer_3 = SelectField("Third offer", choices=[], default="")

    def is_blank(self) -> bool:
        return not (self.name.data or "").strip() and not any(
            self[slot].data for slot in OFFER_SLOTS
        )


class ExperimentForm(FlaskForm):
    key = StringField("Experiment key", validators=[InputRequired(), Length(max=64)])
    holdout = FloatField(
        "Holdout (% of customers who see no offer)",
        default=0,
        validators=[InputRequired(), NumberRange(0, 50, "Keep the holdout between 0 and 50%%.")],
    )
    variants = FieldList(FormField(VariantForm), min_entries=MIN_ROWS, max_entries=MAX_VARIANTS)
    publish_pending = BooleanField(PENDING_LABEL)


class StopForm(FlaskForm):
    publish_pending = BooleanField(PENDING_LABEL)


def offer_choices(form: ExperimentForm, offers: list[tuple[str, str]]) -> None:
    """Give every offer select the app's offers (key, label), after a blank choice."""
    choices = [SelectChoice("", "—"), *(SelectChoice(key, label) for key, label in offers)]
    for entry in form.variants:
        for slot in OFFER_SLOTS:
            entry.form[slot].choices = choices


def initial(experiment: dict | None, rule: dict, key: str) -> dict:
    """Return the form's starting values: the experiment as it is, or a control of the rule."""
    if experiment is None:
        variants = [
            {"name": "control", "weight": 50, "offers": rule.get("offers", [])},
            {"name": "b", "weight": 50, "offers": []},
        ]
        experiment = {"key": key, "holdout": 0.1, "variants": variants}
    rows = [
        {
            "name": v["name"],
            "weight": v["weight"],
            **dict(zip(OFFER_SLOTS, v["offers"], strict=False)),
        }
        for v in experiment["variants"]
    ]
    rows += [{}] * max(MIN_ROWS - len(rows), 1 if len(rows) < MAX_VARIANTS else 0)
    return {
        "key": experiment["key"],
        "holdout": round(float(experiment.get("holdout", 0)) * 100, 4),
        "variants": rows,
    }


def to_experiment(form: ExperimentForm) -> tuple[dict, list[int]]:
    """Return the experiment document the form describes, and each variant's row on the form."""
    variants, rows = [], []
    for index, entry in enumerate(form.variants):
        sub = entry.form
        if sub.is_blank():
            continue
        offers = [sub[slot].data for slot in OFFER_SLOTS if sub[slot].data]
        weight = sub.weight.data
        variants.append({"name": (sub.name.data or "").strip(), "weight": weight, "offers": offers})
        rows.append(index)
    holdout = (form.holdout.data or 0) / 100
    return {"key": (form.key.data or "").strip(), "holdout": holdout, "variants": variants}, rows


# marshmallow's generic words, said the way this form asks.
PLAIN = {
    "Field may not be null.": "Required.",
    "Missing data for required field.": "Required.",
    "Shorter than minimum length 1.": "Pick at least one offer.",
    "Length must be between 1 and 10.": "Pick at least one offer.",
}


def _flatten(messages) -> list[str]:
    if isinstance(messages, dict):
        return [m for value in messages.values() for m in _flatten(value)]
    if isinstance(messages, list):
        return [m for value in messages for m in _flatten(value)]
    return [PLAIN.get(str(messages), str(messages))]


def put_errors(form: ExperimentForm, messages: dict, rows: list[int]) -> list[str]:
    """Put the schema's messages for an experiment on the form; return those with no field."""
    loose: list[str] = []
    for name, problem in messages.items():
        if name in ("key", "holdout"):
            form[name].errors = [*form[name].errors, *_flatten(problem)]
        elif name == "variants" and isinstance(problem, dict):
            for index, fields in problem.items():
                if not isinstance(index, int) or index >= len(rows):
                    loose += _flatten(fields)
                    continue
                sub = form.variants[rows[index]].form
                for field, text in fields.items() if isinstance(fields, dict) else []:
                    target = sub[field] if field in ("name", "weight") else sub.offer_1
                    target.errors = [*target.errors, *_flatten(text)]
        elif name == "variants":
            loose += [f"Variants: {m}" for m in _flatten(problem)]
        else:
            loose += _flatten(problem)
    return loose
