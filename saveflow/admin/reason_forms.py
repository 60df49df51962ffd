"""Forms of the reasons pages: a reason, the survey's order setting, and teaching the classifier."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from saveflow.admin.forms import FilterForm
from saveflow.reasons.editing import KEY_MAX, LABEL_MAX
from saveflow.reasons.models import ReasonCategory
from saveflow.reasons.teaching import PHRASE_MAX

LABEL_FIELDS = {"en": "label_en", "zh-Hans": "label_zh_hans", "zh-Hant": "label_zh_hant"}


def category_label(category: ReasonCategory) -> str:
    """Name a category with what it says about the cancel: voluntary? influenceable?"""
    kind = "voluntary" if category.voluntary else "involuntary"
    reach = {True: "influenceable", False: "not influenceable", None: "influence unknown"}
    name = category.labels.get("en") or category.key
    return f"{name} ({kind}, {reach[category.influenceable]})"


def category_choices(categories, include_other: bool = True) -> list[SelectChoice]:
    """Offer an app's categories (`other` too, unless a phrase is being filed)."""
    return [
        SelectChoice(c.key, category_label(c))
        for c in categories
        if include_other or c.key != "other"
    ]


class ReasonForm(FlaskForm):
    key = StringField("Key", validators=[Optional(), Length(max=KEY_MAX)])
    label_en = StringField("English label", validators=[DataRequired(), Length(max=LABEL_MAX)])
    label_zh_hans = StringField(
        "Simplified Chinese label", validators=[Optional(), Length(max=LABEL_MAX)]
    )
    label_zh_hant = StringField(
        "Traditional Chinese label", validators=[Optional(), Length(max=LABEL_MAX)]
    )
    category = SelectField("Category", validate_choice=False)
    follow_up = RadioField(
        "Follow-up comment",
        choices=[
            SelectChoice("none", "None"),
            SelectChoice("optional", "Optional"),
            SelectChoice("required", "Required"),
        ],
        default="none",
    )
    active = BooleanField("Shown in the survey", default=True)

    def labels(self) -> dict[str, str]:
        return {locale: self[field].data or "" for locale, field in LABEL_FIELDS.items()}


class RandomizeForm(FlaskForm):
    randomize = BooleanField("Shuffle the reasons for each customer")


class LabelCommentForm(FlaskForm):
    category = SelectField("Category", validate_choice=False)
    phrase = StringField("Phrase", validators=[Optional(), Length(max=PHRASE_MAX)])


class PhraseForm(FlaskForm):
    category = SelectField("Category", validate_choice=False)
    phrase = StringField("Phrase", validators=[DataRequired(), Length(max=PHRASE_MAX)])


class UnclassifiedFilter(FilterForm):
    q = StringField("Search comments", validators=[Optional(), Length(max=200)])
    show = SelectField(
        "Show",
        choices=[
            SelectChoice("open", "Not yet mapped"),
            SelectChoice("mapped", "Mapped"),
            SelectChoice("all", "All"),
        ],
        default="open",
    )
