"""The admin's forms: sign-in and logout carry CSRF tokens; list filters are plain GETs."""

from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from saveflow.apps.models import MODES
from saveflow.sessions.models import OUTCOMES


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


class SessionFilter(FilterForm):
    q = StringField("Customer or session", validators=[Optional(), Length(max=200)])
    # default "": a link that names only some filters (e.g. ?mode=live) is still a valid filter.
    outcome = SelectField("Outcome", choices=_choices(("open", *OUTCOMES)), default="")
    reason = StringField("Reason", validators=[Optional(), Length(max=64)])
    offer = StringField("Offer", validators=[Optional(), Length(max=64)])
    mode = SelectField("Mode", choices=_choices(MODES), default="")
    experiment = StringField("Experiment", validators=[Optional(), Length(max=64)])
    variant = StringField("Variant", validators=[Optional(), Length(max=64)])
    since = DateField("From", validators=[Optional()])
    until = DateField("To", validators=[Optional()])


class ApiTokenForm(FlaskForm):
    name = StringField("Name", validators=[Optional(), Length(max=100)])


class RevokeTokenForm(FlaskForm):
    """No fields: the CSRF token is the point."""
