"""The loader's caching, the flow page's headers and config, its copy (no browser)."""

import json
import re

from saveflow.extensions import db
from saveflow.flow_copy import STRINGS, strings_for
from saveflow.widget import assets
from tests.conftest import ORIGIN


def test_loader_is_cacheable_and_revalidates(client):
    response = client.get("/embed.js")
    assert response.status_code == 200
    assert response.content_type.startswith("text/javascript")
    assert response.cache_control.public and response.cache_control.max_age == 300
    etag = response.headers["ETag"]
    again = client.get("/embed.js", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""


def test_versioned_loader_url_is_immutable(app, client):
    version = assets.load("embed.js").version
    pinned = client.get(f"/embed.js?v={version}")
    assert pinned.cache_control.max_age == 365 * 24 * 3600 and pinned.cache_control.immutable
    # An old or unknown version still gets the current file, briefly cached: never a dead end.
    stale = client.get("/embed.js?v=000000000000")
    assert stale.status_code == 200 and stale.cache_control.max_age == 300


def test_flow_page_may_only_be_framed_by_allowed_origins(client, demo):
    response = client.get(f"/flow/{demo.id}")
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert f"frame-ancestors 'self' {ORIGIN}" in csp
    assert "script-src 'self'" in csp and "connect-src 'self'" in csp
    config = json.loads(re.search(rb'id="sf-config">(.*?)</script>', response.data).group(1))
    assert config["origins"] == [ORIGIN]
    assert config["api"] == "/api/v1/sessions"
    assert set(config["strings"]) == {"en", "zh-Hans", "zh-Hant"}
    assert demo.live_secret.encode() not in response.data  # no secret reaches the browser
    assert demo.test_secret.encode() not in response.data


def test_flow_page_drops_malformed_origins_and_brand_values(client, demo):
    demo.allowed_origins = [ORIGIN, "https://evil.example; script-src *"]
    demo.settings = {"brand": {"accent": "red;}body{", "logo_url": "javascript:alert(1)"}}
    db.session.commit()
    response = client.get(f"/flow/{demo.id}")
    assert "evil" not in response.headers["Content-Security-Policy"]
    config = json.loads(re.search(rb'id="sf-config">(.*?)</script>', response.data).group(1))
    assert config["brand"] == {"accent": "#4f46e5", "logo": None}


def test_unknown_app_is_a_404_page_that_any_parent_may_frame(client):
    response = client.get("/flow/app_missing")
    assert response.status_code == 404
    assert response.headers["Content-Security-Policy"].endswith("frame-ancestors 'self' *")
    config = json.loads(re.search(rb'id="sf-config">(.*?)</script>', response.data).group(1))
    assert config["unknownApp"] is True and config["origins"] == []


def test_flow_assets_are_served_pinned(client, demo):
    page = client.get(f"/flow/{demo.id}").data.decode()
    for name in ("flow.js", "flow.css"):
        url = re.search(rf"/widget/{re.escape(name)}\?v=[0-9a-f]{{12}}", page).group(0)
        response = client.get(url)
        assert response.status_code == 200 and response.cache_control.immutable


def test_every_locale_has_every_string():
    for locale, strings in STRINGS.items():
        assert set(strings) == set(STRINGS["en"]), locale


def test_copy_overrides_apply_per_locale_and_ignore_unknown_keys():
    merged = strings_for(
        {
            "keep": {"en": "Stay", "zh-Hans": "留下"},
            "survey_question": {"en": "Why?"},
            "accept": "not a dict",
        }
    )
    assert merged["en"]["keep"] == "Stay" and merged["zh-Hans"]["keep"] == "留下"
    assert merged["zh-Hant"]["keep"] == STRINGS["zh-Hant"]["keep"]
    assert "survey_question" not in merged["en"]
    assert merged["en"]["accept"] == STRINGS["en"]["accept"]


def test_an_override_of_a_general_key_stands_for_every_offer_type():
    merged = strings_for(
        {
            "saved_body": {"en": "Done: {offer}.", "zh-Hans": "好了：{offer}。"},
            "saved_body_pause": {"en": "Paused until {date}."},
        }
    )
    assert merged["en"]["saved_body"] == merged["en"]["saved_body_contact"] == "Done: {offer}."
    assert merged["en"]["saved_body_pause"] == "Paused until {date}."
    assert merged["zh-Hans"]["saved_body_pause"] == "好了：{offer}。"
    assert merged["zh-Hant"]["saved_body_pause"] == STRINGS["zh-Hant"]["saved_body_pause"]
    assert merged["en"]["saved_heading_pause"] == STRINGS["en"]["saved_heading_pause"]


def test_every_offer_type_has_its_own_confirmation():
    from saveflow.offers.types import OFFER_TYPES

    for locale, strings in STRINGS.items():
        for offer_type in OFFER_TYPES:
            assert strings[f"saved_heading_{offer_type}"], (locale, offer_type)
            assert "{offer} is now" not in strings[f"saved_body_{offer_type}"]
