"""Compliance modes, experiments, personalization and locale choice through the API."""

import pytest

from saveflow.extensions import db
from saveflow.models import Session
from saveflow.offers import service
from tests.conftest import FlowActions


def set_settings(app_record, **settings):
    app_record.settings = {**app_record.settings, **settings}
    db.session.commit()


@pytest.mark.parametrize(
    "mode, max_offers, offer_count", [("standard", 2, 2), ("one_save", 1, 1), ("direct", 0, 0)]
)
def test_compliance_mode_limits_offers(flow, demo, mode, max_offers, offer_count):
    demo.compliance_mode = mode
    db.session.commit()
    started = flow.start().json
    assert started["compliance"]["mode"] == mode
    assert started["compliance"]["max_offers"] == max_offers
    shown = []
    response = flow.answer("too_expensive").json
    while response["offers"]:
        shown.append(response["offers"][0]["id"])
        response = flow.decline(shown[-1]).json
    assert len(shown) == offer_count
    assert response["step"] == "confirm"
    assert flow.post("/cancel").json["outcome"] == "cancelled"


def test_country_override_is_stricter(flow, demo):
    set_settings(demo, compliance_by_country={"US-CA": "one_save", "DE": "direct"})
    assert flow.start(attributes={"country": "us-ca"}).json["compliance"]["mode"] == "one_save"
    other = FlowActions(flow.client, demo)
    assert (
        other.start(customer="c2", attributes={"country": "DE"}).json["compliance"]["mode"]
        == "direct"
    )


def test_experiment_assignment_is_recorded_and_stable(flow, client, demo):
    document = service.published(demo.id).document
    price = next(r for r in document["rules"] if r["id"] == "too_expensive")
    price["experiment"] = {
        "key": "price-test",
        "holdout": 0.5,
        "variants": [{"name": "pause-first", "weight": 1, "offers": ["pause_2m"]}],
    }
    service.import_and_publish(demo.id, document, "test")
    db.session.commit()
    variants = {}
    for n in range(40):
        actions = FlowActions(client, demo)
        actions.start(customer=f"cus_{n}")
        offers = actions.answer("too_expensive").json["offers"]
        row = db.session.get(Session, actions.session_id)
        assert row.experiment_key == "price-test" and row.rule_set_version == 2
        variants[f"cus_{n}"] = row.variant
        assert [o["id"] for o in offers] == ([] if row.variant == "holdout" else ["pause_2m"])
    assert set(variants.values()) == {"holdout", "pause-first"}
    # The same customer lands in the same arm on a later attempt.
    again = FlowActions(client, demo)
    again.start(customer="cus_7", subscription="sub_again")
    again.answer("too_expensive")
    assert db.session.get(Session, again.session_id).variant == variants["cus_7"]


def test_offer_copy_is_personalized_and_localized(flow):
    flow.start(locale="zh-Hant", attributes={"first_name": "小明"})
    flow.answer("too_complex")
    card = flow.get().json["offers"][0]
    assert card["type"] == "training"
    assert card["title"] == "免費 30 分鐘培訓"
    assert card["body"] == "小明，我們帶您用好 Pro。"


def test_missing_first_name_leaves_no_stray_comma(flow):
    flow.start(attributes={})
    card = flow.answer("too_complex").json["offers"][0]
    assert card["body"].startswith("Let us show you")


def test_pause_terms_give_resume_date(flow):
    flow.start()
    card = flow.answer("temporary_need").json["offers"][0]
    assert card["type"] == "pause"
    assert card["terms"]["months"] == 2 and len(card["terms"]["resumes_on"]) == 10


def test_annual_plan_gets_no_pause_unless_enabled(flow, client, demo):
    from tests.conftest import DEFAULT_SNAPSHOT

    yearly = {**DEFAULT_SNAPSHOT, "interval": "year", "amount": 49000}
    flow.start(snapshot=yearly)
    assert flow.answer("temporary_need").json["offers"] == []
    set_settings(demo, allow_pause_annual=True)
    again = FlowActions(client, demo)
    again.start(customer="c2", snapshot=yearly)
    assert [o["type"] for o in again.answer("temporary_need").json["offers"]] == ["pause"]


def test_no_discount_while_one_is_active(flow):
    from tests.conftest import DEFAULT_SNAPSHOT

    flow.start(snapshot={**DEFAULT_SNAPSHOT, "discount": {"percent_off": 10}})
    offers = flow.answer("too_expensive").json["offers"]
    assert [o["type"] for o in offers] == ["downgrade"]


@pytest.mark.parametrize(
    "requested, header, expected",
    [
        (None, "zh-TW,zh;q=0.9", "zh-Hant"),
        (None, "zh-CN", "zh-Hans"),
        ("fr", "de-DE", "en"),
        ("zh-HK", None, "zh-Hant"),
    ],
)
def test_locale_choice(client, demo, requested, header, expected):
    from tests.conftest import make_token

    headers = {"Accept-Language": header} if header else {}
    body = {"app_id": demo.id, "token": make_token(demo), "locale": requested}
    response = client.post("/api/v1/sessions", json=body, headers=headers)
    assert response.json["locale"] == expected


@pytest.mark.parametrize(
    "locale, body", [("zh-Hans", "我们带您用好 Pro。"), ("zh-Hant", "我們帶您用好 Pro。")]
)
def test_missing_first_name_leaves_no_stray_chinese_comma(flow, locale, body):
    flow.start(locale=locale, attributes={})
    card = flow.answer("too_complex").json["offers"][0]
    assert card["body"] == body
