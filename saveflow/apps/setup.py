"""Create apps with the default taxonomy, offers and a published default rule set."""

from copy import deepcopy
from typing import Any

from saveflow.apps.audit import audit
from saveflow.apps.models import App
from saveflow.extensions import db
from saveflow.offers import service as rules_service
from saveflow.offers.catalog import DEFAULT_OFFERS
from saveflow.offers.models import Offer
from saveflow.offers.rules import default_rule_set
from saveflow.reasons.models import Reason, ReasonCategory
from saveflow.reasons.taxonomy import CATEGORIES, FOLLOW_UP


def seed_taxonomy(app: App) -> None:
    """Give an app the default categories and one survey reason per category."""
    for position, cat in enumerate(CATEGORIES.values()):
        row = ReasonCategory(
            app_id=app.id,
            key=cat.key,
            voluntary=cat.voluntary,
            influenceable=cat.influenceable,
            labels=dict(cat.labels),
        )
        db.session.add(row)
        db.session.flush()
        db.session.add(
            Reason(
                app_id=app.id,
                key=cat.key,
                category_id=row.id,
                labels=dict(cat.labels),
                position=position,
                follow_up=FOLLOW_UP.get(cat.key, "none"),
            )
        )


def seed_offers(app: App, downgrade_targets: dict | None = None) -> None:
    """Give an app the default offers; downgrade targets map a plan to a cheaper one."""
    specs: list[dict[str, Any]] = deepcopy(DEFAULT_OFFERS)
    for spec in specs:
        if spec["type"] == "downgrade" and downgrade_targets:
            spec["params"]["targets"] = downgrade_targets
        db.session.add(
            Offer(
                app_id=app.id,
                key=spec["key"],
                type=spec["type"],
                params=spec["params"],
                copy=spec["copy"],
            )
        )
    db.session.flush()


def create_app_with_defaults(
    name: str,
    allowed_origins=(),
    compliance_mode: str = "standard",
    settings: dict | None = None,
    downgrade_targets: dict | None = None,
    actor: str = "cli",
) -> App:
    """Create an app ready to run flows: taxonomy, offers and a published rule set."""
    app = App(
        name=name,
        allowed_origins=list(allowed_origins),
        compliance_mode=compliance_mode,
        settings=settings or {},
    )
    db.session.add(app)
    db.session.flush()
    seed_taxonomy(app)
    seed_offers(app, downgrade_targets)
    rules_service.import_and_publish(app.id, default_rule_set(), actor, note="default rules")
    audit(app.id, actor, "app.created", f"app:{app.id}", {"name": name})
    return app
