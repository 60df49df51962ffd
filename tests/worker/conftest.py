"""Fixtures for the worker's tests: a fake SendGrid, and webhook receivers on loopback with an
endpoint of the demo app pointing at each."""

import pytest

from saveflow.extensions import db
from saveflow.messaging.models import WebhookEndpoint
from tests.fakes.sendgrid_api import FakeSendGrid
from tests.messaging.receiver import Answer, Receiver


@pytest.fixture
def sendgrid_fake():
    """A fake SendGrid API on a loopback port, stopped after the test."""
    with FakeSendGrid() as fake:
        yield fake


@pytest.fixture
def receiving(demo):
    """Return a function that serves a receiver answering `answers` in turn (the last one
    repeated) and registers a signed-JSON endpoint of the demo app for every event there."""
    started: list[Receiver] = []

    def serve(*answers: Answer) -> tuple[Receiver, WebhookEndpoint]:
        receiver = Receiver(*answers)
        started.append(receiver)
        endpoint = WebhookEndpoint(app_id=demo.id, url=f"{receiver.url}/hooks", kind="json")
        db.session.add(endpoint)
        db.session.commit()
        return receiver, endpoint

    yield serve
    for receiver in started:
        receiver.stop()
