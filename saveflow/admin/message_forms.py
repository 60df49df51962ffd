"""Forms of the Messages pages: the deliveries filter, a retry by hand, and the app's email and
alert settings with its triggers (one sub-form each, thresholds typed in the main unit)."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from saveflow.admin.app_forms import LOCALE_NAMES, MultiCheckboxField
from saveflow.admin.forms import FilterForm
from saveflow.i18n import SUPPORTED
from saveflow.messaging.alerts import CURRENCY_LIMIT, NAME_LIMIT, TRIGGER_LIMIT
from saveflow.messaging.models import EMAIL_KINDS, STATUSES, WEBHOOK_EVENTS
from saveflow.messaging.settings import looks_like_email

EVENT_LABELS = {
    "cancel_receipt": "Cancellation receipt",
    "offer_accepted": "Offer confirmation",
    "cs_alert": "Customer-success alert",
    "payment_recovery": "Payment recovery",
    "finance_digest": "Finance digest",
    "session.completed": "session.completed",
    "offer.accepted": "offer.accepted",
    "session.alert": "session.alert",
}
RECIPIENT_LIMIT = 20
# One more than the limit: the blank row for another currency.
THRESHOLD_ROWS = CURRENCY_LIMIT + 1
# What a sender's display name may not hold: it goes into an email header.
_HEADER_UNSAFE = set('\r\n<>"') | {chr(c) for c in range(32)}


def _any(pairs) -> list[SelectChoice]:
    return [SelectChoice("", "Any"), *(SelectChoice(value, label) for value, label in pairs)]


class DeliveryFilter(FilterForm):
    status = SelectField("Status", choices=_any((s, s.title()) for s in STATUSES), default="")
    channel = SelectField(
        "Channel", choices=_any([("email", "Email"), ("webhook", "Webhook")]), default=""
    )
    event = SelectField(
        "Message",
        choices=_any((e, EVENT_LABELS[e]) for e in (*EMAIL_KINDS, *WEBHOOK_EVENTS)),
        default="",
    )


class RetryForm(FlaskForm):
    """No fields: the CSRF token is the point."""


class ThresholdRow(Form):
    """MRR at or above this amount, typed in the currency's main unit (dollars, not cents)."""

    amount = StringField("Amount", validators=[Length(max=24)])
    currency = StringField("Currency", validators=[Length(max=3)])


class TriggerForm(Form):
    """One trigger; the checkbox choices are the app's own, set by the view."""

    name = StringField("Trigger name", validators=[Length(max=NAME_LIMIT)])
    thresholds = FieldList(FormField(ThresholdRow), min_entries=1, max_entries=THRESHOLD_ROWS)
    influenceable = BooleanField("Only reasons your team can influence")
    outcomes = MultiCheckboxField("Outcome")
    offer_types = MultiCheckboxField("Offer accepted")
    categories = MultiCheckboxField("Reason category")
    reasons = MultiCheckboxField("Reason")
    remove = BooleanField("Remove this trigger when saving")


class MessagesForm(FlaskForm):
    sender_email = StringField(
        "Sender address", validators=[Optional(), Length(max=320)], render_kw={"type": "email"}
    )
    sender_name = StringField("Sender name", validators=[Optional(), Length(max=100)])
    customer_emails = BooleanField("Email customers about their subscription")
    alert_recipients = TextAreaField("Alert recipients")
    alert_locale = SelectField(
        "Language of alerts",
        choices=[SelectChoice(code, LOCALE_NAMES[code]) for code in SUPPORTED],
    )
    # One more than the limit: the blank card for a new trigger.
    triggers = FieldList(FormField(TriggerForm), max_entries=TRIGGER_LIMIT + 1)

    def validate_sender_email(self, field) -> None:
        field.data = (field.data or "").strip()
        if field.data and not looks_like_email(field.data):
            raise ValidationError("Use an address such as success@yourcompany.com.")

    def validate_sender_name(self, field) -> None:
        field.data = " ".join((field.data or "").split())
        if _HEADER_UNSAFE & set(field.data):
            raise ValidationError('Leave out <, > and ".')

    def validate_alert_recipients(self, field) -> None:
        lines = [line.strip() for line in (field.data or "").splitlines()]
        field.parsed = []
        bad = [line for line in lines if line and not looks_like_email(line)]
        if bad:
            raise ValidationError(f"Not an email address: {', '.join(bad[:5])}.")
        for line in lines:
            if line and line.lower() not in (known.lower() for known in field.parsed):
                field.parsed.append(line)
        if len(field.parsed) > RECIPIENT_LIMIT:
            raise ValidationError(f"At most {RECIPIENT_LIMIT} recipients.")
