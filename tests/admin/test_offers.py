"""The offers editor: who may do what, one form per offer type, audit, deactivation."""

import pytest
from sqlalchemy import select

from saveflow.apps.models import AuditEntry
from saveflow.extensions import db
from saveflow.offers import service
from saveflow.offers.models import Offer
from tests.admin.conftest import csrf_from, sign_in_as

ROLES = ("admin", "editor", "finance", "viewer")
COPY = {"title.en": "Half off for two months", "body.en": "Stay on {plan}, {first_name}."}


@pytest.fixture
def editor(demo, make_user, admin):
    sign_in_as("editor", demo, make_user, admin)


@pytest.fixture
def spare(demo):
    """An offer no rule uses, so it may be switched off."""
    offer = Offer(
        app_id=demo.id,
        key="help_page",
        type="redirect",
        params={"url": "https://example.com/help"},
        copy={"en": {"title": "Read the guide", "body": ""}},
    )
    db.session.add(offer)
    db.session.commit()
    db.session.expunge(offer)  # later reads load what the requests wrote
    return offer.key


def token(client, url):
    return csrf_from(client.get(url).text)


def audit_entries(app_id, action):
    return db.session.scalars(
        select(AuditEntry).where(AuditEntry.app_id == app_id, AuditEntry.action == action)
    ).all()


def post_new(client, demo, type_name, **form):
    url = f"/admin/apps/{demo.id}/offers/new?type={type_name}"
    return client.post(url, data={"csrf_token": token(client, url), **form})


def post_edit(client, demo, offer_key, **form):
    url = f"/admin/apps/{demo.id}/offers/{offer_key}"
    return client.post(url, data={"csrf_token": token(client, url), **form})


# ---- who may do what -------------------------------------------------------------------------

PAGES = {  # page → roles that may open it
    "/offers": ROLES,
    "/offers/discount_25_3m": ROLES,
    "/offers/new": ("admin", "editor"),
    "/offers/new?type=pause": ("admin", "editor"),
    "/preview": ("admin", "editor"),
    "/preview?offer=pause_2m&category=not_using": ("admin", "editor"),
}


@pytest.mark.parametrize("who", [*ROLES, "other-app", "anonymous"])
def test_pages_by_role(who, client, demo, make_user, admin):
    sign_in_as(who, demo, make_user, admin)
    for page, allowed in PAGES.items():
        response = client.get(f"/admin/apps/{demo.id}{page}")
        if who == "anonymous":
            assert response.status_code == 302, page
            assert response.headers["Location"].startswith("/admin/login?next=")
        else:
            assert response.status_code == (200 if who in allowed else 403), (who, page)


def _actions(client, demo):
    """Every POST of the area, each with a valid CSRF token and a valid body."""
    page = client.get("/admin/", follow_redirects=True)  # the login page when signed out
    csrf = csrf_from(page.text)
    base = f"/admin/apps/{demo.id}"
    return {
        "create": (f"{base}/offers/new?type=pause", {"key": "pause_1m", "params.months": "1"}),
        "update": (f"{base}/offers/pause_2m", {"params.months": "3", "title.en": "Pause"}),
        "deactivate": (f"{base}/offers/help_page/active", {"active": "0"}),
        "card": (f"{base}/offer-card?type=pause", {"params.months": "2", "title.en": "x"}),
    }, csrf


@pytest.mark.parametrize("who", [*ROLES, "other-app", "anonymous"])
def test_actions_by_role(who, client, demo, spare, make_user, admin):
    sign_in_as(who, demo, make_user, admin)
    actions, csrf = _actions(client, demo)
    for name, (url, form) in actions.items():
        data = {"csrf_token": csrf, "title.en": "Pause a while", **form}
        response = client.post(url, data=data)
        if who == "anonymous":
            assert response.status_code == 302, name
        elif who in ("admin", "editor"):
            assert response.status_code in (200, 302), (name, response.text)
        else:
            assert response.status_code == 403, (who, name)
    changed = service.find_offer(demo.id, "pause_1m") is not None
    assert changed == (who in ("admin", "editor"))
    assert service.find_offer(demo.id, "help_page").active == (who not in ("admin", "editor"))


def test_a_post_without_csrf_is_refused_and_changes_nothing(client, demo, editor):
    response = client.post(
        f"/admin/apps/{demo.id}/offers/pause_2m", data={"params.months": "5", "title.en": "x"}
    )
    assert response.status_code == 400
    assert service.find_offer(demo.id, "pause_2m").params == {"months": 2}


def test_readers_see_the_form_disabled_and_no_buttons(client, demo, make_user, admin):
    sign_in_as("viewer", demo, make_user, admin)
    page = client.get(f"/admin/apps/{demo.id}/offers/pause_2m").text
    assert '<fieldset class="plain" disabled>' in page
    assert "Save offer" not in page and "Deactivate" not in page and "New offer" not in page
    assert "Preview as a customer" not in page


# ---- the list --------------------------------------------------------------------------------


def test_the_list_shows_terms_state_and_the_rules_using_each_offer(client, demo, editor):
    service.find_offer(demo.id, "concierge").active = False
    db.session.commit()
    page = client.get(f"/admin/apps/{demo.id}/offers").text
    assert "25% off for 3 months" in page
    assert "No invoices for 2 months, then billing resumes" in page
    assert "pro → starter at 1900 minor units" in page
    assert "Link to mailto:support@example.com" in page
    row = page[page.index(">discount_25_3m<") :].split("</tr>")[0]
    assert "<code>too_expensive</code>, <code>switched_competitor</code>" in row
    assert "Active" in row
    row = page[page.index(">concierge<") :].split("</tr>")[0]
    assert "Inactive" in row


# ---- creating and editing, per type ----------------------------------------------------------

GOOD = {
    "discount": {"params.percent": "20", "params.months": "6"},
    "pause": {"params.months": "3"},
    "trial_extension": {"params.days": "14"},
    "training": {"params.url": "https://example.com/course"},
    "concierge": {"params.url": "https://cal.example.com/setup"},
    "contact": {"params.url": "mailto:help@example.com"},
    "redirect": {"params.url": "https://example.com/help"},
    "downgrade": {
        "targets-0-from": "pro",
        "targets-0-plan": "starter",
        "targets-0-amount": "1900",
        "targets-0-name": "Starter",
        "targets-1-from": "business",
        "targets-1-plan": "pro",
        "targets-1-amount": "4900",
        "targets-1-name": "",
        "targets-2-from": "",
        "targets-2-plan": "",
        "targets-2-amount": "",
        "targets-2-name": "",
        "params.proration_behavior": "none",
    },
}
STORED = {
    "discount": {"percent": 20, "months": 6},
    "pause": {"months": 3},
    "trial_extension": {"days": 14},
    "training": {"url": "https://example.com/course"},
    "concierge": {"url": "https://cal.example.com/setup"},
    "contact": {"url": "mailto:help@example.com"},
    "redirect": {"url": "https://example.com/help"},
    "downgrade": {
        "targets": {
            "pro": {"plan": "starter", "amount": 1900, "name": "Starter"},
            "business": {"plan": "pro", "amount": 4900},
        },
        "proration_behavior": "none",
    },
}


@pytest.mark.parametrize("type_name", sorted(GOOD))
def test_each_type_creates_an_offer_with_its_parameters_and_an_audit_entry(
    type_name, client, demo, editor
):
    copy = {**COPY, "title.zh-Hant": "留下來吧", "body.zh-Hant": ""}
    response = post_new(client, demo, type_name, key=f"new_{type_name}", **GOOD[type_name], **copy)
    assert response.status_code == 302, response.text
    assert response.headers["Location"] == f"/admin/apps/{demo.id}/offers/new_{type_name}"
    offer = service.find_offer(demo.id, f"new_{type_name}")
    assert offer.type == type_name and offer.active
    assert offer.params == STORED[type_name]
    assert offer.copy == {
        "en": {"title": "Half off for two months", "body": "Stay on {plan}, {first_name}."},
        "zh-Hant": {"title": "留下來吧", "body": ""},
    }
    (entry,) = audit_entries(demo.id, "offer.created")
    assert entry.actor == "user:editor@team.example"
    assert entry.target == f"offer:new_{type_name}"
    assert entry.data["before"] is None
    assert entry.data["after"] == {
        "type": type_name,
        "params": STORED[type_name],
        "copy": offer.copy,
        "active": True,
    }


BAD = [
    (
        "discount",
        {"params.percent": "20", "params.amount": "500", "params.months": "3"},
        "params.percent",
        "Give exactly one of percent or amount.",
    ),
    ("discount", {"params.percent": "0", "params.months": "3"}, "params.percent", "less than"),
    ("discount", {"params.amount": "500"}, "params.months", "Missing data"),
    (
        "discount",
        {"params.percent": "ten", "params.months": "3"},
        "params.percent",
        "Not a valid integer.",
    ),
    ("pause", {"params.months": "13"}, "params.months", "less than or equal to 12"),
    ("trial_extension", {"params.days": "0"}, "params.days", "greater than or equal to 1"),
    ("training", {"params.url": "http://example.com/course"}, "params.url", "https://"),
    ("redirect", {"params.url": "javascript:alert(1)"}, "params.url", "Not a valid URL."),
    ("concierge", {}, "params.url", "Missing data"),
    (
        "downgrade",
        {"targets-0-from": "pro", "targets-0-plan": "pro", "targets-0-amount": "1"},
        "targets-0-plan",
        "must differ",
    ),
    (
        "downgrade",
        {"targets-0-from": "pro", "targets-0-plan": "lite", "targets-0-amount": "-5"},
        "targets-0-amount",
        "greater than or equal to 0",
    ),
    (
        "downgrade",
        {"targets-0-from": "", "targets-0-plan": "lite", "targets-0-amount": "5"},
        "targets-0-from",
        "Name the plan",
    ),
]


@pytest.mark.parametrize(("type_name", "form", "field", "message"), BAD)
def test_bad_parameters_answer_400_on_the_field_and_write_nothing(
    type_name, form, field, message, client, demo, editor
):
    response = post_new(client, demo, type_name, key="broken", **COPY, **form)
    assert response.status_code == 400
    html = response.text
    field_id = "f-" + field.replace(".", "-")
    error = html[html.index(f'id="{field_id}-error"') :].split("</p>")[0]
    assert message in error
    assert f'id="{field_id}"' in html and 'aria-invalid="true"' in html
    assert service.find_offer(demo.id, "broken") is None
    assert audit_entries(demo.id, "offer.created") == []


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"key": "Big Key"}, "key", "lower-case"),
        ({"key": "pause_2m"}, "key", "already has this key"),
        ({"key": "new"}, "key", "reserved"),
        ({"key": "fine", "title.en": ""}, "title-en", "Length must be between 1 and 120."),
        ({"key": "fine", "title.zh-Hans": "", "body.zh-Hans": "正文"}, "title-zh-Hans", "Length"),
        ({"key": "fine", "title.en": "x" * 121}, "title-en", "Length"),
    ],
)
def test_bad_key_or_copy_answers_400(form, field, message, client, demo, editor):
    response = post_new(client, demo, "pause", **{**COPY, "params.months": "1", **form})
    assert response.status_code == 400
    error = response.text[response.text.index(f'id="f-{field}-error"') :].split("</p>")[0]
    assert message in error
    assert audit_entries(demo.id, "offer.created") == []


def test_an_unknown_type_or_offer_is_404(client, demo, editor):
    assert client.get(f"/admin/apps/{demo.id}/offers/new?type=bribe").status_code == 404
    assert post_new(client, demo, "bribe", key="x", **COPY).status_code == 404
    assert client.get(f"/admin/apps/{demo.id}/offers/nope").status_code == 404
    csrf = token(client, f"/admin/apps/{demo.id}/offers")
    missing = client.post(f"/admin/apps/{demo.id}/offers/nope/active", data={"csrf_token": csrf})
    assert missing.status_code == 404


def test_editing_keeps_key_and_type_and_records_before_and_after(client, demo, editor):
    response = post_edit(
        client,
        demo,
        "pause_2m",
        key="renamed",
        type="discount",
        **{"params.months": "4", "title.en": "Take a break", "body.en": "", "title.zh-Hans": ""},
    )
    assert response.status_code == 302
    offer = service.find_offer(demo.id, "pause_2m")
    assert service.find_offer(demo.id, "renamed") is None
    assert offer.type == "pause" and offer.params == {"months": 4}
    assert offer.copy == {"en": {"title": "Take a break", "body": ""}}
    (entry,) = audit_entries(demo.id, "offer.updated")
    assert entry.data["before"]["params"] == {"months": 2}
    assert entry.data["before"]["copy"]["zh-Hans"]["title"] == "改为暂停 2 个月"
    assert entry.data["after"]["params"] == {"months": 4}
    assert entry.data["after"]["copy"] == offer.copy


def test_a_bad_edit_writes_nothing(client, demo, editor):
    response = post_edit(client, demo, "training", **{"params.url": "http://x.example", **COPY})
    assert response.status_code == 400
    assert service.find_offer(demo.id, "training").params == {"url": "https://example.com/training"}
    assert audit_entries(demo.id, "offer.updated") == []
    assert 'value="http://x.example"' in response.text  # what was typed stays in the form


# ---- switching off ---------------------------------------------------------------------------


def test_an_offer_the_published_rules_use_cannot_be_deactivated(client, demo, editor):
    url = f"/admin/apps/{demo.id}/offers/discount_25_3m/active"
    response = client.post(
        url, data={"csrf_token": token(client, url.removesuffix("/active")), "active": "0"}
    )
    assert response.status_code == 409
    assert "the published rules too_expensive, switched_competitor show it" in response.text
    assert service.find_offer(demo.id, "discount_25_3m").active
    assert audit_entries(demo.id, "offer.deactivated") == []


def test_deactivating_and_activating_again_are_audited(client, demo, spare, editor):
    url = f"/admin/apps/{demo.id}/offers/help_page"
    for wanted, action in (("0", "offer.deactivated"), ("1", "offer.activated")):
        response = client.post(
            f"{url}/active", data={"csrf_token": token(client, url), "active": wanted}
        )
        assert response.status_code == 302
        assert service.find_offer(demo.id, "help_page").active == (wanted == "1")
        (entry,) = audit_entries(demo.id, action)
        assert entry.data["before"]["active"] == (wanted == "0")
        assert entry.data["after"]["active"] == (wanted == "1")


# ---- the live card ---------------------------------------------------------------------------


def test_the_card_endpoint_words_the_card_like_the_widget(client, demo, editor):
    csrf = token(client, f"/admin/apps/{demo.id}/offers/pause_2m")
    response = client.post(
        f"/admin/apps/{demo.id}/offer-card?type=discount",
        data={
            "csrf_token": csrf,
            "params.percent": "10",
            "params.months": "1",
            "title.en": "{first_name}, stay on {plan}",
            "title.zh-Hans": "留下",
        },
    )
    assert response.status_code == 200
    data = response.json
    assert data["cards"]["en"]["title"] == "Alex, stay on Pro"
    assert data["cards"]["zh-Hans"]["title"] == "留下"
    assert data["cards"]["zh-Hant"]["title"] == "留下"  # the other script, as the widget picks
    assert data["cards"]["en"]["terms"]["price_after"] == 4410
    assert data["skip"] is None and data["errors"] == {}
    bad = client.post(
        f"/admin/apps/{demo.id}/offer-card?type=pause",
        data={"csrf_token": csrf, "params.months": "99", "title.en": "x"},
    ).json
    assert bad["skip"] == "invalid_params" and bad["cards"]["en"]["terms"] is None
    assert "params.months" in bad["errors"]
    assert service.find_offer(demo.id, "preview") is None
