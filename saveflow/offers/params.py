"""The parameters each offer type takes, as marshmallow schemas keyed by offer type."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

PRORATION_BEHAVIORS = ("create_prorations", "none", "always_invoice")

_http_url = validate.URL(schemes={"http", "https"}, require_tld=False)
_email = validate.Email()


def _count(low: int, high: int | None = None, **kwargs) -> fields.Integer:
    return fields.Integer(strict=True, validate=validate.Range(low, high), **kwargs)


def _link(url: str) -> None:
    # Contact offers are often a support mailbox; everything else is a web page.
    if url.startswith("mailto:"):
        _email(url.removeprefix("mailto:"))
    else:
        _http_url(url)


class DiscountParams(Schema):
    percent = _count(1, 100)
    amount = _count(1)  # minor units of the subscription's currency, off each invoice
    # Longer than 3 years is a price change, not a save offer.
    months = _count(1, 36, required=True)

    @validates_schema
    def _one_kind(self, data: dict, **kwargs) -> None:
        if ("percent" in data) == ("amount" in data):
            raise ValidationError("Give exactly one of percent or amount.", "percent")


class PauseParams(Schema):
    months = _count(1, 12, required=True)


class TargetSchema(Schema):
    plan = fields.String(required=True, validate=validate.Length(min=1, max=200))
    amount = _count(0, required=True)  # unit amount of the target price, minor units
    name = fields.String(validate=validate.Length(max=200))  # shown in the offer copy


class DowngradeParams(Schema):
    # Current plan (price) id -> the cheaper price offered instead; plans without an entry are
    # not offered a downgrade.
    targets = fields.Dict(
        keys=fields.String(validate=validate.Length(min=1, max=200)),
        values=fields.Nested(TargetSchema),
        load_default=dict,
    )
    proration_behavior = fields.String(
        load_default="create_prorations", validate=validate.OneOf(PRORATION_BEHAVIORS)
    )

    @validates_schema
    def _targets_differ(self, data: dict, **kwargs) -> None:
        same = {
            plan: {"plan": ["The target must differ from the current plan."]}
            for plan, target in data["targets"].items()
            if target["plan"] == plan
        }
        if same:
            raise ValidationError(same, "targets")


class TrialExtensionParams(Schema):
    days = _count(1, 730, required=True)  # Stripe refuses trial_end beyond two years


class LinkParams(Schema):
    url = fields.String(required=True, validate=[validate.Length(max=2000), _link])


PARAMS_SCHEMAS: dict[str, type[Schema]] = {
    "discount": DiscountParams,
    "pause": PauseParams,
    "downgrade": DowngradeParams,
    "trial_extension": TrialExtensionParams,
    "training": LinkParams,
    "concierge": LinkParams,
    "contact": LinkParams,
    "redirect": LinkParams,
}
