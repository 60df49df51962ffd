"""The audit log: an append-only record of save attempts, cancels and admin changes."""

from saveflow.apps.models import AuditEntry
from saveflow.extensions import db


def audit(
    app_id: str,
    actor: str,
    action: str,
    target: str,
    data: dict | None = None,
    note: str | None = None,
) -> AuditEntry:
    """Append an entry to the app's audit log."""
    entry = AuditEntry(
        app_id=app_id, actor=actor, action=action, target=target, data=data or {}, note=note
    )
    db.session.add(entry)
    return entry
