"""Change an app's survey reasons: create, edit, reorder, retire; plain values in, rows out.

Each function checks what only the database knows (a key already taken, a category of another
app) and raises `Invalid` with per-field errors; the caller commits. Every write here touches
`reasons` or `apps`, whose triggers bump `apps.config_version`, so the widget sees the change on
its next request.
"""

import re
from typing import Any

from sqlalchemy import exists, func, select

from saveflow.domain_errors import Invalid
from saveflow.extensions import db
from saveflow.reasons.models import Reason, ReasonCategory
from saveflow.reasons.taxonomy import LOCALES
from saveflow.text import chinese_punctuation

KEY_PATTERN = re.compile(r"[a-z][a-z0-9]*(?:[_-][a-z0-9]+)*")
KEY_MAX = 64
LABEL_MAX = 120
FOLLOW_UPS = ("none", "optional", "required")


def app_reasons(app_id: str) -> list[Reason]:
    """Return an app's reasons, active or not, in survey order."""
    return list(
        db.session.scalars(
            select(Reason).where(Reason.app_id == app_id).order_by(Reason.position, Reason.id)
        )
    )


def app_categories(app_id: str) -> list[ReasonCategory]:
    """Return an app's categories in the order they were created (the taxonomy's)."""
    return list(
        db.session.scalars(
            select(ReasonCategory)
            .where(ReasonCategory.app_id == app_id)
            .order_by(ReasonCategory.id)
        )
    )


def find_reason(app_id: str, reason_id: int) -> Reason | None:
    """Return one of an app's reasons, or None."""
    return db.session.scalar(select(Reason).where(Reason.app_id == app_id, Reason.id == reason_id))


def state(reason: Reason) -> dict[str, Any]:
    """Return what the audit log keeps of a reason."""
    return {
        "key": reason.key,
        "labels": dict(reason.labels),
        "category": reason.category.key,
        "follow_up": reason.follow_up,
        "active": reason.active,
        "position": reason.position,
    }


def clean_labels(labels: dict[str, str]) -> dict[str, str]:
    """Trim labels, drop empty ones and write Chinese punctuation in Chinese labels."""
    cleaned = {}
    for locale in LOCALES:
        text = (labels.get(locale) or "").strip()
        if text:
            cleaned[locale] = chinese_punctuation(text) if locale.startswith("zh") else text
    return cleaned


def _keep_one_active(app_id: str, reason: Reason, field: str, errors: dict | None = None) -> None:
    """Refuse to take away the survey's last active reason."""
    if reason.active and active_count(app_id) <= 1:
        message = ["The survey needs at least one active reason."]
        if errors is None:
            raise Invalid("The survey needs at least one active reason.", errors={field: message})
        errors[field] = message


def _check(
    app_id: str,
    reason: Reason | None,
    key: str,
    labels: dict,
    category: str,
    follow_up: str,
    active: bool,
):
    errors: dict[str, list[str]] = {}
    if reason is None:
        if not KEY_PATTERN.fullmatch(key) or len(key) > KEY_MAX:
            errors["key"] = [
                f"Use lower-case letters, digits, _ or -, starting with a letter "
                f"(at most {KEY_MAX})."
            ]
        elif db.session.scalar(select(exists().where(Reason.app_id == app_id, Reason.key == key))):
            errors["key"] = [f"This app already has a reason {key!r}."]
    if not labels.get("en"):
        errors["label_en"] = ["The English label is required."]
    for locale, text in labels.items():
        if len(text) > LABEL_MAX:
            field = "label_" + locale.replace("-", "_").lower()
            errors[field] = [f"At most {LABEL_MAX} characters."]
    found = db.session.scalar(
        select(ReasonCategory).where(
            ReasonCategory.app_id == app_id, ReasonCategory.key == category
        )
    )
    if found is None:
        errors["category"] = ["Choose one of this app's categories."]
    if reason is not None and not active:
        _keep_one_active(app_id, reason, "active", errors)
    if follow_up not in FOLLOW_UPS:
        errors["follow_up"] = ["Choose none, optional or required."]
    if errors:
        raise Invalid("The reason was not saved.", errors=errors)
    assert found is not None
    return found


def save_reason(
    app_id: str,
    reason: Reason | None,
    *,
    key: str,
    labels: dict[str, str],
    category: str,
    follow_up: str,
    active: bool,
) -> Reason:
    """Create a reason (reason=None) or change one; the key of an existing reason never changes."""
    labels = clean_labels(labels)
    row = _check(app_id, reason, key.strip(), labels, category, follow_up, active)
    if reason is None:
        reason = Reason(app_id=app_id, key=key.strip(), position=_new_position(app_id))
        db.session.add(reason)
    reason.labels = labels
    reason.category_id = row.id
    reason.follow_up = follow_up
    reason.active = active
    db.session.flush()
    db.session.refresh(reason)  # the category relationship follows the new category_id
    return reason


def _new_position(app_id: str) -> int:
    """Place a new reason just above "other" (people look for it last), else at the end."""
    ordered = app_reasons(app_id)
    if ordered and ordered[-1].key == "other":
        _renumber([*ordered[:-1], None, ordered[-1]])
        return len(ordered) - 1
    return len(ordered)


def _renumber(ordered: list[Reason | None]) -> None:
    for position, reason in enumerate(ordered):
        if reason is not None and reason.position != position:
            reason.position = position


def move_reason(app_id: str, reason: Reason, step: int) -> list[str]:
    """Move a reason `step` places (negative: up) within the app's order; return the new order."""
    ordered = app_reasons(app_id)
    index = next(i for i, r in enumerate(ordered) if r.id == reason.id)
    target = min(max(index + step, 0), len(ordered) - 1)
    ordered.insert(target, ordered.pop(index))
    _renumber(list(ordered))
    db.session.flush()
    return [r.key for r in ordered]


def reorder(app_id: str, keys: list[str]) -> list[str]:
    """Put the app's reasons in the order of `keys`, which must name each reason once."""
    ordered = app_reasons(app_id)
    by_key = {r.key: r for r in ordered}
    if sorted(keys) != sorted(by_key):
        raise Invalid("The order must list every reason once.", errors={"order": ["Stale list."]})
    _renumber([by_key[k] for k in keys])
    db.session.flush()
    return keys


def retire_reason(app_id: str, reason: Reason, used: bool) -> str:
    """Delete a reason no session `used`; deactivate one that sessions did. Return which."""
    _keep_one_active(app_id, reason, "active")
    if used:
        reason.active = False
        db.session.flush()
        return "deactivated"
    db.session.delete(reason)
    db.session.flush()
    _renumber(list(app_reasons(app_id)))
    db.session.flush()
    return "deleted"


def active_count(app_id: str) -> int:
    """Return how many reasons the survey shows."""
    return (
        db.session.scalar(select(func.count()).where(Reason.app_id == app_id, Reason.active)) or 0
    )
