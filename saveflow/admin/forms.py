"""The admin's forms: sign-in and logout carry CSRF tokens; list filters are plain GETs."""

from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from saveflow.apps.models import MODES
from saveflow.sessions.models import OUTCOMES, SAVE_STATUSES


def _choices(values: tuple[str, ...]) -> list[SelectChoice]:
    return [SelectChoice("", "Any"), *(SelectChoice(v, v.title()) for v in values)]


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])


class LogoutForm(FlaskForm):
    """No fields: the CSRF token is the point."""


class FilterForm(FlaskForm):
    """A read-only filter in the query string: nothing changes, so no CSRF token."""

    class Meta:
        csrf = False


class AuditFilter(FilterForm):
    actor = StringField("Actor", validators=[Optional(), Length(max=200)])
    action = StringField("Action", validators=[Optional(), Length(max=64)])


OUTCOME_CHOICES = [
    SelectChoice("", "Any"),
    SelectChoice("open", "Open"),
    SelectChoice("decided", "Decided (any outcome)"),
    SelectChoice("saves", "Saved or withdrawn"),
    *(SelectChoice(v, v.title()) for v in OUTCOMES),
]


class SessionFilter(FilterForm):
    q = StringField("Customer or session", validators=[Optional(), Length(max=200)])
    # default "": a link that names only some filters (e.g. ?mode=live) is still a valid filter.
    outcome = SelectField("Outcome", choices=OUTCOME_CHOICES, default="")
    reason = StringField("Reason", validators=[Optional(), Length(max=64)])
    offer = StringField("Offer accepted", validators=[Optional(), Length(max=64)])
    mode = SelectField("Mode", choices=_choices(MODES), default="")
    experiment = StringField("Experiment", validators=[Optional(), Length(max=64)])
    variant = StringField("Variant", validators=[Optional(), Length(max=64)])
    since = DateField("Started from (UTC)", validators=[Optional()])
    until = DateField("Started to (UTC)", validators=[Optional()])
    # What a report's figure links here with: the keys its rollup row is counted under.
    report_from = DateField("Decided from (report day)", validators=[Optional()])
    report_to = DateField("Decided to (report day)", validators=[Optional()])
    currency = StringField("Currency", validators=[Optional(), Length(max=3)])
    shown_offer = StringField("Offer shown", validators=[Optional(), Length(max=64)])
    offer_type = StringField("Offer type", validators=[Optional(), Length(max=32)])
    reason_category = StringField("Reason category", validators=[Optional(), Length(max=64)])
    plan = StringField("Plan", validators=[Optional(), Length(max=200)])
    save_status = SelectField("Save status", choices=_choices(SAVE_STATUSES), default="")


# The fields a report's links fill in; the list shows them when any is set.
REPORT_FIELDS = (
    "report_from",
    "report_to",
    "currency",
    "shown_offer",
    "offer_type",
    "reason_category",
    "plan",
    "save_status",
)


class ApiTokenForm(FlaskForm):
    name = StringField("Name", validators=[Optional(), Length(max=100)])


class RevokeTokenForm(FlaskForm):
    """No fields: the CSRF token is the point."""
