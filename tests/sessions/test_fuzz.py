"""Arbitrary JSON at every session endpoint: always a 4xx/2xx in the error shape, never a 500."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import make_token

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    # Every code point, lone surrogates and NUL included.
    st.text(alphabet=st.characters(exclude_categories=[]), max_size=40),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
start_bodies = st.fixed_dictionaries(
    {},
    optional={
        "app_id": values,
        "token": values,
        "locale": values,
        "attributes": values,
        "extra": values,
    },
)
answer_bodies = st.fixed_dictionaries(
    {}, optional={"reason_id": values, "comment": values, "session_token": values}
)
FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def check(response):
    assert response.status_code < 500, response.get_data(as_text=True)
    if response.status_code >= 400:
        assert set(response.json) == {"code", "status", "message", "errors"}


@FUZZ
@given(body=start_bodies)
def test_start_never_500s(client, demo, body):
    check(client.post("/api/v1/sessions", data=json.dumps(body), content_type="application/json"))


@FUZZ
@given(attributes=values, locale=values)
def test_start_with_valid_token_and_odd_extras_never_500s(client, demo, attributes, locale):
    body = {
        "app_id": demo.id,
        "token": make_token(demo),
        "attributes": attributes,
        "locale": locale,
    }
    check(client.post("/api/v1/sessions", data=json.dumps(body), content_type="application/json"))


@FUZZ
@given(
    body=answer_bodies,
    offer=st.text(min_size=1, max_size=30),
    verb=st.sampled_from(["answer", "withdraw", "cancel", "abandon", "accept", "decline"]),
)
def test_session_calls_never_500(client, demo, body, offer, verb):
    from tests.conftest import FlowActions

    flow = FlowActions(client, demo)  # a fresh open session for every example
    flow.start()
    offer = offer.replace("/", "_").replace("?", "_").replace("#", "_")
    path = {"accept": f"/offers/{offer}/accept", "decline": f"/offers/{offer}/decline"}.get(
        verb, f"/{verb}"
    )
    check(flow.post(path, body))
