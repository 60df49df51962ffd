"""What billing gives: the subscription snapshot (or, with provider `none`, the signed token's),
and the shape of the Stripe events saveflow reads."""

from datetime import UTC, datetime, timedelta

from marshmallow import INCLUDE, RAISE, Schema, fields, validate, validates_schema
from marshmallow.exceptions import ValidationError

from saveflow.periods import MONTHLY_FACTOR

INTERVALS = tuple(MONTHLY_FACTOR)
# Room for any real price while MRR × horizon still fits a 64-bit column.
MAX_AMOUNT = 10**12
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST_TIMESTAMP = 253402300799  # 9999-12-31T23:59:59Z: later "timestamps" are not times


class DiscountSchema(Schema):
    class Meta:
        unknown = RAISE

    percent_off = fields.Float(validate=validate.Range(min=0, max=100, min_inclusive=False))
    amount_off = fields.Integer(validate=validate.Range(min=1))
    ends_at = fields.AwareDateTime(default_timezone=None)

    @validates_schema
    def one_kind(self, data, **kwargs):
        if ("percent_off" in data) == ("amount_off" in data):
            raise ValidationError("Give exactly one of percent_off and amount_off.")


class SnapshotSchema(Schema):
    """Plan, price and state of the subscription at the moment the customer tries to cancel."""

    class Meta:
        unknown = RAISE

    plan = fields.String(required=True, validate=validate.Length(min=1, max=200))
    plan_name = fields.String(validate=validate.Length(max=200))
    amount = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=0, max=MAX_AMOUNT)
    )
    currency = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z]{3}$"))
    interval = fields.String(load_default="month", validate=validate.OneOf(INTERVALS))
    interval_count = fields.Integer(load_default=1, strict=True, validate=validate.Range(1, 365))
    quantity = fields.Integer(load_default=1, strict=True, validate=validate.Range(1, 1_000_000))
    status = fields.String(load_default="active", validate=validate.Length(min=1, max=40))
    started_at = fields.AwareDateTime(load_default=None, allow_none=True)
    discount = fields.Nested(DiscountSchema, load_default=None, allow_none=True)
    update_payment_url = fields.Url(load_default=None, allow_none=True)
    # What billing itself knows (provider `stripe`); a token's snapshot may leave them out.
    item_id = fields.String(validate=validate.Length(min=1, max=200))
    item_count = fields.Integer(strict=True, validate=validate.Range(1, 1000))
    trial_ends_at = fields.AwareDateTime(allow_none=True)
    current_period_end = fields.AwareDateTime(allow_none=True)
    cancel_at_period_end = fields.Boolean()
    paused_until = fields.AwareDateTime(allow_none=True)

    @validates_schema
    def sane_values(self, data, **kwargs):
        if data.get("amount", 0) * data.get("quantity", 1) > MAX_AMOUNT * 10:
            raise ValidationError("amount × quantity is beyond any real price.", "quantity")
        started = data.get("started_at")
        if started is not None and not EARLIEST <= started <= datetime.now(UTC) + timedelta(
            days=366
        ):
            raise ValidationError(
                "started_at must lie between 1970 and a year from now.", "started_at"
            )


_SNAPSHOT = SnapshotSchema()  # holds no per-call state; one instance serves every request


def load_snapshot(raw) -> dict:
    """Validate a snapshot and return it JSON-ready (currency lower-case, ISO timestamps)."""
    data = _SNAPSHOT.load(raw)
    data["currency"] = data["currency"].lower()
    for moment in ("started_at", "trial_ends_at", "current_period_end", "paused_until"):
        if data.get(moment):
            data[moment] = data[moment].isoformat()
    discount = data.get("discount")
    if discount and discount.get("ends_at"):
        discount["ends_at"] = discount["ends_at"].isoformat()
    return data


class StripeEventDataSchema(Schema):
    class Meta:
        unknown = INCLUDE

    object = fields.Dict(required=True)
    previous_attributes = fields.Dict()


class StripeEventSchema(Schema):
    """The part of a Stripe event (webhook body) saveflow reads; Stripe's other fields pass."""

    class Meta:
        unknown = INCLUDE

    id = fields.String(
        required=True, validate=[validate.Length(1, 255), validate.Regexp(r"^[A-Za-z0-9_]+$")]
    )
    type = fields.String(
        required=True, validate=[validate.Length(1, 100), validate.Regexp(r"^[a-z0-9_.]+$")]
    )
    created = fields.Integer(
        required=True, strict=True, validate=validate.Range(1, LATEST_TIMESTAMP)
    )
    livemode = fields.Boolean(required=True, truthy={True}, falsy={False})
    data = fields.Nested(StripeEventDataSchema, required=True)
