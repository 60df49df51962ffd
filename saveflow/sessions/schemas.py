"""Request and response schemas of the public session API."""

from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validate, validates

from saveflow.text import clean_text

MAX_ATTRIBUTES = 50


class StartSchema(Schema):
    class Meta:
        unknown = RAISE

    app_id = fields.String(required=True, validate=validate.Length(min=1, max=40))
    token = fields.String(required=True, validate=validate.Length(min=3, max=8192))
    locale = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=35))
    attributes = fields.Dict(keys=fields.String(), load_default=dict)

    @validates("attributes")
    def check_attributes(self, value, **kwargs):
        if len(value) > MAX_ATTRIBUTES:
            raise ValidationError(f"At most {MAX_ATTRIBUTES} attributes.")
        for key, item in value.items():
            if not 1 <= len(key) <= 64:
                raise ValidationError(f"Attribute names are 1 to 64 characters: {key[:64]!r}.")
            if item is not None and not isinstance(item, str | int | float | bool):
                raise ValidationError(f"Attribute {key!r} must be a string, number or boolean.")
            if isinstance(item, str) and len(item) > 500:
                raise ValidationError(f"Attribute {key!r} is longer than 500 characters.")

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
    # How the widget was closed, so reports can tell these apart from idle timeouts.
    why = fields.String(
        load_default="closed", validate=validate.OneOf(["closed", "escape", "pagehide"])
    )


# Response shapes, for the OpenAPI document.
class ReasonOut(Schema):
    id = fields.String()
    label = fields.String()
    follow_up = fields.String(metadata={"enum": ["none", "optional", "required"]})


class SurveyOut(Schema):
    question = fields.String()
    reasons = fields.List(fields.Nested(ReasonOut))


class OfferOut(Schema):
    id = fields.String()
    type = fields.String()
    title = fields.String()
    body = fields.String()
    terms = fields.Dict()


class ClassificationOut(Schema):
    category = fields.String()
    voluntary = fields.Boolean()
    influenceable = fields.Boolean(allow_none=True)
    confidence = fields.Float()


class ComplianceOut(Schema):
    mode = fields.String(metadata={"enum": ["standard", "one_save", "direct"]})
    max_offers = fields.Integer()
    survey_required = fields.Boolean()


class SubscriptionOut(Schema):
    plan = fields.String()
    plan_name = fields.String()
    amount = fields.Integer()
    currency = fields.String()
    interval = fields.String()
    interval_count = fields.Integer()
    cancel_at_period_end = fields.Boolean()
    cancel_effective_at = fields.String(allow_none=True)


class SessionOut(Schema):
    session_id = fields.String()
    session_token = fields.String()
    mode = fields.String()
    locale = fields.String()
    step = fields.String()
    outcome = fields.String(allow_none=True)
    compliance = fields.Nested(ComplianceOut)
    survey = fields.Nested(SurveyOut)
    payment_recovery = fields.Dict(allow_none=True)
    classification = fields.Nested(ClassificationOut, allow_none=True)
    offers = fields.List(fields.Nested(OfferOut))
    result = fields.Dict(allow_none=True)
    subscription = fields.Nested(SubscriptionOut)


class AnswerOut(Schema):
    step = fields.String()
    classification = fields.Nested(ClassificationOut)
    offers = fields.List(fields.Nested(OfferOut))


class OutcomeOut(Schema):
    outcome = fields.String()
    session_id = fields.String()
    offer = fields.Nested(OfferOut, allow_none=True)
    effective = fields.Dict()
    effective_at = fields.String(allow_none=True)
    saved_revenue = fields.Dict()


class RecoveryOut(Schema):
    step = fields.String()
    recovery_opened = fields.Boolean()


class ErrorOut(Schema):
    code = fields.String()
    status = fields.Integer()
    message = fields.String()
    errors = fields.Dict()
