"""marshmallow schemas for rule-set documents and offer definitions.

Loading returns the cleaned document: defaults filled in, `exists`/`missing` conditions without a
value, currency codes lower-case and country codes upper-case (as billing and the session layer
produce them). Loading a cleaned document again returns it unchanged.
"""

import math
from collections.abc import Collection

from marshmallow import (
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates_schema,
)

from saveflow.offers.conditions import OPS, OPS_FOR_KIND, ORDER_OPS, VALUELESS_OPS, field_kind
from saveflow.offers.types import OFFER_TYPES, REGISTRY
from saveflow.reasons.taxonomy import LOCALES

SLUG = r"^[a-z0-9][a-z0-9_\-]{0,63}$"
MAX_RULES = 200
MAX_LIST_VALUES = 500
_slug = validate.Regexp(SLUG, error="Use 1-64 lower-case letters, digits, '_' or '-'.")
_KIND_NAMES = {
    "str": "a string",
    "num": "a number",
    "bool": "true or false",
    "any": "a string, number or boolean",
}


def _fits(kind: str, value) -> bool:
    if kind == "str":
        return isinstance(value, str)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "num":
        return _is_number(value)
    return isinstance(value, str | bool) or _is_number(value)


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _value_errors(kind: str, op: str, value) -> list[str]:
    """Return what is wrong with a condition's value for its field and op."""
    if op in VALUELESS_OPS:
        return [] if value in (None, "") else [f"'{op}' takes no value."]
    if op in ("in", "not_in"):
        if not isinstance(value, list) or not 1 <= len(value) <= MAX_LIST_VALUES:
            return [f"Must be a list of 1 to {MAX_LIST_VALUES} values."]
        bad = [item for item in value if not _fits(kind, item)]
        return [f"Every item must be {_KIND_NAMES[kind]}."] if bad else []
    if op == "between":
        if not (isinstance(value, list) and len(value) == 2 and all(map(_is_number, value))):
            return ["Must be a list of two numbers [low, high]."]
        return [] if value[0] <= value[1] else ["Low must not exceed high."]
    if op in ORDER_OPS:
        return [] if _is_number(value) else ["Must be a number."]
    if op == "contains":
        return [] if isinstance(value, str) and value else ["Must be a non-empty string."]
    return [] if _fits(kind, value) else [f"Must be {_KIND_NAMES[kind]}."]


def _normalize(field: str, value):
    # Billing reports currencies lower-case and the session layer countries upper-case.
    fix = {"currency": str.lower, "country": str.upper}.get(field)
    if fix is None:
        return value
    if isinstance(value, list):
        return [fix(v) if isinstance(v, str) else v for v in value]
    return fix(value) if isinstance(value, str) else value


def _validate_field(name: str) -> None:
    if field_kind(name) is None:
        raise ValidationError(
            "Unknown field; use a known field, 'attributes.<name>' or "
            "'days_since_accepted.<offer type>'."
        )


class ConditionSchema(Schema):
    field = fields.String(required=True, validate=_validate_field)
    op = fields.String(required=True, validate=validate.OneOf(OPS))
    value = fields.Raw(allow_none=True)

    @validates_schema
    def _value_fits(self, data: dict, **kwargs) -> None:
        kind = field_kind(data["field"])
        assert kind is not None  # _validate_field passed, or this schema check would not run
        if data["op"] not in OPS_FOR_KIND[kind]:
            raise ValidationError(f"'{data['op']}' does not apply to {data['field']}.", "op")
        errors = _value_errors(kind, data["op"], data.get("value"))
        if errors:
            raise ValidationError(errors, "value")

    @post_load
    def _clean(self, data: dict, **kwargs) -> dict:
        if data["op"] in VALUELESS_OPS:
            data.pop("value", None)
        else:
            data["value"] = _normalize(data["field"], data["value"])
        return data


def _offer_list(min_length: int = 0, **kwargs) -> fields.List:
    return fields.List(
        fields.String(validate=_slug), validate=validate.Length(min=min_length, max=10), **kwargs
    )


def _no_repeats(offers: list[str]) -> None:
    repeated = sorted({key for key in offers if offers.count(key) > 1})
    if repeated:
        raise ValidationError(f"Offers listed more than once: {', '.join(repeated)}.", "offers")


class VariantSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=64))
    weight = fields.Float(required=True, validate=validate.Range(min=0, min_inclusive=False))
    offers = _offer_list(min_length=1, required=True)

    @validates_schema
    def _check(self, data: dict, **kwargs) -> None:
        _no_repeats(data.get("offers", []))


class ExperimentSchema(Schema):
    key = fields.String(required=True, validate=_slug)
    holdout = fields.Float(load_default=0.0, validate=validate.Range(0, 1, max_inclusive=False))
    variants = fields.List(
        fields.Nested(VariantSchema), required=True, validate=validate.Length(min=1, max=20)
    )

    @validates_schema
    def _unique_names(self, data: dict, **kwargs) -> None:
        seen: set[str] = set()
        errors = {}
        for index, variant in enumerate(data["variants"]):
            name = variant["name"]
            if name == "holdout":
                errors[index] = {"name": ["'holdout' is reserved for the holdout group."]}
            elif name in seen:
                errors[index] = {"name": [f"Duplicate variant name '{name}'."]}
            seen.add(name)
        if errors:
            raise ValidationError(errors, "variants")


class RuleSchema(Schema):
    id = fields.String(required=True, validate=_slug)
    name = fields.String(load_default="", validate=validate.Length(max=200))
    priority = fields.Integer(load_default=0, strict=True)
    enabled = fields.Boolean(load_default=True)
    when = fields.List(
        fields.Nested(ConditionSchema), load_default=list, validate=validate.Length(max=50)
    )
    offers = _offer_list(load_default=list)  # an empty list deliberately shows nothing
    experiment = fields.Nested(ExperimentSchema, allow_none=True)

    @validates_schema
    def _check(self, data: dict, **kwargs) -> None:
        _no_repeats(data["offers"])


class RuleSetSchema(Schema):
    schema = fields.Integer(
        required=True, strict=True, validate=validate.Equal(1, error="Only schema 1 exists.")
    )
    max_offers = fields.Integer(strict=True, validate=validate.Range(0, 5))
    rules = fields.List(
        fields.Nested(RuleSchema), load_default=list, validate=validate.Length(max=MAX_RULES)
    )

    def __init__(self, *, offer_keys: Collection[str] | None = None, **kwargs):
        super().__init__(**kwargs)
        self.offer_keys = None if offer_keys is None else frozenset(offer_keys)

    # Runs despite errors elsewhere so one save reports every problem. It reads the raw input:
    # loaded lists drop invalid items, which would shift the indices the messages point at.
    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _cross_rule(self, data: dict, original: dict, **kwargs) -> None:
        rules = original.get("rules") if isinstance(original, dict) else None
        errors: dict = {}
        seen: set = set()
        for index, rule in enumerate(rules if isinstance(rules, list) else []):
            if not isinstance(rule, dict):
                continue
            rule_id = rule.get("id")
            if isinstance(rule_id, str) and rule_id in seen:
                errors[index] = {"id": [f"Duplicate rule id '{rule_id}'."]}
            seen.add(rule_id)
            if self.offer_keys is not None:
                _merge(errors, index, self._unknown_offers(rule))
        if errors:
            raise ValidationError({"rules": errors})

    def _unknown_offers(self, rule: dict) -> dict:
        errors: dict = {}
        bad = self._unknown_in(rule.get("offers"))
        if bad:
            errors["offers"] = bad
        experiment = rule.get("experiment")
        variants = experiment.get("variants") if isinstance(experiment, dict) else None
        bad_variants = {}
        for index, variant in enumerate(variants if isinstance(variants, list) else []):
            bad = self._unknown_in(variant.get("offers") if isinstance(variant, dict) else None)
            if bad:
                bad_variants[index] = {"offers": bad}
        if bad_variants:
            errors["experiment"] = {"variants": bad_variants}
        return errors

    def _unknown_in(self, keys) -> dict:
        assert self.offer_keys is not None  # only called when checking offer keys
        return {
            index: [f"Unknown offer '{key}'."]
            for index, key in enumerate(keys if isinstance(keys, list) else [])
            if isinstance(key, str) and key not in self.offer_keys
        }


def _merge(errors: dict, index: int, more: dict) -> None:
    if more:
        errors.setdefault(index, {}).update(more)


def validate_rule_set(doc: dict, offer_keys: Collection[str] | None = None) -> dict:
    """Return the cleaned rule-set document, or raise ValidationError naming each bad field."""
    return RuleSetSchema(offer_keys=offer_keys).load(doc)


class CopySchema(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=120))
    body = fields.String(load_default="", validate=validate.Length(max=1000))


class OfferSchema(Schema):
    key = fields.String(required=True, validate=_slug)
    type = fields.String(required=True, validate=validate.OneOf(OFFER_TYPES))
    params = fields.Dict(keys=fields.String(), load_default=dict)
    copy = fields.Dict(
        keys=fields.String(validate=validate.OneOf(LOCALES)),
        values=fields.Nested(CopySchema),
        required=True,
        validate=lambda copy: _english_required(copy),
    )
    active = fields.Boolean(load_default=True)

    # Also normalizes: the loaded params (defaults filled in) replace the raw ones. Runs despite
    # other field errors so an editor sees params problems in the same round trip.
    @validates_schema(skip_on_field_errors=False)
    def _params_fit_type(self, data: dict, **kwargs) -> None:
        if data.get("type") not in REGISTRY or not isinstance(data.get("params"), dict):
            return
        try:
            data["params"] = REGISTRY[data["type"]].params().load(data["params"])
        except ValidationError as err:
            raise ValidationError(err.messages, "params") from err


def _english_required(copy: dict) -> None:
    # English is the fallback for every locale the host does not translate.
    if "en" not in copy:
        raise ValidationError("English ('en') copy is required.")
