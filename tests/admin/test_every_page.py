"""Every admin page, found from the URL map rather than listed by hand, for every role.

A page added later is walked without anyone remembering to add it here: no role may ever get a
5xx, a page a role may open has a title and exactly one h1, and nobody signed out gets in.
"""

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from saveflow.extensions import db
from saveflow.messaging import outbox
from saveflow.offers import service as offers
from saveflow.reasons.models import Reason
from saveflow.reports.digest import store
from tests.admin.conftest import sign_in_as
from tests.conftest import FlowActions

ROLES = ("admin", "editor", "finance", "viewer")
# Pages that need no app in the URL.
GLOBAL_PAGES = {"admin.login", "admin.dashboard", "admin.app_new", "admin.api_tokens_page"}


def _delivery(demo, session_id) -> str:
    """Queue one email of the session, so the delivery's page is walked rather than 404."""
    delivery_id = outbox.new_delivery_id()
    email = {"subject": "Cancelled", "html": "<p>Cancelled</p>", "text": "Cancelled"}
    now = datetime.now(UTC)
    outbox.enqueue(
        demo.id,
        "email",
        "cancel_receipt",
        delivery_id,
        email,
        now,
        session_id=session_id,
        delivery_id=delivery_id,
        recipient="ada@customer.example",
    )
    db.session.commit()
    return delivery_id


def _values(demo, session_id, month="2026-03") -> dict[str, str]:
    """A real value for every URL argument an admin page can take."""
    reason = db.session.scalar(select(Reason).where(Reason.app_id == demo.id).limit(1))
    document = offers.published(demo.id).document
    return {
        "app_id": demo.id,
        "session_id": session_id,
        "reason_id": str(reason.id),
        "key": next(iter(offers.active_offers(demo.id))),
        "rule_id": document["rules"][0]["id"],
        "number": str(offers.published(demo.id).version),
        "version": str(offers.published(demo.id).version),
        "month": month,
        "delivery_id": _delivery(demo, session_id),
    }


def _admin_pages(app, values) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("admin.") or "GET" not in (rule.methods or ()):
            continue
        missing = set(rule.arguments) - values.keys()
        assert not missing, f"{rule.rule}: give this test a value for {sorted(missing)}"
        urls.append((rule.endpoint, rule.build({k: values[k] for k in rule.arguments})[1]))
    return sorted(urls)


@pytest.fixture
def every_page(app, client, demo):
    flow = FlowActions(client, demo)
    assert flow.start().status_code == 201
    assert flow.answer("other", "the overage charges are killing us").status_code == 200
    # A stored digest, so its pages are walked rather than 404.
    now = datetime.now(UTC)
    digest = store(demo, date(2026, 3, 1), app.jinja_env, "https://saveflow.example", now)
    db.session.commit()
    return _admin_pages(app, _values(demo, flow.session_id, digest.month.strftime("%Y-%m")))


@pytest.mark.parametrize("who", [*ROLES, "other-app", "anonymous"])
def test_every_admin_page_for_every_role(who, every_page, demo, make_user, admin, client):
    sign_in_as(who, demo, make_user, admin)
    assert len(every_page) >= 4
    for endpoint, url in every_page:
        response = client.get(url)
        assert response.status_code < 500, (who, url)
        if who == "anonymous" and endpoint != "admin.login":
            assert response.status_code == 302, url
            assert response.headers["Location"].startswith("/admin/login?next=")
        if who == "other-app" and endpoint not in GLOBAL_PAGES:
            assert response.status_code == 403, url
        if response.status_code == 200 and response.mimetype == "text/html":
            html = response.text
            assert re.search(r"<title>[^<]+</title>", html), url
            assert len(re.findall(r"<h1[\s>]", html)) == 1, url
            assert 'href="#main"' in html and 'id="main"' in html, url
            nav = re.search(r'<nav class="subnav".*?</nav>', html, re.S)
            for link in re.findall(r'href="(/admin/[^"]+)"', nav.group(0) if nav else ""):
                # A section offered in the navigation opens for the role it is offered to.
                assert client.get(link.replace("&amp;", "&")).status_code == 200, (who, link)
