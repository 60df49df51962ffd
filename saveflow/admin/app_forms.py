"""Forms of an app's admin pages: creating it, its settings, brand, secrets, Stripe and team.

Each form checks the shape of what was typed; the rules themselves (what an origin is, which
country codes exist) live in `saveflow.apps.settings` and are called from the validators.
"""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from saveflow.accounts.models import ROLES
from saveflow.apps.models import BILLING_PROVIDERS, COMPLIANCE_MODES
from saveflow.apps.secrets import DEFAULT_GRACE
from saveflow.apps.settings import (
    COOLDOWN_LIMIT,
    HORIZON_LIMIT,
    MAX_OFFERS_LIMIT,
    normalize_country,
    normalize_timezone,
    parse_origins,
)
from saveflow.i18n import SUPPORTED
from saveflow.offers.types import DEFAULT_COOLDOWN_DAYS, OFFER_TYPES
from saveflow.widget.views import valid_accent

LOCALE_NAMES = {
    "en": "English",
    "zh-Hans": "简体中文 (Simplified Chinese)",
    "zh-Hant": "繁體中文 (Traditional Chinese)",
}
COMPLIANCE_CHOICES = [
    ("standard", "Standard: a survey, then up to your number of offers"),
    ("one_save", "One offer at most: the survey, then a single offer"),
    ("direct", "Direct: the survey (skippable), then straight to confirming the cancel"),
]
GRACE_CHOICES = [
    ("1h", "1 hour"),
    ("24h", "24 hours"),
    ("7d", "7 days"),
    ("none", "No grace: the old secret stops working now"),
]
ROLE_CHOICES = [(role, role.title()) for role in ROLES]


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


class MultiCheckboxField(SelectMultipleField):
    """A set of checkboxes, one per choice."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _origins(form, field) -> None:
    origins, errors = parse_origins(field.data or "")
    if errors:
        raise ValidationError(" ".join(errors))
    field.parsed = origins


class NewAppForm(FlaskForm):
    name = StringField("App name", validators=[DataRequired(), Length(max=200)])
    allowed_origins = TextAreaField("Allowed origins", validators=[_origins])
    default_locale = SelectField(
        "Default language", choices=_choices((code, LOCALE_NAMES[code]) for code in SUPPORTED)
    )


class CountryRule(Form):
    """One override: customers of this country (or region) get this compliance mode."""

    country = StringField("Country or region", validators=[Length(max=12)])
    mode = SelectField(
        "Mode",
        choices=_choices(
            [
                ("", "—"),
                ("standard", "Standard"),
                ("one_save", "One offer at most"),
                ("direct", "Direct (no offers)"),
            ]
        ),
        # A blank row posts nothing; validate_country checks the mode of a filled-in one.
        validate_choice=False,
    )

    def validate_country(self, field) -> None:
        if not field.data and not self.mode.data:
            self.mode.data = ""
            return
        if not field.data:
            raise ValidationError("Give a country code, or clear the mode.")
        try:
            field.data = normalize_country(field.data)
        except ValueError as problem:
            raise ValidationError(str(problem)) from None
        if self.mode.data not in COMPLIANCE_MODES:
            raise ValidationError("Choose a mode for this country.")


class Cooldowns(Form):
    """Days before a customer may see an offer of the same type again (blank: the default)."""


for _type in OFFER_TYPES:
    setattr(
        Cooldowns,
        _type,
        IntegerField(
            _type.replace("_", " ").capitalize(),
            validators=[Optional(), NumberRange(0, COOLDOWN_LIMIT)],
            description=f"Default {DEFAULT_COOLDOWN_DAYS.get(_type, 0)} days",
        ),
    )


class SettingsForm(FlaskForm):
    name = StringField("App name", validators=[DataRequired(), Length(max=200)])
    allowed_origins = TextAreaField("Allowed origins", validators=[_origins])
    compliance_mode = RadioField("Compliance mode", choices=_choices(COMPLIANCE_CHOICES))
    countries = FieldList(FormField(CountryRule), min_entries=1, max_entries=100)
    locales = MultiCheckboxField(
        "Languages the widget may use",
        choices=_choices((code, LOCALE_NAMES[code]) for code in SUPPORTED),
    )
    default_locale = SelectField(
        "Default language", choices=_choices((code, LOCALE_NAMES[code]) for code in SUPPORTED)
    )
    max_offers = IntegerField(
        "Offers per session, at most",
        validators=[InputRequired(), NumberRange(0, MAX_OFFERS_LIMIT)],
    )
    cancel_immediately = RadioField(
        "When a customer confirms the cancel",
        choices=_choices(
            [
                ("period_end", "The subscription ends at the end of the period already paid for"),
                ("now", "The subscription ends immediately"),
            ]
        ),
    )
    randomize_reasons = BooleanField("Shuffle the survey's reasons for each customer")
    allow_pause_annual = BooleanField("Offer pauses to yearly subscribers too")
    horizon_months = IntegerField(
        "Months of revenue a save counts for",
        validators=[Optional(), NumberRange(1, HORIZON_LIMIT)],
    )
    cooldowns = FormField(Cooldowns)
    report_timezone = StringField(
        "Report time zone", validators=[Length(max=64)], render_kw={"list": "timezones"}
    )

    def validate_report_timezone(self, field) -> None:
        try:
            field.data = normalize_timezone(field.data or "")
        except ValueError as problem:
            raise ValidationError(str(problem)) from None

    def validate_locales(self, field) -> None:
        if not field.data:
            raise ValidationError("Keep at least one language.")

    def validate_default_locale(self, field) -> None:
        if field.data not in (self.locales.data or []):
            raise ValidationError("The default language must be one of the languages ticked.")

    def validate_countries(self, field) -> None:
        seen = [row.country.data for row in field if row.country.data]
        twice = sorted({code for code in seen if seen.count(code) > 1})
        if twice:
            raise ValidationError(f"Each country once: {', '.join(twice)} is listed twice.")


class BrandForm(FlaskForm):
    """Accent and logo; the copy fields are read from the request by name (one per key and
    language), since there are a hundred and more of them."""

    accent = StringField("Accent colour", validators=[Optional(), Length(max=7)])
    logo_url = StringField("Logo URL", validators=[Optional(), Length(max=500)])

    def validate_accent(self, field) -> None:
        if field.data and not valid_accent(field.data.strip()):
            raise ValidationError("Use a hex colour such as #4f46e5.")

    def validate_logo_url(self, field) -> None:
        value = (field.data or "").strip()
        if value and (not value.startswith("https://") or any(c.isspace() for c in value)):
            raise ValidationError("Use an https:// address of an image.")


# The forms below appear once per mode on a page: each is built with prefix=<mode>, and the
# page posts the mode in a plain `mode` field beside them.


class RotateForm(FlaskForm):
    grace = RadioField(
        "Keep the old secret working for", choices=_choices(GRACE_CHOICES), default=DEFAULT_GRACE
    )


class StripeKeysForm(FlaskForm):
    secret_key = PasswordField(
        "Secret key",
        validators=[DataRequired(), Length(max=255)],
        render_kw={"autocomplete": "off"},
    )
    webhook_secret = PasswordField(
        "Webhook signing secret",
        validators=[DataRequired(), Length(max=255)],
        render_kw={"autocomplete": "off"},
    )
    check = BooleanField("Check the key with one read from Stripe", default=True)


class StripeDisconnectForm(FlaskForm):
    """No fields: the CSRF token is the point."""


class BillingProviderForm(FlaskForm):
    billing_provider = RadioField(
        "For a mode with no Stripe connection",
        choices=_choices(
            [
                ("none", "None: your server puts the subscription in each customer token"),
                ("stripe", "Stripe: refuse to start a cancel flow until Stripe is connected"),
            ]
        ),
        validators=[DataRequired()],
    )

    def validate_billing_provider(self, field) -> None:
        if field.data not in BILLING_PROVIDERS:
            raise ValidationError("Choose none or stripe.")


class AddMemberForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    role = SelectField("Role", choices=_choices(ROLE_CHOICES), default="viewer")


class MemberRoleForm(FlaskForm):
    role = SelectField("Role", choices=_choices(ROLE_CHOICES))


class RemoveMemberForm(FlaskForm):
    """No fields: the CSRF token is the point."""
