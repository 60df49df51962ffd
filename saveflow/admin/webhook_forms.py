"""Forms of an app's webhooks page: add an endpoint, and the row buttons (their CSRF token)."""

from flask_wtf import FlaskForm
from wtforms import RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from saveflow.admin.app_forms import MultiCheckboxField
from saveflow.messaging.models import WEBHOOK_EVENTS

KIND_CHOICES = [
    SelectChoice("json", "Your server: signed JSON events"),
    SelectChoice("slack", "Slack: an incoming webhook, sent customer-success alerts"),
]


class AddWebhookForm(FlaskForm):
    url = StringField(
        "Address",
        validators=[DataRequired(message="Give the receiver's address."), Length(max=2000)],
        render_kw={"inputmode": "url", "autocomplete": "off", "spellcheck": "false"},
    )
    kind = RadioField("Receiver", choices=KIND_CHOICES, default="json")
    events = MultiCheckboxField(
        "Events it is sent",
        choices=[SelectChoice(event, event) for event in WEBHOOK_EVENTS],
        default=list(WEBHOOK_EVENTS),
    )
    description = StringField("Description (optional)", validators=[Length(max=200)])


class WebhookActionForm(FlaskForm):
    """No fields: the CSRF token is the point."""
