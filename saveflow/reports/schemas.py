"""The saved-revenue report's query parameters and its reply, as the API reads and writes them.

The OpenAPI document is generated from these schemas, and a test holds the row schema to
`saved_revenue.GROUPS` and `COLUMNS`, so the documented columns are the ones served.
"""

from datetime import date

from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validate, validates

from saveflow.reports.saved_revenue import COLUMNS, GROUPS, MODES

# Years 1970 to 2999: no report reaches outside them, and the document can say so exactly.
MONTH_PATTERN = r"^(19[7-9][0-9]|2[0-9]{3})-(0[1-9]|1[0-2])$"
CURRENCY_PATTERN = r"^[A-Za-z]{3}$"
APP_PATTERN = r"^[A-Za-z0-9_-]{1,40}$"
FORMATS = ("json", "csv")


class CommaList(fields.List):
    """A list sent as one comma-separated query value (OpenAPI: style form, explode false)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        return super()._deserialize(value, attr, data, **kwargs)


def _month(key: str, description: str) -> fields.String:
    return fields.String(
        data_key=key,
        validate=validate.Regexp(MONTH_PATTERN, error="Write a month as YYYY-MM, e.g. 2025-01."),
        metadata={"description": description, "example": "2025-01"},
    )


class SavedRevenueArgs(Schema):
    """The query string of `GET /api/v1/reports/saved-revenue`."""

    class Meta:
        unknown = RAISE

    error_messages = {"unknown": "Unknown parameter."}

    first = _month(
        "from",
        "First month, included, in the app's report time zone (default: 11 months before `to`).",
    )
    last = _month("to", "Last month, included (default: the current month in the app's time zone).")
    group_by = CommaList(
        fields.String(validate=validate.OneOf(tuple(GROUPS))),
        load_default=list,
        metadata={
            "description": (
                "Comma-separated groupings, in the order their columns come: "
                + ", ".join(GROUPS)
                + ". `variant` adds two columns, experiment and variant. Currency is always a "
                "group (money is never summed across currencies). Empty: one row per currency."
            ),
            "json_schema": {"uniqueItems": True, "maxItems": len(GROUPS)},
            "parameter": {"style": "form", "explode": False},
        },
    )
    currency = fields.String(
        validate=validate.Regexp(CURRENCY_PATTERN, error="Give a three-letter ISO currency code."),
        metadata={"description": "Only this ISO 4217 currency (any case), e.g. usd."},
    )
    mode = fields.String(
        load_default="live",
        validate=validate.OneOf(MODES),
        metadata={"description": "Live sessions (default), or test-mode sessions."},
    )
    app = fields.String(
        validate=validate.Regexp(APP_PATTERN, error="Give an app id such as app_1a2b…."),
        metadata={
            "description": "The app to report on; required when the token's owner can report "
            "on more than one app."
        },
    )
    format = fields.String(
        validate=validate.OneOf(FORMATS),
        metadata={"description": "`csv` for a CSV file (as does `Accept: text/csv`); else JSON."},
    )

    @validates("group_by")
    def _once_each(self, value: list[str], **kwargs) -> None:
        repeated = sorted({name for name in value if value.count(name) > 1})
        if repeated:
            raise ValidationError(f"Group by each at most once: {', '.join(repeated)}.")

    @post_load
    def _as_values(self, data: dict, **kwargs) -> dict:
        for name in ("first", "last"):
            if name in data:
                year, month = data[name].split("-")
                data[name] = date(int(year), int(month), 1)
        if "currency" in data:
            data["currency"] = data["currency"].lower()
        data["group_by"] = tuple(data["group_by"])
        return data


# What each output column means; the group columns first, then `COLUMNS` in order.
GROUP_COLUMNS = {
    "month": "Month of the decision, YYYY-MM, in the app's report time zone.",
    "day": "Day of the decision, YYYY-MM-DD, in the app's report time zone.",
    "offer": "Key of the offer the customer decided on (the accepted one, else the last "
    "shown); null when none was shown.",
    "offer_type": "Type of that offer (discount, pause, downgrade …); null when none was shown.",
    "reason_category": "Category of the cancel reason; null when the survey was skipped.",
    "plan": "The subscription's plan id at the decision; null when unknown.",
    "experiment": "Experiment the session took part in; null for none.",
    "variant": "Its variant (or holdout); null for none.",
}
_COUNT = "Number of decided sessions that ended "
MEASURES = {
    "currency": "ISO 4217 currency, lower case; every money column is in its minor units.",
    "sessions": "Decided sessions (every outcome).",
    "saved": _COUNT + "`saved` (an offer accepted).",
    "withdrawn": _COUNT + "`withdrawn` (kept the subscription without an offer).",
    "cancelled": _COUNT + "`cancelled`.",
    "abandoned": _COUNT + "`abandoned` (closed or idle); never counted as saved.",
    "deflection_rate": "(saved + withdrawn) / (saved + withdrawn + cancelled), 4 decimal "
    "places; null when none of those happened.",
    "saved_mrr": "Sum of saved and withdrawn sessions' MRR just before the cancel attempt "
    "(minor units).",
    "projected_saved_revenue": "Sum of what those saves are projected to pay over the "
    "horizon under the offers' terms, a boomerang's cut at its actual end (minor units).",
    "offer_cost": "Sum of revenue forgone against list price over the horizon (minor units).",
    "realized_saved_revenue": "Sum of invoices actually paid on those saves so far (minor units).",
    "recovered": _COUNT + "`recovered` (a failed payment fixed).",
    "pending": "Saves whose status is still pending (neither confirmed nor a boomerang).",
    "confirmed": "Saves confirmed (the subscription still on after the confirmation period).",
    "boomerang": "Saves that came back as a cancellation within the boomerang window.",
}
MONEY = ("saved_mrr", "projected_saved_revenue", "offer_cost", "realized_saved_revenue")


def _row_fields() -> dict[str, fields.Field]:
    out: dict[str, fields.Field] = {
        name: fields.String(allow_none=True, metadata={"description": text})
        for name, text in GROUP_COLUMNS.items()
    }
    for name in COLUMNS:
        text = MEASURES[name]
        if name == "currency":
            out[name] = fields.String(required=True, metadata={"description": text})
        elif name == "deflection_rate":
            out[name] = fields.Float(
                required=True,
                allow_none=True,
                metadata={"description": text, "json_schema": {"minimum": 0, "maximum": 1}},
            )
        else:
            # Counts are never negative; money is whole minor units of the row's currency.
            bound = {} if name in MONEY else {"json_schema": {"minimum": 0}}
            out[name] = fields.Integer(required=True, metadata={"description": text, **bound})
    return out


SavedRevenueRowOut = Schema.from_dict(_row_fields(), name="SavedRevenueRowOut")


class SavedRevenueOut(Schema):
    """The JSON reply: what was asked for, the columns in order, and one row per group."""

    app = fields.String(required=True, metadata={"description": "The app reported on."})
    timezone = fields.String(
        required=True, metadata={"description": "The app's report time zone (IANA name)."}
    )
    first = fields.String(
        required=True, data_key="from", metadata={"description": "First month, YYYY-MM."}
    )
    last = fields.String(
        required=True, data_key="to", metadata={"description": "Last month, YYYY-MM (included)."}
    )
    mode = fields.String(required=True, validate=validate.OneOf(MODES))
    currency = fields.String(
        required=True, allow_none=True, metadata={"description": "The currency asked for, if any."}
    )
    group_by = fields.List(fields.String(validate=validate.OneOf(tuple(GROUPS))), required=True)
    columns = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "Every row's keys in order: the group columns, then the rest."},
    )
    rows = fields.List(fields.Nested(SavedRevenueRowOut), required=True)
