"""The widget's strings as the brand page edits them: grouped, checked, and read from a form.

Field names are `copy.<key>.<locale>`; a blank field means "use the default".
"""

import re
from collections.abc import Mapping

from saveflow.flow_copy import STRINGS, VARIANTS
from saveflow.i18n import SUPPORTED

MAX_LENGTH = 600
_FIELD = re.compile(r"\{([a-z_]+)\}")
# Filled in the browser on every screen, from the start call's attributes and the plan.
PERSONAL_FIELDS = frozenset({"first_name", "company", "plan"})
GROUPS = (
    ("survey", "Survey"),
    ("offer", "Offer"),
    ("terms", "Prices and terms"),
    ("confirm", "Confirming the cancel"),
    ("recovery", "Payment recovery"),
    ("done", "After the decision"),
    ("frame", "Frame and errors"),
)


def group_of(key: str) -> str:
    """Return which group of the page a string belongs to."""
    if key.startswith(("saved_", "open_link", "withdrawn_", "cancelled_", "recovered_")):
        return "done"
    if key == "done":
        return "done"
    if key.startswith("recovery_"):
        return "recovery"
    if key.startswith("confirm_") or key in (
        "keep",
        "cancel_now",
        "cancel_failed",
        "cancel_elsewhere",
    ):
        return "confirm"
    if key in ("offer_heading", "accept", "decline", "billing_failed"):
        return "offer"
    if key.startswith(("per", "unit_")) or "_terms" in key:
        return "terms"
    if key in ("continue_cancel", "next", "choose_reason", "comment_required") or key.startswith(
        "follow_up"
    ):
        return "survey"
    return "frame"


def grouped_keys() -> list[tuple[str, str, list[str]]]:
    """Return (group id, label, keys) in page order; every string is in exactly one group."""
    keys = list(STRINGS["en"])
    return [(gid, label, [k for k in keys if group_of(k) == gid]) for gid, label in GROUPS]


def fields_of(key: str) -> set[str]:
    """Return the {fields} a string may use: those its defaults use, and the personal ones."""
    # A general key ("saved_body") stands in for its per-type variants, so it may use theirs.
    keys = (key, *VARIANTS.get(key, ()))
    used = {f for k in keys for locale in SUPPORTED for f in _FIELD.findall(STRINGS[locale][k])}
    return used | PERSONAL_FIELDS


def field_name(key: str, locale: str) -> str:
    return f"copy.{key}.{locale}"


def read_copy(form: Mapping[str, str]) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """Return the overrides typed in a form ({key: {locale: text}}, blanks left out) and errors
    by field name."""
    overrides: dict[str, dict[str, str]] = {}
    errors: dict[str, str] = {}
    for key in STRINGS["en"]:
        for locale in SUPPORTED:
            name = field_name(key, locale)
            text = " ".join((form.get(name) or "").split())
            if not text:
                continue
            if len(text) > MAX_LENGTH:
                errors[name] = f"Keep it under {MAX_LENGTH} characters."
                continue
            unknown = sorted(set(_FIELD.findall(text)) - fields_of(key))
            if unknown:
                allowed = ", ".join("{" + f + "}" for f in sorted(fields_of(key)))
                errors[name] = (
                    f"{{{unknown[0]}}} is not filled in here; this text can use {allowed}."
                )
                continue
            overrides.setdefault(key, {})[locale] = text
    return overrides, errors


def changed_copy(before: dict, after: dict) -> tuple[dict, dict]:
    """Return the keys whose overrides differ, as (before, after), for the audit log."""
    keys = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}
