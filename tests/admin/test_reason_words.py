"""A comment under a chosen reason is classified too: kept as a second signal, never shown to the
customer, and counted on the reports page where the reason and the words disagree."""

import html

from saveflow.extensions import db
from saveflow.sessions.models import Session
from tests.admin.conftest import sign_in_as
from tests.conftest import FlowActions


def _cancel(client, demo, i: int, reason: str, comment: str | None) -> dict:
    flow = FlowActions(client, demo)
    assert flow.start(customer=f"cus_w{i}", subscription=f"sub_w{i}").status_code == 201
    answered = flow.answer(reason, comment)
    assert answered.status_code == 200
    assert flow.post("/cancel").status_code == 200
    return answered.json


def test_the_words_are_a_second_signal_counted_where_they_disagree(client, demo, make_user, admin):
    shown = _cancel(client, demo, 1, "too_expensive", "we moved everything to Notion, it's free")
    _cancel(client, demo, 2, "too_expensive", "way too pricey for a team of two")
    _cancel(client, demo, 3, "not_using", "asdf")
    _cancel(client, demo, 4, "not_using", None)

    # The survey answer decides; the customer is never shown what their words were read as.
    assert shown["classification"]["category"] == "too_expensive"
    assert "comment_category" not in shown["classification"]
    stored = {
        s.comment: s.classification
        for s in db.session.query(Session).filter(Session.app_id == demo.id)
    }
    moved = stored["we moved everything to Notion, it's free"]
    assert (moved["category"], moved["comment_category"]) == (
        "too_expensive",
        "switched_competitor",
    )
    assert moved["comment_matched"]
    assert stored["way too pricey for a team of two"]["comment_category"] == "too_expensive"
    assert stored["asdf"]["comment_category"] == "other"
    assert "comment_category" not in stored[None]

    sign_in_as("finance", demo, make_user, admin)
    page = client.get(f"/admin/apps/{demo.id}/reports").text
    section = page[page.index('id="words-head"') :]
    rows = html.unescape(section[: section.index("</tbody>")])
    expensive = rows[rows.index("It's too expensive") :].split("</tr>")[0]
    assert ">2<" in expensive  # two comments under "too expensive"
    assert expensive.count("50%") == 2  # one agrees, one says otherwise
    assert "I'm switching to another product" in expensive
    unused = rows[rows.index("I'm not using it enough") :].split("</tr>")[0]
    assert ">1<" in unused and "0%" in unused  # "asdf" names nothing: neither agrees nor not
