"""The finance reports page: who may read it, figures worked by hand, filters, drill-down."""

import re
from datetime import UTC, date, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from saveflow.extensions import db
from saveflow.reports.digest import store
from tests.admin.conftest import sign_in_as
from tests.admin.reports_helpers import figure_links, figures, listed, worked_history

ROLES = ("admin", "editor", "finance", "viewer", "other-app", "anonymous")
ALLOWED = {"admin", "finance"}
Q1 = "from=2026-01&to=2026-03"


def _pages(demo) -> list[str]:
    base = f"/admin/apps/{demo.id}/reports"
    return [
        base,
        f"{base}?{Q1}&currency=eur",
        f"{base}/digests/2026-02",
        f"{base}/digests/2026-02/csv",
    ]


@pytest.mark.parametrize("who", ROLES)
def test_finance_and_admins_read_reports_and_no_one_else(who, app, demo, make_user, admin, client):
    store(demo, date(2026, 2, 1), app.jinja_env, "", datetime.now(UTC))
    db.session.commit()
    sign_in_as(who, demo, make_user, admin)
    for url in _pages(demo):
        response = client.get(url)
        if who in ALLOWED:
            assert response.status_code == 200, url
        elif who == "anonymous":
            assert response.status_code == 302 and "/admin/login?next=" in response.location
        else:
            assert response.status_code == 403, (who, url)
    if who not in ("anonymous", "other-app"):
        sessions = client.get(f"/admin/apps/{demo.id}/sessions").text
        nav = re.search(r'<nav class="subnav".*?</nav>', sessions, re.S).group(0)
        assert (">Reports</a>" in nav) == (who in ALLOWED)
        dashboard = client.get("/admin/").text
        assert (f'href="/admin/apps/{demo.id}/reports"' in dashboard) == (who in ALLOWED)


@pytest.fixture
def finance(app, demo, make_user, admin):
    history = worked_history(demo)
    sign_in_as("finance", demo, make_user, admin)
    return history


def _get(client, demo, query=""):
    response = client.get(f"/admin/apps/{demo.id}/reports?{query}")
    assert response.status_code == 200, response.text[:500]
    return response.text


def test_key_figures_per_currency_as_worked_by_hand(finance, client, demo):
    page = _get(client, demo, Q1)
    assert figures(page) == {
        # USD: A B C D E F J decided; A B J saved, C withdrew, D E cancelled, F abandoned.
        "usd-sessions": "7",
        "usd-saved": "3 saved",
        "usd-withdrawn": "1 withdrew",
        "usd-cancelled": "2 cancelled",
        "usd-deflection": "66.7%",  # 4 of 6
        "usd-saved_mrr": "166.00 USD",  # 49 + 49 + 19 + 49
        "usd-projected": "1,820.50 USD",  # 551.25 + 490 + 228 + 551.25
        "usd-realized": "36.75 USD",  # A's one invoice after its save
        "usd-offer_cost": "171.50 USD",  # 36.75 + 98 + 0 + 36.75
        "usd-pending": "2",  # C J
        "usd-confirmed": "1",  # A
        "usd-boomerang": "1",  # B
        "usd-abandoned": "1",  # F, never a save
        # EUR: G saved, H cancelled; never added to the dollars.
        "eur-sessions": "2",
        "eur-saved": "1 saved",
        "eur-withdrawn": "0 withdrew",
        "eur-cancelled": "1 cancelled",
        "eur-deflection": "50%",
        "eur-saved_mrr": "39.00 EUR",
        "eur-projected": "438.75 EUR",
        "eur-realized": "29.25 EUR",
        "eur-offer_cost": "29.25 EUR",
        "eur-pending": "0",
        "eur-confirmed": "1",
        "eur-boomerang": "0",
        "eur-abandoned": "0",
    }
    assert "Test mode" not in page  # I, the test-mode save, is not counted
    assert "UTC" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Discount shown: A J saved, D cancelled, F abandoned; in euros G saved, H cancelled.
        (
            "offer_type=discount",
            {"usd-sessions": "4", "usd-deflection": "66.7%", "usd-saved_mrr": "98.00 USD",
             "usd-projected": "1,102.50 USD", "usd-abandoned": "1", "eur-sessions": "2"},
        ),
        # No offer shown: C withdrew, E cancelled (the experiment's holdout).
        ("offer_type=(none)", {"usd-sessions": "2", "usd-deflection": "50%",
                               "usd-saved_mrr": "19.00 USD", "usd-projected": "228.00 USD"}),
        # Not using it: B saved (pause), E cancelled.
        ("reason_category=not_using", {"usd-sessions": "2", "usd-projected": "490.00 USD",
                                       "usd-offer_cost": "98.00 USD", "usd-boomerang": "1"}),
        ("plan=basic", {"usd-sessions": "1", "usd-saved_mrr": "19.00 USD", "usd-pending": "1"}),
        # February alone: C D E F in dollars, G H in euros.
        ("from=2026-02&to=2026-02", {"usd-sessions": "4", "usd-deflection": "33.3%",
                                     "usd-abandoned": "1", "eur-sessions": "2"}),
        # The winter experiment: A D treated, C E held out.
        ("experiment=winter", {"usd-sessions": "4", "usd-deflection": "50%",
                               "usd-projected": "779.25 USD"}),
        ("experiment=winter&variant=holdout", {"usd-sessions": "2", "usd-saved": "0 saved",
                                               "usd-withdrawn": "1 withdrew"}),
    ],
)  # fmt: skip
def test_filters_narrow_the_figures(finance, client, demo, query, expected):
    found = figures(_get(client, demo, query if "from=" in query else f"{Q1}&{query}"))
    assert {k: found[k] for k in expected} == expected
    if "eur-sessions" not in expected:
        assert "eur-sessions" not in found  # no euro session passes these filters


def test_one_currency_and_test_mode(finance, client, demo):
    euros = figures(_get(client, demo, f"{Q1}&currency=eur"))
    assert {k.split("-")[0] for k in euros} == {"eur"}
    test = _get(client, demo, f"{Q1}&mode=test")
    assert "Test mode" in test and "not from real customers" in test
    assert figures(test)["usd-sessions"] == "1"  # I alone
    assert figures(test)["usd-projected"] == "891.00 USD"


def test_months_default_to_the_last_twelve_and_bad_ones_are_refused(finance, client, demo):
    page = _get(client, demo)
    this_month = datetime.now(UTC).strftime("%Y-%m")
    assert re.search(rf'<input id="to" name="to"[^>]* value="{this_month}"', page)
    for query in ("from=2026-13", "from=2026-03&to=2026-01", "from=2020-01&to=2026-01"):
        response = client.get(f"/admin/apps/{demo.id}/reports?{query}")
        assert response.status_code == 400, query
        assert "could not be used" in response.text


def test_every_figure_drills_down_to_exactly_the_sessions_it_counts(finance, client, demo):
    for query in (
        Q1,
        f"{Q1}&offer_type=discount",
        "from=2026-02&to=2026-02&reason_category=not_using",
    ):
        page = _get(client, demo, query)
        numbers, links = figures(page), figure_links(page)
        assert links
        for name, href in links.items():
            sessions = client.get(href)
            assert sessions.status_code == 200
            count = listed(sessions.text)
            currency = name.split("-")[0]
            if name.endswith(("saved_mrr", "projected", "realized", "offer_cost")):
                saves = int(numbers[f"{currency}-saved"].split()[0])
                saves += int(numbers[f"{currency}-withdrawn"].split()[0])
                assert count == saves, (query, name)
                if saves:  # the list's own totals give the figure back
                    assert numbers[name] in _money_totals(sessions.text), (query, name)
            else:
                assert count == int(numbers[name].split()[0].replace(",", "")), (query, name)


def _money_totals(page_html: str) -> str:
    match = re.search(r'<section class="card list-totals".*?</section>', page_html, re.S)
    assert match, "no totals on a drill-down"
    return re.sub(r"<[^>]+>", " ", match.group(0))


def test_drill_down_links_name_the_report_keys(finance, client, demo):
    page = _get(client, demo, f"{Q1}&offer_type=(none)&plan=basic")
    link = figure_links(page)["usd-sessions"]
    args = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
    assert args == {
        "mode": "live",
        "outcome": "decided",
        "report_from": "2026-01-01",
        "report_to": "2026-03-31",
        "currency": "usd",
        "offer_type": "(none)",
        "plan": "basic",
    }
    assert listed(client.get(link).text) == 1  # C


def test_breakdown_and_month_rows_link_to_their_sessions(finance, client, demo):
    page = _get(client, demo, Q1)
    month = re.search(
        r'href="([^"]*report_from=2026-02-01[^"]*report_to=2026-02-28[^"]*currency=usd[^"]*)"', page
    )
    assert month and listed(client.get(month.group(1).replace("&amp;", "&")).text) == 4
    pause = re.search(r'href="([^"]*offer_type=pause[^"]*)"', page)
    assert pause and listed(client.get(pause.group(1).replace("&amp;", "&")).text) == 1  # B


def test_the_session_page_traces_realized_revenue_to_invoices(finance, client, demo):
    a = finance["A"]
    page = client.get(f"/admin/apps/{demo.id}/sessions/{a.id}").text
    assert "in_before" in page and "in_after" in page
    assert "Paid before any save: counts nowhere" in page
    assert "Counts toward this save&#39;s realized revenue" in page
    assert "1 invoice counts toward this save: 36.75 USD, its realized revenue." in page
    assert "551.25 USD" in page and "2026-01-10" in page  # projected, report day
    b = client.get(f"/admin/apps/{demo.id}/sessions/{finance['B'].id}").text
    assert "Billing has reported no paid invoice" in b


def test_the_page_says_when_an_experiment_has_too_little_data(finance, client, demo):
    page = _get(client, demo, Q1)
    assert "winter" in page and "Not enough data yet" in page


def test_the_latest_digest_is_offered_with_its_csv(finance, app, client, demo):
    assert "No digest yet" in _get(client, demo, Q1)
    store(demo, date(2026, 1, 1), app.jinja_env, "", datetime.now(UTC))
    store(demo, date(2026, 2, 1), app.jinja_env, "", datetime.now(UTC))
    db.session.commit()
    page = _get(client, demo, Q1)
    assert "The latest digest covers <strong>February 2026</strong>" in page
    view = client.get(f"/admin/apps/{demo.id}/reports/digests/2026-02")
    assert view.status_code == 200 and "srcdoc=" in view.text
    csv = client.get(f"/admin/apps/{demo.id}/reports/digests/2026-02/csv")
    assert csv.mimetype == "text/csv"
    assert 'filename="saved-revenue-2026-02.csv"' in csv.headers["Content-Disposition"]
    assert csv.text.splitlines()[0].startswith("offer_type,currency,sessions,")
    for missing in ("2026-04", "2026-4", "soon"):
        assert client.get(f"/admin/apps/{demo.id}/reports/digests/{missing}").status_code == 404
