"""Sessions for the report tests: customers deciding through the public API (`shop`), and
decided sessions inserted as the flow leaves them (`decided`), for fixtures with many rows."""

import itertools
from datetime import UTC, datetime

import pytest

from saveflow.extensions import db
from saveflow.models import Session
from saveflow.rollups.ledger import STILL_SUBSCRIBED, local_day
from tests.saves.conftest import Shop

_numbers = itertools.count(1)


@pytest.fixture
def shop(client, demo):
    return Shop(client, demo)


def decided(app_record, outcome: str, at: datetime, **fields) -> Session:
    """Add one decided session of 49.00/month (the caller commits, then rebuilds the rollups).

    A save took 25% off for 3 months (projection 55125, cost 3675) unless `fields` say otherwise;
    a withdrawal projects 12 × 4900 = 58800 at no cost.
    """
    n = next(_numbers)
    save = outcome in ("saved", "withdrawn")
    values = {
        "app_id": app_record.id,
        "mode": "live",
        "customer": f"cus_fixture_{n}",
        "subscription": f"sub_fixture_{n}",
        "token_digest": f"{n:064d}",
        "locale": "en",
        "snapshot": {"plan": "pro", "amount": 4900, "currency": "usd"},
        "currency": "usd",
        "mrr": 4900,
        "compliance_mode": "standard",
        "max_offers": 1,
        "step": "done",
        "outcome": outcome,
        "outcome_at": at,
        "report_day": local_day(at, UTC),
        "plan": "pro",
        "result": {"outcome": outcome},
        "save_status": "pending" if save else None,
        "months_kept": STILL_SUBSCRIBED if save else None,
        "accepted_offer_key": "discount_25_3m" if outcome == "saved" else None,
        "shown_offer_key": "discount_25_3m" if outcome == "saved" else None,
        "shown_offer_type": "discount" if outcome == "saved" else None,
        "saved_mrr": 4900 if save else None,
        "projected_revenue": 55125 if outcome == "saved" else (58800 if save else None),
        "offer_cost": 3675 if outcome == "saved" else (0 if save else None),
    }
    values.update(fields)
    session = Session(**values)
    db.session.add(session)
    return session
