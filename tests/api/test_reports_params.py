"""The report's parameters: defaults, every kind of bad value (400), CSV headers and limits."""

import pytest

from tests.api.conftest import URL
from tests.security.test_rate_limits import _limited_app
from tests.sessions.test_bad_input import assert_error

# Golden headers: changing one breaks every finance spreadsheet that reads the export.
HEADER_BY_MONTH_AND_OFFER_TYPE = (
    "month,offer_type,currency,sessions,saved,withdrawn,cancelled,abandoned,deflection_rate,"
    "saved_mrr,projected_saved_revenue,offer_cost,realized_saved_revenue,recovered,pending,"
    "confirmed,boomerang"
)
HEADER_UNGROUPED = (
    "currency,sessions,saved,withdrawn,cancelled,abandoned,deflection_rate,saved_mrr,"
    "projected_saved_revenue,offer_cost,realized_saved_revenue,recovered,pending,confirmed,"
    "boomerang"
)


@pytest.fixture
def token(demo, reporters):
    return reporters.token_for("finance", demo.id)


def test_csv_header_by_month_and_offer_type(token, reporters):
    exported = reporters.get(token, group_by="month,offer_type", format="csv")
    assert exported.status_code == 200
    assert exported.mimetype == "text/csv"
    assert exported.text == HEADER_BY_MONTH_AND_OFFER_TYPE + "\r\n"


def test_csv_header_without_grouping(token, reporters):
    exported = reporters.get(token, headers={"Accept": "text/csv"})
    assert exported.mimetype == "text/csv"
    assert exported.text == HEADER_UNGROUPED + "\r\n"
    assert exported.headers["Content-Disposition"].startswith("attachment; filename=saved-revenue-")


def test_variant_grouping_adds_two_columns_in_the_order_asked(token, reporters):
    body = reporters.get(token, group_by="variant,plan").json
    assert body["columns"][:4] == ["experiment", "variant", "plan", "currency"]
    assert body["group_by"] == ["variant", "plan"]
    # Repeating group_by is the same as one comma-separated value.
    again = reporters.client.get(
        URL + "?group_by=variant&group_by=plan", headers={"Authorization": f"Bearer {token}"}
    )
    assert again.json["columns"] == body["columns"]


@pytest.mark.parametrize(
    "accept, expected",
    [
        ("text/csv", "text/csv"),
        ("application/json", "application/json"),
        ("*/*", "application/json"),
        ("text/csv;q=0.5, application/json", "application/json"),
        ("text/html", "application/json"),
    ],
)
def test_accept_header_chooses_csv_or_json(token, reporters, accept, expected):
    assert reporters.get(token, headers={"Accept": accept}).mimetype == expected


def test_format_wins_over_accept(token, reporters):
    answer = reporters.get(token, headers={"Accept": "text/csv"}, format="json")
    assert answer.mimetype == "application/json"
    # One URL, two formats: caches must key on Accept (and the API is never cached anyway).
    assert "Accept" in answer.headers["Vary"]
    assert answer.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "params, field",
    [
        ({"from": "2025-13"}, "from"),
        ({"from": "2025-1"}, "from"),
        ({"to": "25-01"}, "to"),
        ({"to": "2025-01-01"}, "to"),
        ({"from": "1969-12"}, "from"),
        ({"group_by": "month,week"}, "group_by"),
        ({"group_by": "month,month"}, "group_by"),
        ({"currency": "dollars"}, "currency"),
        ({"currency": "u$d"}, "currency"),
        ({"mode": "staging"}, "mode"),
        ({"format": "xlsx"}, "format"),
        ({"app": "app/../x"}, "app"),
        ({"colour": "blue"}, "colour"),
        ({"from": "２０２５-01"}, "from"),
        ({"from": "2025-01", "to": "2024-12"}, "from"),
        ({"from": "2022-01", "to": "2025-01"}, "to"),  # 37 months
    ],
)
def test_bad_parameters_are_400_with_the_parameter_named(token, reporters, params, field):
    response = reporters.get(token, **params)
    assert_error(response, 400, "bad_request")
    assert field in response.json["errors"], response.json
    if field == "colour":
        assert response.json["errors"]["colour"] == ["Unknown parameter."]


def test_a_repeated_parameter_is_400(token, reporters):
    response = reporters.client.get(
        URL + "?from=2025-01&from=2025-02", headers={"Authorization": f"Bearer {token}"}
    )
    assert_error(response, 400, "bad_request")
    assert response.json["errors"] == {"from": ["Give this parameter once."]}


def test_thirty_six_months_is_the_most(token, reporters):
    body = reporters.get(token, **{"from": "2022-02", "to": "2025-01"}).json
    assert (body["from"], body["to"]) == ("2022-02", "2025-01")


def test_from_alone_runs_to_this_month_and_to_alone_covers_twelve(token, reporters):
    this_month = reporters.get(token).json["to"]
    assert reporters.get(token, **{"from": this_month}).json["to"] == this_month
    assert reporters.get(token, to="2025-03").json["from"] == "2024-04"


def test_a_missing_token_is_401_whatever_the_parameters(demo, reporters):
    assert_error(reporters.get(None, **{"from": "nonsense"}), 401, "missing_api_token")


def test_reports_are_rate_limited_per_token(database):
    from saveflow.apps.setup import create_app_with_defaults
    from saveflow.extensions import db
    from tests.api.conftest import Reporters
    from tests.conftest import IsolatedClient

    application = _limited_app(database, SAVEFLOW_LIMIT_REPORTS_PER_TOKEN="2/minute")
    application.test_client_class = IsolatedClient
    with application.app_context():
        tenant = create_app_with_defaults("Acme", [], actor="test")
        db.session.commit()
        reporters = Reporters(application.test_client())
        first = reporters.token_for("finance", tenant.id, "one@finance.example")
        second = reporters.token_for("finance", tenant.id, "two@finance.example")
        statuses = [reporters.get(first).status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        refused = reporters.get(first)
        assert_error(refused, 429, "rate_limited")
        assert int(refused.headers["Retry-After"]) > 0
        assert reporters.get(second).status_code == 200  # another token has its own budget
        db.session.remove()
        db.engine.dispose()


def test_reports_are_rate_limited_per_address(database):
    from saveflow.extensions import db
    from tests.api.conftest import Reporters
    from tests.conftest import IsolatedClient

    application = _limited_app(database, SAVEFLOW_LIMIT_REPORTS_PER_IP="3/minute")
    application.test_client_class = IsolatedClient
    with application.app_context():
        reporters = Reporters(application.test_client())
        guesses = [f"sf_{n:08x}_" + "a" * 43 for n in range(4)]
        assert [reporters.get(g).status_code for g in guesses] == [401, 401, 401, 429]
        db.session.remove()
        db.engine.dispose()
