"""The widget preview: a sample customer's token, what the rules give it, and the real API."""

import json
import re
from datetime import UTC, date, datetime, timedelta
from html import unescape

import pytest

from saveflow.billing.connections import connect
from saveflow.extensions import db
from saveflow.sessions import tokens
from tests.admin.conftest import sign_in_as
from tests.conftest import FlowActions


def config(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="preview-config">(.*?)</script>', html)
    assert match, "no widget on the page"
    return json.loads(match.group(1))


def claims_of(app_record, page_html: str) -> dict:
    token = config(page_html)["token"]
    return tokens.verify(token, app_record.id, app_record.secret_for)


def errors(html: str) -> dict:
    found = re.findall(r'<p class="error" id="([\w-]+)-error">([^<]*)</p>', html)
    return {name: unescape(text) for name, text in found}


@pytest.fixture
def editor(demo, make_user, admin):
    sign_in_as("editor", demo, make_user, admin)


def test_the_sample_customer_is_signed_in_test_mode_with_its_snapshot(client, demo, editor):
    query = (
        "?category=too_expensive&plan=pro&plan_name=Pro&amount=4900&currency=EUR&interval=month"
        "&status=active&started_at=2025-01-31&country=de&locale=zh-Hant"
        "&attributes=first_name%3DMei%0Aseats%3D12%0Avip%3Dtrue%0Ateam%3DBlue"
    )
    page = client.get(f"/admin/apps/{demo.id}/preview{query}")
    assert page.status_code == 200
    claims = claims_of(demo, page.text)
    assert claims["mode"] == "test"
    assert claims["customer"].startswith("cus_preview_")
    assert claims["country"] == "DE"
    assert claims["snapshot"]["currency"] == "eur" and claims["snapshot"]["amount"] == 4900
    assert claims["snapshot"]["started_at"] == "2025-01-31T00:00:00+00:00"
    assert claims["exp"] <= datetime.now(UTC).timestamp() + 601
    with pytest.raises(tokens.InvalidToken):  # not the live secret: a live session is impossible
        tokens.verify(config(page.text)["token"], demo.id, lambda _mode: demo.live_secret)
    widget = config(page.text)
    assert widget["locale"] == "zh-Hant"
    assert widget["attributes"] == {"first_name": "Mei", "seats": 12, "vip": True, "team": "Blue"}
    assert '<code id="" >' not in page.text
    assert "<dt>Rule</dt><dd><code>too_expensive</code>" in page.text
    assert re.findall(r'<li><a class="mono" href="[^"]+">(\w+)</a></li>', page.text) == [
        "discount_25_3m",
        "downgrade",
    ]
    assert "“價格太貴”" in unescape(
        page.text
    )  # the survey reason to pick, in the sample's language


def test_the_widget_api_gives_the_sample_what_the_page_predicted(client, demo, editor):
    page = client.get(f"/admin/apps/{demo.id}/preview?category=not_using&plan=pro")
    predicted = re.findall(r'<li><a class="mono" href="[^"]+">(\w+)</a></li>', page.text)
    assert predicted == ["pause_2m", "training"]
    widget = config(page.text)
    flow = FlowActions(client, demo)
    # The hosted flow page calls the API from saveflow's own origin, which every app allows.
    started = flow.start(token=widget["token"], attributes=widget["attributes"])
    assert started.status_code == 201, started.json
    assert started.json["mode"] == "test"
    # Offers come one at a time: the first, then the next after a decline.
    (first,) = flow.answer("not_using").json["offers"]
    (second,) = flow.post(f"/offers/{first['id']}/decline").json["offers"]
    assert [first["id"], second["id"]] == predicted


def test_an_offer_page_link_fills_in_a_customer_who_reaches_that_offer(client, demo, editor):
    page = client.get(f"/admin/apps/{demo.id}/preview?offer=pause_2m&tenure_days=30")
    assert page.status_code == 200
    assert '<option selected value="not_using">' in page.text
    assert "Filled in to reach offer" in page.text
    started = (date.today() - timedelta(days=30)).isoformat()
    assert claims_of(demo, page.text)["snapshot"]["started_at"].startswith(started)
    downgrade = client.get(f"/admin/apps/{demo.id}/preview?offer=downgrade").text
    assert claims_of(demo, downgrade)["snapshot"]["plan"] == "pro"  # the plan with a target
    assert '<option selected value="too_expensive">' in downgrade


def test_a_bad_sample_answers_400_with_field_errors_and_no_widget(client, demo, editor):
    page = client.get(
        f"/admin/apps/{demo.id}/preview?currency=dollars&amount=-3&attributes=no+equals+sign"
    )
    assert page.status_code == 400
    found = errors(page.text)
    assert "currency" in found and "amount" in found
    assert found["attributes"] == "Line 1: write key=value."
    assert 'id="preview-config"' not in page.text


def test_with_stripe_in_test_mode_the_sample_is_a_real_test_subscription(client, demo, editor):
    connect(demo.id, "test", "stripe", "sk_test_123", "whsec_123", datetime.now(UTC))
    db.session.commit()
    page = client.get(f"/admin/apps/{demo.id}/preview")
    assert page.status_code == 400
    assert errors(page.text)["subscription"] == "Give a subscription of Stripe's test mode."
    page = client.get(f"/admin/apps/{demo.id}/preview?customer=cus_T1&subscription=sub_T1")
    assert page.status_code == 200
    claims = claims_of(demo, page.text)
    assert (claims["customer"], claims["subscription"]) == ("cus_T1", "sub_T1")
    assert "snapshot" not in claims  # Stripe's own subscription is read, as for real customers
    assert 'name="amount"' not in page.text


def test_a_stripe_app_without_test_keys_explains_instead_of_failing(client, demo, editor):
    demo.billing_provider = "stripe"
    db.session.commit()
    page = client.get(f"/admin/apps/{demo.id}/preview")
    assert page.status_code == 200
    assert "its test mode is not connected yet" in page.text
    assert 'id="preview-config"' not in page.text


def test_a_rule_page_opens_the_preview_as_a_customer_that_rule_reaches(
    demo, make_user, admin, client
):
    make_user("ed@team.example", "editor", demo.id)
    admin.login("ed@team.example")
    rules_page = client.get(f"/admin/apps/{demo.id}/rules").text
    link = f"/admin/apps/{demo.id}/preview?rule=budget_cut"
    assert f'href="{link}"' in rules_page
    assert f'href="{link}"' in client.get(f"/admin/apps/{demo.id}/rules/budget_cut").text
    page = client.get(link)
    assert page.status_code == 200
    # The sample customer is filled in to meet the rule's condition: the reason category.
    assert re.search(
        r'<option selected value="budget_cut">|<option value="budget_cut" selected', page.text
    )
