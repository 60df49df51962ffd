"""Who may open the Messages pages, retry a delivery and change the email and alert settings."""

import pytest

from saveflow.apps.models import App
from saveflow.extensions import db
from saveflow.messaging.models import Delivery
from tests.admin.conftest import sign_in_as
from tests.admin.messages_helpers import dead, form_data, queue
from tests.admin.settings_helpers import fresh, post

ROLES = ("admin", "editor", "finance", "viewer")
WHO = (*ROLES, "other-app", "anonymous")
# Retrying and changing the settings: admins and editors, who look after the flow.
CHANGERS = ("admin", "editor")


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("page", ["deliveries", "delivery", "alerts"])
def test_every_role_reads_the_pages(page, who, demo, make_user, admin, client):
    delivery_id = queue(demo.id)
    sign_in_as(who, demo, make_user, admin)
    path = {"deliveries": "deliveries", "delivery": f"deliveries/{delivery_id}", "alerts": "alerts"}
    response = client.get(f"/admin/apps/{demo.id}/{path[page]}")
    if who == "anonymous":
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/admin/login?next=")
    elif who == "other-app":
        assert response.status_code == 403
    else:
        assert response.status_code == 200
        # The section is in the app's navigation, for every role.
        assert f'href="/admin/apps/{demo.id}/deliveries" aria-current="page"' in response.text


@pytest.mark.parametrize("who", WHO)
def test_only_admins_and_editors_retry(who, demo, make_user, admin, client):
    delivery_id = dead(demo.id)
    sign_in_as(who, demo, make_user, admin)
    url = f"/admin/apps/{demo.id}/deliveries/{delivery_id}/retry"
    if who == "anonymous":
        assert client.post(url).status_code in (302, 400)
    else:
        response = post(client, url)
        assert response.status_code == (302 if who in CHANGERS else 403)
    status = fresh(Delivery, delivery_id).status
    assert status == ("pending" if who in CHANGERS else "dead")
    if who in ROLES:
        page = client.get(f"/admin/apps/{demo.id}/deliveries/{delivery_id}").text
        assert ("Retry now" in page) == (who in CHANGERS)


@pytest.mark.parametrize("who", WHO)
def test_only_admins_and_editors_change_the_settings(who, demo, make_user, admin, client):
    sign_in_as(who, demo, make_user, admin)
    url = f"/admin/apps/{demo.id}/alerts"
    data = form_data(demo, alert_recipients="cs@team.example")
    if who == "anonymous":
        assert client.post(url, data=data).status_code in (302, 400)
    else:
        response = post(client, url, data)
        assert response.status_code == (302 if who in CHANGERS else 403)
    stored = (fresh(App, demo.id).settings.get("messages") or {}).get("alert_recipients")
    assert stored == (["cs@team.example"] if who in CHANGERS else None)
    if who in ROLES:
        page = client.get(url).text
        assert ("Save email and alerts" in page) == (who in CHANGERS)
        assert ("You can read these settings." in page) == (who not in CHANGERS)


@pytest.mark.parametrize("action", ["retry", "alerts"])
def test_a_post_without_a_csrf_token_is_refused(action, demo, make_user, admin, client):
    delivery_id = dead(demo.id)
    make_user("admin@team.example", "admin", demo.id)
    admin.login("admin@team.example")
    url, data = {
        "retry": (f"/admin/apps/{demo.id}/deliveries/{delivery_id}/retry", {}),
        "alerts": (f"/admin/apps/{demo.id}/alerts", form_data(demo, alert_recipients="a@b.co")),
    }[action]
    assert client.post(url, data=data).status_code == 400
    db.session.rollback()
    assert fresh(Delivery, delivery_id).status == "dead"
    assert "messages" not in fresh(App, demo.id).settings


def test_another_apps_delivery_is_not_found(demo, make_user, admin, client):
    from saveflow.apps.setup import create_app_with_defaults

    other = create_app_with_defaults("Other", ["https://other.example"], actor="test")
    db.session.commit()
    theirs = dead(other.id)
    make_user("admin@team.example", "admin", demo.id)
    admin.login("admin@team.example")
    assert client.get(f"/admin/apps/{demo.id}/deliveries/{theirs}").status_code == 404
    response = post(client, f"/admin/apps/{demo.id}/deliveries/{theirs}/retry")
    assert response.status_code == 404
    assert fresh(Delivery, theirs).status == "dead"
