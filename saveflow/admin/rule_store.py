"""The admin's changes to an app's rules, each recorded with before and after.

Edits work on the draft; the first edit copies the published document into a new draft. The
offers service validates, versions and publishes; this module adds the audit trail an editor
reads and the publisher's note.
"""

from copy import deepcopy
from dataclasses import dataclass

from saveflow.admin.changes import actor, record
from saveflow.offers import service
from saveflow.offers.models import RuleSet


@dataclass
class Working:
    """The document an editor changes (the draft, else the published one) and both rows."""

    document: dict
    draft: RuleSet | None
    published: RuleSet | None

    def index_of(self, rule_id: str) -> int | None:
        for index, rule in enumerate(self.document.get("rules") or ()):
            if rule.get("id") == rule_id:
                return index
        return None


def working(app_id: str) -> Working:
    """Return a private copy of the document to edit, with the draft and published rows."""
    draft, published = service.draft(app_id), service.published(app_id)
    source = draft or published
    document = deepcopy(source.document) if source else {"schema": 1, "rules": []}
    return Working(document, draft, published)


def save(
    app_id: str, document: dict, action: str, target: str, before, after, note: str | None = None
) -> RuleSet:
    """Validate and store the document as the draft; record the change (ValidationError if bad)."""
    row = service.save_draft(app_id, document, actor(), note, logged=False)
    record(app_id, action, target, before, after)
    return row


def discard(app_id: str) -> RuleSet | None:
    """Delete the draft, if any; the published version stays in force."""
    row = service.discard_draft(app_id, actor(), logged=False)
    if row is not None:
        record(app_id, "rules.draft_discarded", f"rule_set:{row.version}", row.document, None)
    return row


def _state(row: RuleSet | None) -> dict | None:
    if row is None:
        return None
    return {"version": row.version, "note": row.note, "document": row.document}


def publish(app_id: str, note: str | None) -> RuleSet:
    """Publish the draft with the publisher's name and note (LookupError without a draft)."""
    before = service.published(app_id)
    pending = service.draft(app_id)
    if pending is None:
        raise LookupError("there is no draft to publish")
    pending.created_by = actor()
    if note:
        pending.note = note
    row = service.publish(app_id, actor(), logged=False)
    record(app_id, "rules.published", f"rule_set:{row.version}", _state(before), _state(row))
    return row


def rollback(app_id: str, number: int) -> RuleSet:
    """Publish a copy of an earlier version (LookupError when it is not a published one)."""
    before = service.published(app_id)
    if before is not None and before.version == number:
        raise LookupError(f"version {number} is already in force")
    row = service.rollback(app_id, number, actor(), logged=False)
    record(app_id, "rules.rolled_back", f"rule_set:{row.version}", _state(before), _state(row))
    return row


def import_document(app_id: str, document: dict, publish_now: bool, note: str | None) -> RuleSet:
    """Store an imported document as the draft, and publish it when asked (ValidationError)."""
    now = working(app_id)
    before = now.document if (now.draft or now.published) else None
    row = service.save_draft(app_id, document, actor(), note or None, logged=False)
    target = f"rule_set:{row.version}"
    record(app_id, "rules.imported", target, before, row.document)
    if publish_now:
        return publish(app_id, note)
    return row
