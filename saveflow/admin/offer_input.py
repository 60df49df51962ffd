"""Read the offer editor's form into an offer document and put the schema's errors back on its
fields. The rules themselves live in the offer schemas (`saveflow.offers.schemas` and each type's
parameter schema); this module only translates between form fields and those documents."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from marshmallow import ValidationError, fields

from saveflow.offers.schemas import OfferSchema
from saveflow.offers.types import REGISTRY
from saveflow.reasons.taxonomy import LOCALES

LOCALE_NAMES = {"en": "English", "zh-Hans": "简体中文", "zh-Hant": "繁體中文"}
COPY_FIELDS = ("title", "body")
# `/offers/new` is the editor's own page, so no offer may be called that.
RESERVED_KEYS = frozenset({"new"})
# Blank downgrade rows the form offers beyond the filled ones (more come with "Add a plan").
SPARE_ROWS = 1


@dataclass
class OfferInput:
    """What an editor typed: `values` to show again, `doc` to validate, errors by field name."""

    values: dict[str, Any]
    doc: dict[str, Any]
    errors: dict[str, list[str]] = field(default_factory=dict)

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)


def values_from_offer(offer) -> dict[str, Any]:
    """Return a stored offer as form values."""
    values: dict[str, Any] = {"key": offer.key}
    for locale in LOCALES:
        copy = (offer.copy or {}).get(locale) or {}
        for name in COPY_FIELDS:
            values[f"{name}.{locale}"] = copy.get(name, "")
    params = dict(offer.params or {})
    targets = params.pop("targets", None)
    for name, value in params.items():
        values[f"params.{name}"] = "" if value is None else str(value)
    values["targets"] = [
        {"from": plan, "plan": t["plan"], "amount": str(t["amount"]), "name": t.get("name", "")}
        for plan, t in (targets or {}).items()
    ]
    return values


def read_form(form: Mapping[str, str], type_name: str, key: str) -> OfferInput:
    """Turn the posted form into an offer document of `type_name` (ints parsed, blanks left out)."""
    values: dict[str, Any] = {"key": key}
    result = OfferInput(values, {"key": key, "type": type_name, "params": {}, "copy": {}})
    for locale in LOCALES:
        copy = {n: (form.get(f"{n}.{locale}") or "").strip() for n in COPY_FIELDS}
        values.update({f"{n}.{locale}": v for n, v in copy.items()})
        # A translation left wholly empty falls back to another locale in the widget.
        if any(copy.values()) or locale == "en":
            result.doc["copy"][locale] = copy
    schema = REGISTRY[type_name].params()
    for name, kind in schema.fields.items():
        if isinstance(kind, fields.Dict):
            result.doc["params"][name] = _read_targets(form, result)
            continue
        raw = (form.get(f"params.{name}") or "").strip()
        values[f"params.{name}"] = raw
        if not raw:
            continue
        # A number that does not parse goes on as text, and the schema says what is wrong.
        result.doc["params"][name] = _number(raw) if isinstance(kind, fields.Integer) else raw
    return result


def _read_targets(form: Mapping[str, str], result: OfferInput) -> dict:
    rows: list[dict[str, str]] = []
    targets: dict[str, dict] = {}
    index = 0
    while f"targets-{index}-from" in form:
        row = {n: (form.get(f"targets-{index}-{n}") or "").strip() for n in _TARGET_FIELDS}
        index += 1
        if not any(row.values()):
            continue
        number = len(rows)
        rows.append(row)
        if not row["from"]:
            result.error(f"targets-{number}-from", "Name the plan customers are on now.")
            continue
        if row["from"] in targets:
            result.error(f"targets-{number}-from", "This plan already has a row.")
            continue
        target: dict[str, Any] = {"plan": row["plan"], "amount": _number(row["amount"])}
        if row["name"]:
            target["name"] = row["name"]
        targets[row["from"]] = target
    result.values["targets"] = rows
    return targets


_TARGET_FIELDS = ("from", "plan", "amount", "name")


def _number(raw: str) -> int | str:
    try:
        return int(raw)
    except ValueError:
        return raw


def validate(result: OfferInput, taken: bool) -> dict | None:
    """Validate with the offer schema; return the cleaned document, or None with errors set."""
    key = result.doc["key"]
    if key in RESERVED_KEYS:
        result.error("key", f"'{key}' is reserved; choose another key.")
    elif taken:
        result.error("key", "Another offer of this app already has this key.")
    try:
        clean = OfferSchema().load(result.doc)
    except ValidationError as err:
        _place(result, err.messages)
        return None
    _https_only(result, clean["params"])
    return None if result.errors else clean


def _https_only(result: OfferInput, params: dict) -> None:
    # The schema lets API imports use http (local set-ups); customers leaving a cancel flow for
    # a page an eavesdropper can rewrite is not something an editor should be able to publish.
    url = params.get("url")
    if isinstance(url, str) and url.lower().startswith("http://"):
        result.error("params.url", "Use an https:// address (or mailto: for a contact offer).")


def _place(result: OfferInput, messages: Any) -> None:
    if not isinstance(messages, dict):
        result.error("form", _text(messages))
        return
    for name, problem in messages.items():
        if name == "key":
            result.error("key", _text(problem))
        elif name == "copy":
            _place_copy(result, problem)
        elif name == "params":
            _place_params(result, problem)
        else:
            result.error("form", f"{name}: {_text(problem)}")


def _place_copy(result: OfferInput, problem: Any) -> None:
    if not isinstance(problem, dict):
        result.error("title.en", _text(problem))
        return
    for locale, inner in problem.items():
        inner = inner.get("value", inner) if isinstance(inner, dict) else inner
        if not isinstance(inner, dict):
            result.error(f"title.{locale}", _text(inner))
            continue
        for name, text in inner.items():
            result.error(f"{name}.{locale}", _text(text))


def _place_params(result: OfferInput, problem: Any) -> None:
    if not isinstance(problem, dict):
        result.error("params", _text(problem))
        return
    rows = [row["from"] for row in result.values.get("targets", [])]
    for name, text in problem.items():
        if name == "targets" and isinstance(text, dict):
            for plan, inner in text.items():
                row = rows.index(plan) if plan in rows else 0
                inner = inner.get("value", inner) if isinstance(inner, dict) else inner
                for part, message in inner.items() if isinstance(inner, dict) else []:
                    result.error(f"targets-{row}-{part}", _text(message))
        elif name == "_schema":
            result.error("params", _text(text))
        else:
            result.error(f"params.{name}", _text(text))


def _text(problem: Any) -> str:
    if isinstance(problem, list):
        return " ".join(_text(p) for p in problem)
    if isinstance(problem, dict):
        return " ".join(f"{k}: {_text(v)}" for k, v in problem.items())
    return str(problem)
