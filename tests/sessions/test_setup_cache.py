"""The per-process cache of an app's setup: stamped by the database, never stale, never shared
mutably, and it takes the setup's queries off the session calls."""

import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select, text, update

from saveflow.apps.models import App
from saveflow.extensions import db
from saveflow.models import Offer, Reason, Session
from saveflow.offers import service
from saveflow.sessions.setup_cache import setup_for
from tests.conftest import FlowActions


def stamp(app_id):
    db.session.rollback()
    return db.session.scalar(select(App.config_version).where(App.id == app_id))


@contextmanager
def statements():
    seen: list[str] = []

    def hook(_conn, _cursor, statement, *_args):
        if not statement.startswith("BEGIN"):
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", hook)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", hook)


def tables(seen):
    return {t for s in seen for t in re.findall(r"\b(reasons|offers|rule_sets)\b", s)}


def test_every_kind_of_change_bumps_the_stamp(demo):
    before = stamp(demo.id)
    changes = [
        lambda: db.session.execute(
            update(Reason).where(Reason.app_id == demo.id).values(labels={"en": "x"})
        ),
        lambda: service.import_and_publish(demo.id, service.published(demo.id).document, "t"),
        lambda: db.session.execute(
            update(Offer)
            .where(Offer.app_id == demo.id, Offer.key == "pause_2m")
            .values(active=False)
        ),
        lambda: setattr(db.session.get(App, demo.id), "settings", {"max_offers": 1}),
        lambda: db.session.execute(text("DELETE FROM offers WHERE key = 'training'")),
    ]
    for change in changes:
        change()
        db.session.commit()
        after = stamp(demo.id)
        assert after > before
        before = after


def test_changes_reach_the_next_request(flow, client, demo):
    first = flow.start().json["survey"]["reasons"][0]
    assert [o["id"] for o in flow.answer("too_expensive").json["offers"]] == ["discount_25_3m"]

    reason = db.session.scalar(
        select(Reason).where(Reason.app_id == demo.id, Reason.key == first["id"])
    )
    assert first["label"] == reason.labels["en"]
    reason.labels = {**reason.labels, "en": "Costs too much"}
    document = service.published(demo.id).document
    price = next(r for r in document["rules"] if r["id"] == "too_expensive")
    price["offers"] = ["pause_2m", "training"]
    published = service.import_and_publish(demo.id, document, "test").version
    db.session.commit()
    second = FlowActions(client, demo)
    reasons = second.start(customer="c2").json["survey"]["reasons"]
    assert reasons[0] == {**first, "label": "Costs too much"}
    assert [o["id"] for o in second.answer("too_expensive").json["offers"]] == ["pause_2m"]
    assert db.session.get(Session, second.session_id).rule_set_version == published

    offer = db.session.scalar(select(Offer).where(Offer.app_id == demo.id, Offer.key == "pause_2m"))
    offer.active = False
    db.session.commit()
    third = FlowActions(client, demo)
    third.start(customer="c3")
    assert [o["id"] for o in third.answer("too_expensive").json["offers"]] == ["training"]


def test_cached_setup_is_read_only(demo):
    db.session.refresh(demo)  # the stamp the database holds now (triggers moved it)
    setup = setup_for(db.session.get(App, demo.id))
    offer = setup.offers["discount_25_3m"]
    with pytest.raises(TypeError):
        offer.params["percent"] = 90  # type: ignore[index]
    with pytest.raises(TypeError):
        offer.copy["en"]["title"] = "changed"  # type: ignore[index]
    with pytest.raises(AttributeError):
        offer.active = False  # type: ignore[misc]
    with pytest.raises(TypeError):
        setup.reasons[0].labels["en"] = "changed"  # type: ignore[index]
    assert setup_for(db.session.get(App, demo.id)) is setup  # same stamp, same object


def test_warm_session_calls_skip_the_setup_queries(flow, client, demo):
    FlowActions(client, demo).start(customer="warm")  # fill this process's cache
    postgres = db.engine.dialect.name == "postgresql"
    with statements() as seen:
        flow.start()
    assert not tables(seen)
    # The app with the token's replay lookup, then the session and its first event (one
    # statement on PostgreSQL).
    assert len(seen) == (2 if postgres else 3), seen
    with statements() as seen:
        flow.answer("too_expensive")
    assert not tables(seen)
    # load_session (one SELECT … FOR UPDATE with the app's stamp and the cooldown history),
    # then two events, the audit entry and the session's UPDATE: one statement on PostgreSQL,
    # four on SQLite.
    assert len(seen) == (2 if postgres else 5), seen


def test_the_cached_app_row_follows_every_change(flow, client, demo):
    from tests.conftest import make_token

    FlowActions(client, demo).start(customer="warm")  # cache the app row in this process
    db.session.execute(update(App).where(App.id == demo.id).values(compliance_mode="direct"))
    db.session.commit()
    assert flow.start(customer="after_mode").json["compliance"]["mode"] == "direct"
    # A rotated signing secret is used at once, and the old one stops working.
    old = make_token(demo, customer="old_secret")
    db.session.execute(update(App).where(App.id == demo.id).values(live_secret="sk_live_rotated"))
    db.session.commit()
    rejected = client.post("/api/v1/sessions", json={"app_id": demo.id, "token": old})
    assert rejected.status_code == 401
    demo.live_secret = "sk_live_rotated"
    accepted = client.post("/api/v1/sessions", json={"app_id": demo.id, "token": make_token(demo)})
    assert accepted.status_code == 201


def test_session_calls_read_no_app_row_when_warm(flow, client, demo):
    flow.start()
    flow.get()  # warm
    with statements() as seen:
        flow.get()
    assert not any(re.search(r"\bFROM apps\b(?! JOIN)", s) and "sessions" not in s for s in seen)
    assert all("live_secret" not in s for s in seen)  # secrets are neither read nor decrypted


def test_offer_history_comes_with_the_session_and_is_per_customer(client, demo):
    """One customer's accepted discount blocks a second discount for them only (cooldown)."""
    first = FlowActions(client, demo)
    first.start(customer="cus_hist")
    offer = first.answer("too_expensive").json["offers"][0]
    assert offer["type"] == "discount"
    assert first.accept(offer["id"]).status_code == 200
    again = FlowActions(client, demo)
    again.start(customer="cus_hist", subscription="sub_2")
    assert "discount" not in [o["type"] for o in again.answer("too_expensive").json["offers"]]
    other = FlowActions(client, demo)
    other.start(customer="cus_other")
    assert other.answer("too_expensive").json["offers"][0]["type"] == "discount"
