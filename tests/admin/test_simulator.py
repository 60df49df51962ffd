"""The simulator: replaying sessions against a draft, with figures worked out by hand."""

from copy import deepcopy
from fractions import Fraction

import pytest
from sqlalchemy import delete, update

from saveflow.apps.models import App
from saveflow.extensions import db
from saveflow.offers import service
from saveflow.offers.impact import Rate, acceptance_rates, expected_revenue
from saveflow.offers.models import Offer
from saveflow.sessions.simulate import OFFER_GONE, simulate
from tests.conftest import FlowActions

ROLES = ("admin", "editor", "finance", "viewer")
# DEFAULT_SNAPSHOT: Pro at 49.00 USD a month, so MRR = 4900 and the horizon H = 12 months.
DISCOUNT = 4900 * 3 * 3 // 4 + 4900 * 9  # 25% off for 3 months, then full price: 55125
DOWNGRADE = 1900 * 12  # Starter at 19.00 for 12 months: 22800
PAUSE = 4900 * (12 - 2)  # two months without charge: 49000
TRAINING = 4900 * 12  # a link offer keeps the whole list revenue: 58800


def _session(client, demo, customer, reason, steps=(), mode="live"):
    flow = FlowActions(client, demo)
    assert (
        flow.start(customer=customer, subscription=f"sub_{customer}", mode=mode).status_code == 201
    )
    if reason is None:
        return flow
    offers = flow.answer(reason).json["offers"]
    for step in steps:
        if step == "accept":
            assert flow.accept(offers[0]["id"]).status_code == 200
        elif step == "decline":
            offers = flow.decline(offers[0]["id"]).json["offers"]
        else:
            assert flow.post(f"/{step}").status_code == 200
    return flow


@pytest.fixture
def history(client, demo):
    """Six answered live sessions and one that never got past the survey.

    too_expensive shows [discount_25_3m, downgrade]; not_using shows [pause_2m, training].
    """
    for customer in ("c1", "c2", "c3"):
        _session(client, demo, customer, "too_expensive", ["accept"])  # discount accepted
    _session(client, demo, "c4", "too_expensive", ["decline", "decline", "cancel"])
    _session(client, demo, "c5", "not_using", ["accept"])  # pause accepted
    _session(client, demo, "c6", "not_using", ["decline", "cancel"])  # training shown, cancelled
    _session(client, demo, "c7", None)  # never answered
    db.session.rollback()


def _draft_pause_for_too_expensive(demo):
    document = deepcopy(service.published(demo.id).document)
    for rule in document["rules"]:
        if rule["id"] == "too_expensive":
            rule["offers"] = ["pause_2m"]
    service.save_draft(demo.id, document, "test")
    db.session.commit()
    return document


def test_replay_counts_rates_and_revenue_by_hand(history, demo):
    document = _draft_pause_for_too_expensive(demo)
    result = simulate(db.session.get(App, demo.id), document, mode="live", min_shows=1)

    assert (result.window, result.skipped, len(result.sessions)) == (7, 1, 6)
    assert result.changed == 4  # the four too_expensive sessions now see the pause
    by_category = {c.category: (c.sessions, c.changed) for c in result.by_category}
    assert by_category == {"too_expensive": (4, 4), "not_using": (2, 0)}
    changed = [s for s in result.sessions if s.changed]
    assert {s.seen for s in changed} == {("discount_25_3m", "downgrade")}
    assert {(s.offers, s.rule, s.seen_rule) for s in changed} == {
        (("pause_2m",), "too_expensive", "too_expensive")
    }

    rates = {r.offer_type: (r.accepted, r.shown, r.value) for r in result.rates}
    assert rates == {
        "discount": (3, 4, Fraction(3, 4)),  # c1-c3 accepted, c4 declined
        "downgrade": (0, 1, Fraction(0)),  # only c4 got that far
        "pause": (1, 2, Fraction(1, 2)),  # c5 accepted, c6 declined
        "training": (0, 1, Fraction(0)),  # c6 saw it and cancelled
    }

    # What they saw: too_expensive 3/4 × 55125 + 1/4 × 0 × 22800 = 41343.75, four times;
    # not_using 1/2 × 49000 + 1/2 × 0 × 58800 = 24500, twice.
    seen = 4 * (Fraction(3, 4) * DISCOUNT) + 2 * (Fraction(1, 2) * PAUSE)
    # With the draft: too_expensive 1/2 × 49000 = 24500, four times; not_using unchanged.
    drafted = 4 * (Fraction(1, 2) * PAUSE) + 2 * (Fraction(1, 2) * PAUSE)
    assert (seen, drafted) == (214375, 147000)
    (effect,) = result.effects
    assert (effect.currency, effect.sessions) == ("usd", 6)
    assert (effect.seen, effect.draft, effect.difference) == (seen, drafted, -67375)
    assert result.not_estimated == {}


def test_too_few_showings_leave_sessions_out_of_the_estimate(history, demo):
    document = _draft_pause_for_too_expensive(demo)
    result = simulate(db.session.get(App, demo.id), document, mode="live", min_shows=4)
    enough = {r.offer_type: r.enough for r in result.rates}
    assert enough == {"discount": True, "downgrade": False, "pause": False, "training": False}
    # Every session has a type under 4 showings on one side or the other.
    assert result.effects == () and result.not_estimated == {"too_few_shows": 6}


def test_no_draft_replays_the_rules_in_force_and_nothing_changes(history, demo):
    app = db.session.get(App, demo.id)
    result = simulate(app, service.published(demo.id).document, mode="live", min_shows=1)
    assert result.changed == 0 and len(result.sessions) == 6
    (effect,) = result.effects
    assert effect.difference == 0 and effect.seen == 214375


def test_inactive_and_deleted_offers(history, demo):
    app = db.session.get(App, demo.id)
    published = service.published(demo.id).document
    db.session.execute(
        update(Offer).where(Offer.app_id == demo.id, Offer.key == "training").values(active=False)
    )
    db.session.commit()
    result = simulate(app, published, mode="live", min_shows=1)
    # The engine skips an inactive offer, as live; what they saw is still priced.
    assert result.changed == 2
    assert {s.offers for s in result.sessions if s.changed} == {("pause_2m",)}
    assert result.effects[0].sessions == 6

    db.session.execute(delete(Offer).where(Offer.app_id == demo.id, Offer.key == "training"))
    db.session.commit()
    result = simulate(app, published, mode="live", min_shows=1)
    assert result.changed == 2
    assert result.not_estimated == {OFFER_GONE: 2}  # c5 and c6 saw training, now gone
    assert "training" not in {r.offer_type for r in result.rates}
    assert result.effects[0].sessions == 4


def test_mode_filter_and_open_sessions(history, client, demo):
    _session(client, demo, "t1", "too_expensive", mode="test")  # open, at the offers
    db.session.rollback()
    document = _draft_pause_for_too_expensive(demo)
    app = db.session.get(App, demo.id)
    assert len(simulate(app, document, mode="test", min_shows=1).sessions) == 1
    both = simulate(app, document, mode=None, min_shows=1)
    assert (len(both.sessions), both.changed) == (7, 5)
    # An open session counts for the replay, not for the rates.
    assert {r.offer_type: r.shown for r in both.rates}["discount"] == 4
    assert len(simulate(app, document, limit=2, mode=None).sessions) <= 2


def test_expected_revenue_walks_the_list_in_order():
    rates = {"discount": Rate("discount", 4, 3, 1), "pause": Rate("pause", 2, 1, 1)}
    # 3/4 × 100 + (1 − 3/4) × 1/2 × 40 = 75 + 5
    assert expected_revenue([("discount", 100), ("pause", 40)], rates) == 80
    assert expected_revenue([], rates) == 0
    assert expected_revenue([("training", 10)], rates) is None
    counted = acceptance_rates([("pause", True), ("pause", False)], min_shows=3)
    assert counted["pause"].value is None and not counted["pause"].enough


# --- the page ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", [*ROLES, "other-app", "anonymous"])
def test_every_role_may_run_the_simulator(who, demo, make_user, admin, client):
    from tests.admin.conftest import sign_in_as

    sign_in_as(who, demo, make_user, admin)
    response = client.get(f"/admin/apps/{demo.id}/rules/simulate?sessions=50&mode=both")
    expected = {"anonymous": 302, "other-app": 403}.get(who, 200)
    assert response.status_code == expected


def test_page_shows_changes_rates_with_sample_sizes_and_assumptions(
    history, demo, make_user, admin, client
):
    _draft_pause_for_too_expensive(demo)
    make_user("viewer@team.example", "viewer", demo.id)
    admin.login("viewer@team.example")
    html = client.get(f"/admin/apps/{demo.id}/rules/simulate").text
    assert 'id="changed-count">4<' in html
    assert "Draft (version 2)" in html
    # 20 showings are needed; the fixture has 4 discounts, so no rate and no estimate.
    assert "Not enough data (n = 4, needs 20)" in html
    assert "6 sessions with an offer type shown fewer than 20 times" in html
    assert "What this estimate assumes" in html
    assert "never answered the survey" in html
    # Two versions to choose from; the published one replays what they saw.
    published = client.get(f"/admin/apps/{demo.id}/rules/simulate?version=1&sessions=500").text
    assert 'id="changed-count">0<' in published


@pytest.mark.parametrize(
    "query", ["sessions=0", "sessions=5001", "sessions=abc", "version=99", "mode=bogus"]
)
def test_bad_settings_answer_400(query, demo, make_user, admin, client):
    make_user("a@team.example", "admin", demo.id)
    admin.login("a@team.example")
    response = client.get(f"/admin/apps/{demo.id}/rules/simulate?{query}")
    assert response.status_code == 400
    assert 'class="error"' in response.text


def test_money_is_written_in_the_currency_minor_units():
    from saveflow.admin.formatting import money, percent

    assert money(Fraction(-67375), "usd", signed=True) == "−673.75 USD"
    assert money(Fraction(4134375, 100), "eur") == "413.44 EUR"  # 41343.75 cents, rounded
    assert money(123456789, "usd", signed=True) == "+1,234,567.89 USD"
    assert money(4900, "jpy") == "4,900 JPY"
    assert money(None, "usd") == "—"
    assert (percent(Fraction(3, 4)), percent(Fraction(2, 3)), percent(None)) == (
        "75%",
        "66.7%",
        "—",
    )
