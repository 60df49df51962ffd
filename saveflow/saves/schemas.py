"""The webhook endpoint's reply (its request is `saveflow.billing.schemas.StripeEventSchema`)."""

from marshmallow import Schema, fields


class WebhookReplyOut(Schema):
    received = fields.Boolean(required=True)
    # True when this event id was received before: nothing was done again.
    duplicate = fields.Boolean(required=True)
    # Why an event changed nothing (an event type or a subscription saveflow does not follow).
    ignored = fields.String()
