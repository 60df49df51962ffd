"""What the sessions of one demo seeding share (`Stage`), and one session being played
(`Journey`): its row and its events."""

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from saveflow.apps.models import App
from saveflow.offers.rules import CompiledRuleSet
from saveflow.saves.rules import SaveRules
from saveflow.sessions.models import Session
from saveflow.sessions.setup_cache import AppSetup

# The attribute (and its value) that marks a seeded session, so a reset deletes those and
# nothing else. A string, compared as one: any other value a visitor might send is no match.
MARK, SEEDED = "demo_history", "seeded"


@dataclass(frozen=True)
class Stage:
    """What every session of one seeding shares: the app, its setup, its rules and the clock."""

    app: App
    setup: AppSetup
    rules: CompiledRuleSet | None
    experiment_rules: CompiledRuleSet | None  # the rules while the experiment ran
    experiment_from: datetime | None
    zone: ZoneInfo
    horizon: int
    idle_minutes: int
    save_rules: SaveRules
    start: datetime
    cutoff: datetime  # nothing happens at or after it

    def offer_type(self, key: str) -> str | None:
        offer = self.setup.offers.get(key)
        return offer.type if offer else None

    def progress(self, moment: datetime) -> float:
        """Return how far into the history `moment` lies, from 0 to 1."""
        return (moment - self.start) / (self.cutoff - self.start)


@dataclass
class Journey:
    """A session row and its events, as (time, type, data) in the order they happened."""

    values: dict
    events: list[tuple[datetime, str, dict]] = field(default_factory=list)

    def log(self, at: datetime, type_: str, data: dict | None = None) -> None:
        self.events.append((at, type_, data or {}))

    def session(self) -> Session:
        """Return the row as a transient `Session`, for the functions that take one."""
        return Session(**self.values)


# Every column a seeded row sets, so all rows of a batch insert have the same keys.
BLANK: dict = {
    "reason_key": None,
    "comment": None,
    "classification": None,
    "rule_set_version": None,
    "rule_id": None,
    "experiment_key": None,
    "variant": None,
    "offer_keys": [],
    "offer_index": 0,
    "event_seq": 0,
    "outcome": None,
    "outcome_at": None,
    "accepted_offer_key": None,
    "horizon_months": None,
    "saved_mrr": None,
    "projected_revenue": None,
    "offer_cost": None,
    "save_status": None,
    "save_status_at": None,
    "realized_revenue": 0,
    "projected_revenue_cut": None,
    "ended_at": None,
    "payment_failed_at": None,
    "report_day": None,
    "shown_offer_key": None,
    "shown_offer_type": None,
    "reason_category": None,
    "plan": None,
    "months_kept": None,
    "result": None,
}
