"""Creating apps, and an app's settings: origins, compliance by country, languages, the flow."""

import pytest
from sqlalchemy import select

from saveflow.accounts.models import Membership
from saveflow.apps.models import App
from saveflow.apps.settings import normalize_origin
from saveflow.extensions import db
from saveflow.offers import service as offers
from saveflow.offers.rules import policy_from_settings
from saveflow.reasons.models import Reason
from saveflow.sessions.flow import compliance_mode
from tests.admin.settings_helpers import audit_entries, post, settings_form


@pytest.fixture
def signed_in_admin(demo, make_user, admin):
    make_user("admin@team.example", "admin", demo.id)
    admin.login("admin@team.example")


def _app(app_id):
    # A rollback outside a transaction expires nothing: expire what the test holds by hand.
    db.session.rollback()
    db.session.expire_all()
    return db.session.get(App, app_id)


@pytest.mark.parametrize(
    ("raw", "origin"),
    [
        ("https://Shop.Example.com/", "https://shop.example.com"),
        ("  https://shop.example.com:443  ", "https://shop.example.com"),
        ("https://shop.example.com:8443", "https://shop.example.com:8443"),
        ("http://localhost:5001", "http://localhost:5001"),
        ("http://127.0.0.1", "http://127.0.0.1"),
    ],
)
def test_origins_are_normalised(raw, origin):
    assert normalize_origin(raw) == origin


@pytest.mark.parametrize(
    "raw",
    [
        "http://shop.example.com",  # plain http off this machine
        "https://shop.example.com/account",
        "https://shop.example.com?x=1",
        "shop.example.com",
        "ftp://shop.example.com",
        "https://user:pw@shop.example.com",
        "https://shop_example.com",
        "https://shop.example.com:70000",
        "https://[::1]:8443",
    ],
)
def test_bad_origins_are_refused(raw):
    with pytest.raises(ValueError):
        normalize_origin(raw)


def test_saving_settings_normalises_records_and_reaches_the_flow(signed_in_admin, demo, client):
    data = settings_form(
        demo,
        name="Acme Cloud",
        allowed_origins="https://Shop.Example/\nhttp://localhost:3000\nhttps://shop.example",
        compliance_mode="one_save",
        locales=["en", "zh-Hant"],
        default_locale="zh-Hant",
        max_offers="3",
        cancel_immediately="now",
        randomize_reasons="y",
        horizon_months="18",
        **{
            "countries-0-country": "us-ca",
            "countries-0-mode": "direct",
            "countries-1-country": "DE",
            "countries-1-mode": "standard",
            "cooldowns-pause": "30",
        },
    )
    response = post(client, f"/admin/apps/{demo.id}/settings", data)
    assert response.status_code == 302
    assert "Settings saved." in client.get(response.headers["Location"]).text
    app = _app(demo.id)
    assert app.name == "Acme Cloud"
    assert app.allowed_origins == ["https://shop.example", "http://localhost:3000"]
    assert app.locales == ["en", "zh-Hant"] and app.default_locale == "zh-Hant"
    assert app.settings["compliance_by_country"] == {"US-CA": "direct", "DE": "standard"}
    assert app.settings["max_offers"] == 3 and app.settings["cancel_immediately"] is True
    assert app.settings["randomize_reasons"] is True and app.settings["horizon_months"] == 18
    assert app.settings["cooldown_days"] == {"pause": 30}
    # What the flow reads: a Californian gets no offers, a German the standard flow, others one.
    assert compliance_mode(app, "us-ca") == "direct"
    assert compliance_mode(app, "DE") == "standard"
    assert compliance_mode(app, "FR") == "one_save"
    assert policy_from_settings(app.settings, "standard").max_offers == 3
    assert policy_from_settings(app.settings, "standard").cooldown_days["pause"] == 30
    [entry] = audit_entries(demo.id, "app.settings")
    assert entry.actor == "user:admin@team.example"
    before, after = entry.data["before"], entry.data["after"]
    assert before["name"] == "Acme" and after["name"] == "Acme Cloud"
    assert before["allowed_origins"] == ["https://shop.example"]
    assert after["compliance_by_country"] == {"US-CA": "direct", "DE": "standard"}
    assert before["max_offers"] == 2 and after["max_offers"] == 3


def test_saving_unchanged_settings_records_nothing(signed_in_admin, demo, client):
    response = post(client, f"/admin/apps/{demo.id}/settings", settings_form(demo))
    assert response.status_code == 302
    assert "Nothing changed." in client.get(response.headers["Location"]).text
    assert audit_entries(demo.id, "app.settings") == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"allowed_origins": "https://ok.example\nhttp://shop.example"}, "use https"),
        ({"allowed_origins": "https://shop.example/account"}, "no path"),
        ({"locales": ["en"], "default_locale": "zh-Hans"}, "must be one of the languages"),
        ({"locales": []}, "Keep at least one language"),
        ({"max_offers": "9"}, "between 0 and 5"),
        ({"max_offers": ""}, "This field is required"),
        ({"horizon_months": "0"}, "between 1 and 60"),
        ({"compliance_mode": "aggressive"}, "Not a valid choice"),
        ({"countries-0-country": "USA", "countries-0-mode": "direct"}, "like US or US-CA"),
        ({"countries-0-country": "US", "countries-0-mode": ""}, "Choose a mode"),
        ({"countries-0-country": "US", "countries-0-mode": "pushy"}, "Choose a mode"),
        ({"countries-0-country": "", "countries-0-mode": "direct"}, "Give a country code"),
        (
            {
                "countries-0-country": "us",
                "countries-0-mode": "direct",
                "countries-1-country": "US",
                "countries-1-mode": "standard",
            },
            "listed twice",
        ),
        ({"cooldowns-discount": "-1"}, "between 0 and 3650"),
        ({"name": "  "}, "This field is required"),
    ],
)
def test_bad_settings_are_refused_and_nothing_changes(
    changes, message, signed_in_admin, demo, client
):
    data = settings_form(demo, **{"name": "Should not stick", **changes})
    response = post(client, f"/admin/apps/{demo.id}/settings", data)
    assert response.status_code == 400
    assert message in response.text
    assert "Nothing was saved" in response.text
    app = _app(demo.id)
    assert app.name == "Acme" and app.allowed_origins == ["https://shop.example"]
    assert audit_entries(demo.id, "app.settings") == []


def test_settings_keep_what_other_pages_own(signed_in_admin, demo, client):
    demo.settings = {"brand": {"accent": "#112233"}, "copy": {"survey_question": {"en": "Why?"}}}
    db.session.commit()
    post(client, f"/admin/apps/{demo.id}/settings", settings_form(_app(demo.id), max_offers="1"))
    settings = _app(demo.id).settings
    assert settings["brand"] == {"accent": "#112233"}
    assert settings["copy"] == {"survey_question": {"en": "Why?"}}
    assert settings["max_offers"] == 1


def test_a_viewer_reads_the_settings_without_controls(demo, make_user, admin, client):
    make_user("viewer@team.example", "viewer", demo.id)
    admin.login("viewer@team.example")
    html = client.get(f"/admin/apps/{demo.id}/settings").text
    assert "https://shop.example" in html and "Only an admin" in html
    assert "Save settings" not in html
    assert 'disabled id="name"' in html or 'id="name" disabled' in html or "disabled" in html
    # Secrets and Stripe are an admin's: a viewer does not even see their tabs.
    assert f"/admin/apps/{demo.id}/secrets" not in html
    assert demo.id in html  # the embed snippet names the app


def test_the_settings_page_shows_how_to_embed(signed_in_admin, demo, client):
    html = client.get(f"/admin/apps/{demo.id}/settings").text
    assert "/embed.js" in html and f'appId: "{demo.id}"' in html
    assert 'data-copy="#embed-snippet"' in html


def test_an_admin_of_every_app_creates_one(demo, make_user, admin, client):
    user = make_user("boss@team.example", "admin", None)
    admin.login("boss@team.example")
    assert "New app" in client.get("/admin/").text
    response = post(
        client,
        "/admin/apps/new",
        {
            "name": "Beta",
            "allowed_origins": "https://Beta.Example/\n\nhttp://localhost:8000",
            "default_locale": "zh-Hans",
        },
    )
    assert response.status_code == 302
    db.session.rollback()
    app = db.session.scalar(select(App).where(App.name == "Beta"))
    assert response.headers["Location"] == f"/admin/apps/{app.id}/settings"
    assert app.allowed_origins == ["https://beta.example", "http://localhost:8000"]
    assert app.default_locale == "zh-Hans"
    # Ready to run flows: reasons, offers and published rules.
    assert db.session.scalar(select(Reason).where(Reason.app_id == app.id)) is not None
    assert offers.published(app.id) is not None and offers.active_offers(app.id)
    membership = db.session.scalar(
        select(Membership).where(Membership.app_id == app.id, Membership.user_id == user.id)
    )
    assert membership.role == "admin"
    page = client.get(response.headers["Location"]).text
    assert "Beta is ready" in page and app.id in page and "/embed.js" in page
    [settings] = audit_entries(app.id, "app.settings")
    assert settings.data["before"] is None and settings.data["after"]["name"] == "Beta"
    [added] = audit_entries(app.id, "member.added")
    assert added.data["after"] == {"email": "boss@team.example", "role": "admin"}
    assert audit_entries(app.id, "app.created")[0].actor == "user:boss@team.example"


def test_a_bad_new_app_is_refused_whole(make_user, admin, client):
    make_user("boss@team.example", "admin", None)
    admin.login("boss@team.example")
    response = post(
        client,
        "/admin/apps/new",
        {"name": "Beta", "allowed_origins": "http://beta.example", "default_locale": "en"},
    )
    assert response.status_code == 400 and "use https" in response.text
    db.session.rollback()
    assert db.session.scalar(select(App).where(App.name == "Beta")) is None
