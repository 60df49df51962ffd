"""Request and response schemas of the public session API."""

from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validate, validates

from saveflow.apps.models import COMPLIANCE_MODES, MODES
from saveflow.offers.types import OFFER_TYPES
from saveflow.sessions.models import OUTCOMES, SAVE_STATUSES, STEPS
from saveflow.text import clean_text

MAX_ATTRIBUTES = 50
FOLLOW_UPS = ("none", "optional", "required")
# How the widget was closed, so reports can tell these apart from idle timeouts.
CLOSE_REASONS = ("closed", "escape", "pagehide")


MAX_ATTRIBUTE_NAME = 64
MAX_ATTRIBUTE_TEXT = 500

# What `check_attributes` accepts, in JSON Schema, for the OpenAPI document.
ATTRIBUTES_JSON_SCHEMA = {
    "maxProperties": MAX_ATTRIBUTES,
    "propertyNames": {"minLength": 1, "maxLength": MAX_ATTRIBUTE_NAME},
    "additionalProperties": {
        "anyOf": [
            {"type": "string", "maxLength": MAX_ATTRIBUTE_TEXT},
            {"type": ["number", "boolean", "null"]},
        ]
    },
}


class StartSchema(Schema):
    class Meta:
        unknown = RAISE

    app_id = fields.String(required=True, validate=validate.Length(min=1, max=40))
    token = fields.String(required=True, validate=validate.Length(min=3, max=8192))
    locale = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=35))
    attributes = fields.Dict(
        keys=fields.String(),
        load_default=dict,
        metadata={"json_schema": ATTRIBUTES_JSON_SCHEMA},
    )

    @validates("attributes")
    def check_attributes(self, value, **kwargs):
        if len(value) > MAX_ATTRIBUTES:
            raise ValidationError(f"At most {MAX_ATTRIBUTES} attributes.")
        for key, item in value.items():
            if not 1 <= len(key) <= MAX_ATTRIBUTE_NAME:
                raise ValidationError(
                    f"Attribute names are 1 to {MAX_ATTRIBUTE_NAME} characters: {key[:64]!r}."
                )
            if item is not None and not isinstance(item, str | int | float | bool):
                raise ValidationError(f"Attribute {key!r} must be a string, number or boolean.")
            if isinstance(item, str) and len(item) > MAX_ATTRIBUTE_TEXT:
                raise ValidationError(
                    f"Attribute {key!r} is longer than {MAX_ATTRIBUTE_TEXT} characters."
                )

    @post_load
    def clean(self, data, **kwargs):
        data["attributes"] = {
            clean_text(k): clean_text(v) if isinstance(v, str) else v
            for k, v in data["attributes"].items()
        }
        return data


class AnswerSchema(Schema):
    class Meta:
        unknown = RAISE

    reason_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    comment = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))

    @post_load
    def clean(self, data, **kwargs):
        comment = data.get("comment")
        data["comment"] = clean_text(comment).strip() or None if comment else None
        return data


class EmptySchema(Schema):
    """Terminal calls and declines take no fields; anything sent is an error, not ignored."""

    class Meta:
        unknown = RAISE


class AbandonSchema(EmptySchema):
    session_token = fields.String(load_default=None, validate=validate.Length(max=200))
    why = fields.String(load_default="closed", validate=validate.OneOf(CLOSE_REASONS))


# Response shapes, for the OpenAPI document. `required` marks the keys every reply carries.
class ReasonOut(Schema):
    id = fields.String(required=True)
    label = fields.String(required=True)
    follow_up = fields.String(required=True, validate=validate.OneOf(FOLLOW_UPS))


class SurveyOut(Schema):
    question = fields.String(required=True)
    reasons = fields.List(fields.Nested(ReasonOut), required=True)


class OfferOut(Schema):
    id = fields.String(required=True)
    type = fields.String(required=True, validate=validate.OneOf(OFFER_TYPES))
    title = fields.String(required=True)
    body = fields.String(required=True)
    terms = fields.Dict(required=True)


class ClassificationOut(Schema):
    category = fields.String(required=True)
    voluntary = fields.Boolean(required=True)
    influenceable = fields.Boolean(required=True, allow_none=True)
    confidence = fields.Float(required=True)


class ComplianceOut(Schema):
    mode = fields.String(required=True, validate=validate.OneOf(COMPLIANCE_MODES))
    max_offers = fields.Integer(required=True)
    survey_required = fields.Boolean(required=True)


class PaymentRecoveryOut(Schema):
    message = fields.String(required=True)
    url = fields.String(required=True, allow_none=True)
    status = fields.String(required=True, allow_none=True)


class SubscriptionOut(Schema):
    plan = fields.String(required=True)
    plan_name = fields.String(required=True)
    amount = fields.Integer(required=True)
    currency = fields.String(required=True)
    interval = fields.String(required=True)
    interval_count = fields.Integer(required=True)
    cancel_at_period_end = fields.Boolean(required=True)
    cancel_effective_at = fields.String(required=True, allow_none=True)


class SaveOut(Schema):
    """What became of a save since the decision, from billing's webhooks."""

    currency = fields.String(required=True)
    projected_revenue = fields.Integer(required=True, allow_none=True)
    realized_revenue = fields.Integer(required=True)
    ended_at = fields.String(required=True, allow_none=True)
    payment_failed_at = fields.String(required=True, allow_none=True)
    involuntary_risk = fields.Boolean(required=True)


class SessionOut(Schema):
    session_id = fields.String(required=True)
    mode = fields.String(required=True, validate=validate.OneOf(MODES))
    locale = fields.String(required=True)
    step = fields.String(required=True, validate=validate.OneOf(STEPS))
    outcome = fields.String(required=True, allow_none=True, validate=validate.OneOf(OUTCOMES))
    compliance = fields.Nested(ComplianceOut, required=True)
    survey = fields.Nested(SurveyOut, required=True)
    # Only while the session is at the payment_recovery step.
    payment_recovery = fields.Nested(PaymentRecoveryOut)
    classification = fields.Nested(ClassificationOut, required=True, allow_none=True)
    offers = fields.List(fields.Nested(OfferOut), required=True)
    result = fields.Dict(required=True, allow_none=True)
    subscription = fields.Nested(SubscriptionOut, required=True)
    # Once saved or withdrawn: pending, then confirmed or boomerang (null otherwise).
    save_status = fields.String(
        required=True, allow_none=True, validate=validate.OneOf(SAVE_STATUSES)
    )
    save = fields.Nested(SaveOut, required=True, allow_none=True)


class StartedOut(SessionOut):
    session_token = fields.String(required=True)


class AnswerOut(Schema):
    step = fields.String(required=True, validate=validate.OneOf(STEPS))
    classification = fields.Nested(ClassificationOut, required=True)
    offers = fields.List(fields.Nested(OfferOut), required=True)
    # Only when the answer classifies as a payment problem.
    payment_recovery = fields.Nested(PaymentRecoveryOut)


class SavedRevenueOut(Schema):
    currency = fields.String(required=True)
    saved_mrr = fields.Integer(required=True)
    projected_revenue = fields.Integer(required=True)
    offer_cost = fields.Integer(required=True)
    horizon_months = fields.Integer(required=True)


class OutcomeOut(Schema):
    """The stored result of a finished session; which keys it has depends on the outcome."""

    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    session_id = fields.String(required=True)
    offer = fields.Nested(OfferOut)
    effective = fields.Dict()
    effective_at = fields.String(allow_none=True)
    saved_revenue = fields.Nested(SavedRevenueOut)
    why = fields.String(validate=validate.OneOf([*CLOSE_REASONS, "idle"]))


class RecoveryOut(Schema):
    step = fields.String(required=True, validate=validate.OneOf(STEPS))
    recovery_opened = fields.Boolean(required=True)


class ErrorOut(Schema):
    code = fields.String(required=True)
    status = fields.Integer(required=True)
    message = fields.String(required=True)
    # Field name → messages for 422; empty otherwise.
    errors = fields.Dict(required=True)
