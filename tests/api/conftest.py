"""Reports API fixtures: people with roles and tokens, and decided sessions put in by hand."""

from datetime import datetime

import pytest

from saveflow.accounts import api_tokens
from saveflow.accounts.models import User
from saveflow.accounts.service import create_user
from saveflow.extensions import db
from saveflow.reports.rebuild import rebuild
from saveflow.sessions.models import Session
from tests.conftest import DEFAULT_SNAPSHOT

URL = "/api/v1/reports/saved-revenue"
PASSWORD = "correct horse battery"


class Reporters:
    """Make users with a role on an app (or every app), give them tokens, call the report."""

    def __init__(self, client):
        self.client = client

    def user(self, email: str, role: str, app_id: str | None) -> User:
        user = create_user(email, PASSWORD, role, app_id)
        db.session.commit()
        return user

    def token(self, user: User, name: str = "test") -> str:
        _token, full = api_tokens.issue(user, name, "test")
        db.session.commit()
        return full

    def token_for(self, role: str, app_id: str | None, email: str | None = None) -> str:
        return self.token(self.user(email or f"{role}@finance.example", role, app_id))

    def get(self, token: str | None, headers: dict | None = None, **params):
        sent = dict(headers or {})
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        return self.client.get(URL, query_string=params, headers=sent)


@pytest.fixture
def reporters(client):
    return Reporters(client)


def decide(
    app_record,
    outcome: str,
    at: datetime,
    *,
    currency: str = "usd",
    mode: str = "live",
    offer: str | None = None,
    offer_type: str | None = None,
    saved_mrr: int = 0,
    projected: int = 0,
    cost: int = 0,
    realized: int = 0,
    cut: int | None = None,
    status: str | None = None,
    category: str = "too_expensive",
) -> Session:
    """Insert one decided session as the flow would have left it (the caller rebuilds)."""
    save = outcome in ("saved", "withdrawn")
    session = Session(
        app_id=app_record.id,
        mode=mode,
        customer=f"cus_{outcome}_{at:%Y%m%d%H%M}",
        subscription="sub_1",
        token_digest=f"{outcome}{at.timestamp()}",
        locale="en",
        snapshot={**DEFAULT_SNAPSHOT, "currency": currency},
        currency=currency,
        mrr=4900,
        compliance_mode="standard",
        max_offers=2,
        step="done",
        outcome=outcome,
        outcome_at=at,
        created_at=at,
        last_seen_at=at,
        accepted_offer_key=offer if outcome == "saved" else None,
        shown_offer_key=offer,
        shown_offer_type=offer_type,
        reason_category=category,
        plan="pro",
        saved_mrr=saved_mrr if save else None,
        projected_revenue=projected if save else None,
        projected_revenue_cut=cut,
        offer_cost=cost if save else None,
        realized_revenue=realized,
        save_status=(status or "pending") if save else None,
    )
    db.session.add(session)
    return session


def rebuild_reports() -> None:
    """Commit the sessions put in by hand and write the rollups afresh from them."""
    db.session.commit()
    rebuild()
