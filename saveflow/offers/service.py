"""Offer and rule-set storage: drafts, publishing, rollback, import and export."""

from sqlalchemy import func, select

from saveflow.apps.audit import audit
from saveflow.db import utcnow
from saveflow.extensions import db
from saveflow.offers.models import Offer, RuleSet
from saveflow.offers.rules import OfferSpec
from saveflow.offers.schemas import validate_rule_set


def active_offers(app_id: str) -> dict[str, Offer]:
    """Return the app's active offer rows, keyed by offer key."""
    rows = db.session.scalars(select(Offer).where(Offer.app_id == app_id, Offer.active))
    return {o.key: o for o in rows}


def offer_specs(app_id: str) -> dict[str, OfferSpec]:
    """Return the app's offers as engine specs, keyed by offer key."""
    return {key: spec(o) for key, o in active_offers(app_id).items()}


def spec(offer: Offer) -> OfferSpec:
    """Return the engine's view of an offer row."""
    return OfferSpec(key=offer.key, type=offer.type, params=offer.params)


def find_offer(app_id: str, key: str) -> Offer | None:
    """Return an app's offer by key, active or not."""
    return db.session.scalar(select(Offer).where(Offer.app_id == app_id, Offer.key == key))


def published(app_id: str) -> RuleSet | None:
    """Return the rule set in force: the newest published version."""
    return db.session.scalar(
        select(RuleSet)
        .where(RuleSet.app_id == app_id, RuleSet.status == "published")
        .order_by(RuleSet.version.desc())
        .limit(1)
    )


def version(app_id: str, number: int) -> RuleSet | None:
    """Return one version of an app's rule set."""
    return db.session.scalar(
        select(RuleSet).where(RuleSet.app_id == app_id, RuleSet.version == number)
    )


def draft(app_id: str) -> RuleSet | None:
    """Return the app's open draft, if any."""
    return db.session.scalar(
        select(RuleSet).where(RuleSet.app_id == app_id, RuleSet.status == "draft")
    )


def _next_version(app_id: str) -> int:
    last = db.session.scalar(select(func.max(RuleSet.version)).where(RuleSet.app_id == app_id))
    return (last or 0) + 1


def save_draft(
    app_id: str, document: dict, actor: str, note: str | None = None, *, logged: bool = True
) -> RuleSet:
    """Validate a document and store it as the app's draft (one draft at a time).

    `logged=False` leaves the audit entry to the caller (the admin records before and after).
    """
    clean = validate_rule_set(document, offer_keys=set(offer_specs(app_id)))
    row = draft(app_id)
    if row is None:
        row = RuleSet(app_id=app_id, version=_next_version(app_id), status="draft")
        db.session.add(row)
    row.document, row.note, row.created_by = clean, note, actor
    db.session.flush()
    if logged:
        audit(app_id, actor, "rules.draft_saved", f"rule_set:{row.version}")
    return row


def discard_draft(app_id: str, actor: str, *, logged: bool = True) -> RuleSet | None:
    """Delete the app's draft, if any (the published version stays in force); return it."""
    row = draft(app_id)
    if row is None:
        return None
    db.session.delete(row)
    db.session.flush()
    if logged:
        audit(app_id, actor, "rules.draft_discarded", f"rule_set:{row.version}")
    return row


def publish(app_id: str, actor: str, *, logged: bool = True) -> RuleSet:
    """Publish the draft; from then on that version never changes."""
    row = draft(app_id)
    if row is None:
        raise LookupError("there is no draft to publish")
    validate_rule_set(row.document, offer_keys=set(offer_specs(app_id)))
    row.status, row.published_at = "published", utcnow()
    db.session.flush()
    if logged:
        audit(app_id, actor, "rules.published", f"rule_set:{row.version}")
    return row


def rollback(app_id: str, to_version: int, actor: str, *, logged: bool = True) -> RuleSet:
    """Put an earlier published version back in force as a new version, keeping history linear."""
    old = version(app_id, to_version)
    if old is None or old.status != "published":
        raise LookupError(f"version {to_version} is not a published version")
    number = _next_version(app_id)
    pending = draft(app_id)
    if pending is not None:
        # The draft keeps its content and moves above the restored version.
        pending.version = number + 1
        db.session.flush()
    row = RuleSet(
        app_id=app_id,
        version=number,
        status="published",
        document=old.document,
        note=f"rollback to version {to_version}",
        created_by=actor,
        published_at=utcnow(),
    )
    db.session.add(row)
    db.session.flush()
    if not logged:
        return row
    audit(
        app_id,
        actor,
        "rules.rolled_back",
        f"rule_set:{row.version}",
        {"restored_version": to_version},
    )
    return row


def import_and_publish(app_id: str, document: dict, actor: str, note: str | None = None):
    """Store a document as the draft and publish it in one step."""
    save_draft(app_id, document, actor, note)
    return publish(app_id, actor)
