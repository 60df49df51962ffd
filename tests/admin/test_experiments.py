"""Experiments in the admin: who may do what, start/change/stop with audit, validation, results."""

import re
from copy import deepcopy

import pytest
from sqlalchemy import func, select

from saveflow.apps.models import AuditEntry
from saveflow.extensions import db
from saveflow.offers import experiment_setup as setup
from saveflow.offers import service
from saveflow.offers.experiments import assign_variant
from saveflow.offers.models import RuleSet
from tests.admin.conftest import csrf_from, sign_in_as
from tests.conftest import FlowActions

ROLES = ("admin", "editor", "finance", "viewer")
RULE = "too_expensive"
EXPERIMENT = {
    "key": "price-1",
    "holdout": 0.1,
    "variants": [
        {"name": "control", "weight": 50.0, "offers": ["discount_25_3m", "downgrade"]},
        {"name": "pause", "weight": 50.0, "offers": ["pause_2m"]},
    ],
}


def _form(experiment=EXPERIMENT, **extra) -> dict:
    """The start form as a browser posts it: every row, every select."""
    data = {
        "action": "start",
        "key": experiment["key"],
        "holdout": str(experiment["holdout"] * 100),
    }
    for index in range(3):
        variant = experiment["variants"][index] if index < len(experiment["variants"]) else {}
        offers = variant.get("offers", [])
        data[f"variants-{index}-name"] = variant.get("name", "")
        data[f"variants-{index}-weight"] = str(variant.get("weight", ""))
        for slot in range(3):
            data[f"variants-{index}-offer_{slot + 1}"] = offers[slot] if slot < len(offers) else ""
    data.update(extra)
    return data


def _post(client, demo, data, token=True):
    url = f"/admin/apps/{demo.id}/experiments/{RULE}"
    if token:
        source = client.get("/admin/").text if "csrf_token" not in data else None
        if source is not None:
            data = {**data, "csrf_token": csrf_from(source)}
    return client.post(url, data=data)


def _versions(demo) -> int:
    return db.session.scalar(
        select(func.count()).select_from(RuleSet).where(RuleSet.app_id == demo.id)
    )


def _audit(demo, prefix="experiments."):
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.app_id == demo.id, AuditEntry.action.startswith(prefix))
            .order_by(AuditEntry.id)
        )
    )


@pytest.fixture
def editor(demo, make_user, admin):
    make_user("ed@team.example", "editor", demo.id)
    assert admin.login("ed@team.example").status_code == 302


def _running(demo):
    return setup.experiment_of(service.published(demo.id).document, RULE)


# --- who may ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", [*ROLES, "other-app", "anonymous"])
def test_role_matrix_for_pages(who, demo, make_user, admin, client):
    setup.change(demo.id, RULE, EXPERIMENT, "test")
    db.session.commit()
    sign_in_as(who, demo, make_user, admin)
    base = f"/admin/apps/{demo.id}/experiments"
    for url in (base, f"{base}/{RULE}", f"{base}/{RULE}/results?key=price-1"):
        response = client.get(url)
        expected = {"anonymous": 302, "other-app": 403}.get(who, 200)
        assert response.status_code == expected, url
        if who in ("finance", "viewer"):
            assert "Start experiment" not in response.text
            assert "Stop experiment" not in response.text
            assert "Replace and publish" not in response.text
    if who == "editor":
        assert "Stop experiment" in client.get(f"{base}/{RULE}").text


@pytest.mark.parametrize("action", ["start", "stop"])
@pytest.mark.parametrize("who", [*ROLES, "other-app", "anonymous"])
def test_role_matrix_for_actions(who, action, demo, make_user, admin, client):
    if action == "stop":
        setup.change(demo.id, RULE, EXPERIMENT, "test")
        db.session.commit()
    sign_in_as(who, demo, make_user, admin)
    token = csrf_from(client.get("/admin/login" if who == "anonymous" else "/admin/").text)
    before = _versions(demo)
    experiment = {**EXPERIMENT, "key": "price-2"}
    data = _form(experiment) if action == "start" else {"action": "stop"}
    response = client.post(
        f"/admin/apps/{demo.id}/experiments/{RULE}", data={**data, "csrf_token": token}
    )
    expected = {"admin": 302, "editor": 302, "anonymous": 302}.get(who, 403)
    assert response.status_code == expected
    if who == "anonymous":
        assert response.headers["Location"].startswith("/admin/login")
    changed = who in ("admin", "editor")
    assert _versions(demo) == before + (1 if changed else 0)


def test_a_post_without_csrf_token_is_refused(editor, demo, client):
    response = _post(client, demo, {**_form(), "csrf_token": ""})
    assert response.status_code == 400
    assert _running(demo) is None and _audit(demo) == []


# --- start, change, stop ----------------------------------------------------------------


def test_start_publishes_a_version_and_audits_before_and_after(editor, demo, client):
    before = _versions(demo)
    response = _post(client, demo, _form())
    assert response.status_code == 302
    assert _versions(demo) == before + 1
    assert service.draft(demo.id) is None
    assert _running(demo) == EXPERIMENT
    (entry,) = _audit(demo)
    assert (entry.action, entry.actor, entry.target) == (
        "experiments.started",
        "user:ed@team.example",
        f"rule:{RULE}",
    )
    assert entry.data == {"before": None, "after": EXPERIMENT}
    assert [e.action for e in _audit(demo, "rules.")][-2:] == [
        "rules.draft_saved",
        "rules.published",
    ]
    page = client.get(f"/admin/apps/{demo.id}/experiments").text
    assert "price-1" in page and "Running" in page
    assert "45%" in page and "10%" in page  # each variant: 90% ÷ 2; the holdout


def test_changing_weights_under_the_same_key_needs_a_new_key(editor, demo, client):
    assert _post(client, demo, _form()).status_code == 302
    versions = _versions(demo)
    skewed = deepcopy(EXPERIMENT)
    skewed["variants"][0]["weight"] = 80.0
    response = _post(client, demo, _form(skewed))
    assert response.status_code == 400
    assert "Use a new key" in response.text
    assert _versions(demo) == versions and _running(demo) == EXPERIMENT
    # The same set-up again changes nothing.
    assert _post(client, demo, _form()).status_code == 302
    assert _versions(demo) == versions
    # A new key replaces it, audited as a change.
    skewed["key"] = "price-2"
    assert _post(client, demo, _form(skewed)).status_code == 302
    assert _running(demo) == skewed
    entry = _audit(demo)[-1]
    assert entry.action == "experiments.changed"
    assert entry.data == {"before": EXPERIMENT, "after": skewed}


def test_stop_removes_it_and_the_rule_offers_resume(editor, demo, client):
    assert _post(client, demo, _form()).status_code == 302
    versions = _versions(demo)
    response = _post(client, demo, {"action": "stop"})
    assert response.status_code == 302
    assert _versions(demo) == versions + 1
    rule = setup.rule_of(service.published(demo.id).document, RULE)
    assert "experiment" not in rule and rule["offers"] == ["discount_25_3m", "downgrade"]
    entry = _audit(demo)[-1]
    assert entry.action == "experiments.stopped"
    assert entry.data == {"before": EXPERIMENT, "after": None}
    page = client.get(f"/admin/apps/{demo.id}/experiments").text
    assert "Stopped" in page and "price-1" in page
    # The key is spent: another set-up under it is refused; the same one may restart.
    other = deepcopy(EXPERIMENT)
    other["holdout"] = 0.2
    assert _post(client, demo, _form(other)).status_code == 400
    assert _post(client, demo, _form()).status_code == 302


def test_other_draft_changes_need_confirming(editor, demo, client):
    document = deepcopy(service.published(demo.id).document)
    document["rules"][1]["offers"] = []
    service.save_draft(demo.id, document, "test")
    db.session.commit()
    page = client.get(f"/admin/apps/{demo.id}/experiments/{RULE}").text
    assert "Also publish the draft" in page
    response = _post(client, demo, _form())
    assert response.status_code == 400
    assert "Confirm that the draft" in response.text
    assert _running(demo) is None and _audit(demo) == []
    assert _post(client, demo, _form(publish_pending="y")).status_code == 302
    published = service.published(demo.id).document
    assert published["rules"][1]["offers"] == [] and _running(demo) == EXPERIMENT


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"variants-0-weight": "0"}, "greater than 0"),
        ({"variants-0-weight": "-5"}, "at least 0"),
        ({"variants-0-weight": "lots"}, "Not a valid float"),
        ({"holdout": "60"}, "between 0 and 50%"),
        ({"holdout": "-1"}, "between 0 and 50%"),
        ({"variants-1-offer_1": "nope"}, "Not a valid choice"),
        ({"variants-1-name": "control"}, "Duplicate variant name"),
        ({"variants-1-name": "holdout"}, "reserved"),
        ({"variants-1-offer_2": "pause_2m"}, "more than once"),
        ({"variants-1-offer_1": ""}, "Pick at least one offer"),
        ({"key": "Bad Key!"}, "lower-case"),
        ({"key": ""}, "This field is required"),
        (
            {
                "variants-0-name": "",
                "variants-0-weight": "",
                "variants-0-offer_1": "",
                "variants-0-offer_2": "",
                "variants-1-name": "",
                "variants-1-weight": "",
                "variants-1-offer_1": "",
            },
            "Add at least one variant",
        ),
    ],
)
def test_bad_experiments_answer_400_and_write_nothing(change, message, editor, demo, client):
    versions = _versions(demo)
    response = _post(client, demo, {**_form(), **change})
    assert response.status_code == 400
    assert message in response.text
    assert _versions(demo) == versions and _audit(demo) == []


def test_an_inactive_offer_is_an_unknown_offer(editor, demo, client):
    from saveflow.offers.models import Offer

    db.session.query(Offer).filter_by(app_id=demo.id, key="pause_2m").update({"active": False})
    db.session.commit()
    response = _post(client, demo, _form())
    assert response.status_code == 400 and "Not a valid choice" in response.text


def test_unknown_rule_is_404(editor, demo, client):
    assert client.get(f"/admin/apps/{demo.id}/experiments/nope").status_code == 404
    assert client.get(f"/admin/apps/{demo.id}/experiments/{RULE}/results").status_code == 404
    token = csrf_from(client.get("/admin/").text)
    url = f"/admin/apps/{demo.id}/experiments/nope"
    assert client.post(url, data={**_form(), "csrf_token": token}).status_code == 404


# --- results ----------------------------------------------------------------------------


def _customers_in(demo, wanted: dict[str, int]) -> dict[str, list[str]]:
    """Pick customer ids that the hash places in each group, as many as wanted."""
    found: dict[str, list[str]] = {name: [] for name in wanted}
    number = 0
    while any(len(found[name]) < n for name, n in wanted.items()):
        customer = f"cus_{number}"
        group = assign_variant(demo.id, customer, EXPERIMENT)
        if group in found and len(found[group]) < wanted[group]:
            found[group].append(customer)
        number += 1
    return found


def _run(client, demo, customer, finish, mode="live"):
    flow = FlowActions(client, demo)
    assert (
        flow.start(customer=customer, subscription=f"sub_{customer}", mode=mode).status_code == 201
    )
    offers = flow.answer(RULE).json["offers"]
    if finish == "accept":
        assert flow.accept(offers[0]["id"]).status_code == 200
    elif finish:
        assert flow.post(f"/{finish}").status_code == 200
    return flow


def test_results_per_group_from_sessions(demo, make_user, admin, client):
    setup.change(demo.id, RULE, EXPERIMENT, "test")
    db.session.commit()
    groups = _customers_in(demo, {"control": 4, "pause": 2, "holdout": 2})
    control, pause, holdout = groups["control"], groups["pause"], groups["holdout"]
    for customer, finish in zip(control, ["accept", "accept", "cancel", None], strict=True):
        _run(client, demo, customer, finish)
    _run(client, demo, pause[0], "withdraw")
    _run(client, demo, pause[1], "abandon")
    _run(client, demo, holdout[0], "cancel")
    _run(client, demo, holdout[1], "withdraw")
    _run(client, demo, "cus_test_mode", "cancel", mode="test")  # not counted in live
    db.session.rollback()

    from saveflow.reports.experiment_groups import experiment_results

    rows = {
        g.variant: g for g in experiment_results(demo.id, RULE, "price-1", ["control", "pause"])
    }
    assert list(rows) == ["control", "pause", "holdout"]
    c, p, h = rows["control"], rows["pause"], rows["holdout"]
    assert (c.sessions, c.saved, c.cancelled, c.open, c.decided) == (4, 2, 1, 1, 3)
    assert c.deflection == pytest.approx(2 / 3)  # (2 saved + 0 withdrew) ÷ 3 decided
    assert (p.sessions, p.withdrawn, p.abandoned, p.decided, p.deflection) == (2, 1, 1, 1, 1)
    assert (h.sessions, h.cancelled, h.withdrawn, h.deflection) == (2, 1, 1, 0.5)
    both = experiment_results(demo.id, RULE, "price-1", ["control", "pause"], mode=None)
    assert sum(g.sessions for g in both) == 9

    make_user("v@team.example", "viewer", demo.id)
    admin.login("v@team.example")
    html = client.get(f"/admin/apps/{demo.id}/experiments/{RULE}/results?key=price-1").text
    assert "66.7%" in html and "(n = 3)" in html and "small sample" in html
    assert "50%" in html and "(n = 2)" in html
    link = "experiment=price-1&amp;variant=control&amp;mode=live"
    assert link in html
    listed = client.get(
        f"/admin/apps/{demo.id}/sessions?experiment=price-1&variant=control&mode=live"
    ).text
    assert re.search(r'class="count muted">\s*4 sessions', listed)
    assert all(customer in listed for customer in control)
    held = client.get(
        f"/admin/apps/{demo.id}/sessions?experiment=price-1&variant=holdout&mode=live"
    ).text
    assert re.search(r'class="count muted">\s*2 sessions', held)
