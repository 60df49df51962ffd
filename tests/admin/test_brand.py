"""Brand and widget copy: accent, logo and every string per language; blank means default."""

import json
import re

import pytest

from saveflow.apps.models import App
from saveflow.extensions import db
from saveflow.flow_copy import STRINGS, strings_for
from tests.admin.settings_helpers import audit_entries, fresh, post


@pytest.fixture
def signed_in(demo, make_user, admin):
    make_user("admin@team.example", "admin", demo.id)
    admin.login("admin@team.example")


def _flow_config(client, app_id):
    html = client.get(f"/flow/{app_id}").text
    return json.loads(re.search(r'id="sf-config">(.*?)</script>', html, re.S).group(1))


def test_the_page_offers_every_string_with_defaults_as_placeholders(signed_in, demo, client):
    html = client.get(f"/admin/apps/{demo.id}/brand").text
    for key in STRINGS["en"]:
        for locale in ("en", "zh-Hans", "zh-Hant"):
            assert f'name="copy.{key}.{locale}"' in html, (key, locale)
    assert 'placeholder="取消订阅"' in html and 'placeholder="確定要取消訂閱嗎？"' in html
    # The preview: the widget's own stylesheet in a frame, with this app's reasons.
    assert 'id="preview-frame"' in html and "srcdoc=" in html and "/widget/flow.css" in html
    assert "too expensive" in html.lower()


def test_saving_brand_and_copy_reaches_the_widget(signed_in, demo, client):
    demo.settings = {"copy": {"survey_question": {"en": "Why go?"}, "keep": {"en": "Old keep"}}}
    db.session.commit()
    response = post(
        client,
        f"/admin/apps/{demo.id}/brand",
        {
            "accent": "#0E7C66",
            "logo_url": "https://cdn.example/logo.svg",
            "copy.confirm_heading.en": "Leaving us, {first_name}?",
            "copy.confirm_heading.zh-Hans": "  要走了吗？ ",
            "copy.keep.en": "",  # blank: back to the default
            "copy.saved_body.en": "Done: {terms}.",
        },
    )
    assert response.status_code == 302
    app = fresh(App, demo.id)
    assert app.settings["brand"] == {
        "accent": "#0e7c66",
        "logo_url": "https://cdn.example/logo.svg",
    }
    assert app.settings["copy"] == {
        "survey_question": {"en": "Why go?"},  # not this page's: kept
        "confirm_heading": {"en": "Leaving us, {first_name}?", "zh-Hans": "要走了吗？"},
        "saved_body": {"en": "Done: {terms}."},
    }
    strings = strings_for(app.settings["copy"])
    assert strings["en"]["keep"] == STRINGS["en"]["keep"]
    config = _flow_config(client, demo.id)
    assert config["brand"] == {"accent": "#0e7c66", "logo": "https://cdn.example/logo.svg"}
    assert config["strings"]["zh-Hans"]["confirm_heading"] == "要走了吗？"
    [brand] = audit_entries(demo.id, "app.brand")
    assert brand.data["before"] is None
    assert brand.data["after"]["accent"] == "#0e7c66"
    [copy] = audit_entries(demo.id, "app.copy")
    assert copy.data["before"] == {
        "confirm_heading": None,
        "keep": {"en": "Old keep"},
        "saved_body": None,
    }
    assert copy.data["after"]["keep"] is None
    assert copy.data["after"]["confirm_heading"]["zh-Hans"] == "要走了吗？"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"accent": "red"}, "hex colour"),
        ({"logo_url": "http://cdn.example/logo.png"}, "https://"),
        ({"logo_url": "javascript:alert(1)"}, "https://"),
        ({"copy.cancelled_body.en": "Until {when}."}, "{when} is not filled in here"),
        ({"copy.next.zh-Hant": "x" * 601}, "under 600"),
    ],
)
def test_bad_brand_or_copy_is_refused_and_nothing_changes(data, message, signed_in, demo, client):
    response = post(client, f"/admin/apps/{demo.id}/brand", {"copy.done.en": "Close it", **data})
    assert response.status_code == 400
    assert message in response.text and "Nothing was saved" in response.text
    assert 'value="Close it"' in response.text  # what was typed is kept on the page
    assert fresh(App, demo.id).settings == {}
    assert audit_entries(demo.id, "app.copy") == [] and audit_entries(demo.id, "app.brand") == []


def test_a_viewer_reads_the_copy_but_cannot_change_it(demo, make_user, admin, client):
    make_user("viewer@team.example", "viewer", demo.id)
    admin.login("viewer@team.example")
    html = client.get(f"/admin/apps/{demo.id}/brand").text
    assert "Only an editor or admin" in html and "Save brand and copy" not in html
    assert re.search(r'name="copy\.next\.en"[^>]* disabled', html)
