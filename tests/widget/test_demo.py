"""The demo: off unless SAVEFLOW_DEMO, and signing only for the demo app and customers it mints."""

import json
import re

import pytest
from sqlalchemy import select

from saveflow.app import create_app
from saveflow.apps.setup import create_app_with_defaults
from saveflow.config import Config
from saveflow.extensions import db
from saveflow.models import App
from saveflow.sessions.tokens import verify
from saveflow.widget.demo_host import create_demo_host, create_from_env, credentials_from_db
from tests.conftest import ORIGIN
from tests.test_cli import run


def config_like(app, **overrides) -> type[Config]:
    """A config class for the test's database, with the given overrides."""
    keys = ("TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "SAVEFLOW_ENCRYPTION_KEY")
    return type("DemoConfig", (Config,), {**{k: app.config[k] for k in keys}, **overrides})


@pytest.fixture
def demo_on(app):
    """A second saveflow app on the test's database, with SAVEFLOW_DEMO on."""
    flagged = create_app(config_like(app, SAVEFLOW_DEMO=True))
    yield flagged
    with flagged.app_context():
        db.session.remove()
        db.engine.dispose()  # PostgreSQL: no idle connection may block the next TRUNCATE


def host_for(record, public_url="http://127.0.0.1:5001/"):
    credentials = lambda: (record.id, record.live_secret)  # noqa: E731
    return create_demo_host("http://saveflow.test", public_url, credentials).test_client()


def page_options(page: str) -> dict:
    return json.loads(re.search(r"var options = (\{.*?\});", page, re.S).group(1))


def test_demo_route_is_not_registered_without_the_flag(app, client):
    assert client.get("/demo").status_code == 404
    assert "/demo" not in {rule.rule for rule in app.url_map.iter_rules()}


def test_demo_redirects_to_the_configured_url_whatever_the_host_header(demo_on):
    response = demo_on.test_client().get("/demo", headers={"Host": "evil.example"})
    assert response.status_code == 302
    assert response.headers["Location"] == "http://127.0.0.1:5001/"
    elsewhere = create_app(
        config_like(demo_on, SAVEFLOW_DEMO=True, SAVEFLOW_DEMO_URL="https://d.test/")
    )
    response = elsewhere.test_client().get("/demo", headers={"Host": "evil.example"})
    assert response.headers["Location"] == "https://d.test/"


def test_demo_host_refuses_to_start_without_the_flag(app):
    with pytest.raises(RuntimeError, match="SAVEFLOW_DEMO=1"):
        create_from_env(config_like(app, SAVEFLOW_DEMO=False))


def test_demo_host_starts_with_the_flag(demo_on):
    host = create_from_env(config_like(demo_on, SAVEFLOW_DEMO=True))
    assert host.test_client().get("/billing").status_code == 200


def test_demo_host_signs_a_valid_token_for_a_fresh_demo_customer(demo):
    page = host_for(demo).get("/?locale=zh-Hans").data.decode()
    assert 'src="http://saveflow.test/embed.js"' in page
    options = page_options(page)
    assert options["locale"] == "zh-Hans" and options["appId"] == demo.id
    claims = verify(options["token"], demo.id, demo.secret_for)
    assert re.fullmatch(r"cus_demo_[0-9a-f]{8}", claims["customer"])
    assert claims["snapshot"]["status"] == "active"
    assert demo.live_secret not in page
    again = page_options(host_for(demo).get("/").data.decode())
    assert verify(again["token"], demo.id, demo.secret_for)["customer"] != claims["customer"]


def test_demo_host_refuses_any_other_app(demo):
    other = create_app_with_defaults("Victim", [ORIGIN], actor="test")
    db.session.commit()
    host = host_for(demo)
    assert host.get(f"/?app={other.id}").status_code == 404
    assert other.id.encode() not in host.get(f"/?app={other.id}").data
    assert host.get(f"/?app={demo.id}").status_code == 200  # naming the demo app itself is fine


@pytest.mark.parametrize("customer", ["cus_victim", "cus_demo_0123abcd", ""])
def test_demo_host_never_signs_for_a_customer_the_visitor_chose(demo, customer):
    response = host_for(demo).get("/", query_string={"customer": customer})
    assert response.status_code == 400
    assert b"var options" not in response.data


def test_billing_link_comes_from_the_configured_url_not_the_host_header(demo):
    host = host_for(demo, public_url="https://demo.test/")
    page = host.get("/?status=past_due", headers={"Host": "evil.example"}).data.decode()
    claims = verify(page_options(page)["token"], demo.id, demo.secret_for)
    assert claims["snapshot"]["update_payment_url"] == "https://demo.test/billing"


def init_json(flask_app) -> dict:
    """Run `flask saveflow init --json` in flask_app's own context; return what it printed."""
    db.session.rollback()  # end the test's read, so init may write (SQLite)
    with flask_app.app_context():  # the CLI reuses whichever app context is current
        result = run(flask_app, "init", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output.strip().splitlines()[-1])


def test_init_under_the_flag_creates_and_marks_the_demo_app(app, demo_on):
    plain = init_json(app)
    assert db.session.get(App, plain["app_id"]).settings.get("demo") is None
    # A database that already holds an app gets a separate demo app; its apps stay unmarked.
    data = init_json(demo_on)
    assert data["app_id"] != plain["app_id"]
    marked = db.session.get(App, data["app_id"])
    assert marked.settings["demo"] is True
    assert "http://127.0.0.1:5001" in marked.allowed_origins
    assert db.session.query(App).count() == 2
    assert init_json(demo_on) == data  # found again, not made twice
    assert credentials_from_db(demo_on)() == (data["app_id"], data["secret"])


def test_demo_host_without_a_demo_app_says_how_to_make_one(app, demo):
    lookup = credentials_from_db(app)
    with pytest.raises(LookupError, match="SAVEFLOW_DEMO=1 flask --app wsgi saveflow init"):
        lookup()


def test_the_demo_names_its_plans_and_can_step_down(app, demo_on):
    from saveflow.apps.demo import DEMO_PLAN
    from saveflow.offers.models import Offer

    data = init_json(demo_on)
    downgrade = db.session.scalar(
        select(Offer).where(Offer.app_id == data["app_id"], Offer.type == "downgrade")
    )
    target = downgrade.params["targets"][DEMO_PLAN["plan"]]
    assert (target["name"], DEMO_PLAN["plan_name"]) == ("Starter", "Pro")
    # Ids a customer must never read, so the demo shows at once if a name goes missing.
    assert DEMO_PLAN["plan"] != "pro" and target["plan"] != "starter"
    record = db.session.get(App, data["app_id"])
    page = host_for(record).get("/").data.decode()
    assert "<dd>Pro · $49.00 / month</dd>" in page
    assert "plan" not in page_options(page)["attributes"]  # the signed snapshot names the plan
