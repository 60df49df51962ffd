"""Fixtures for the worker's tests: a loopback webhook receiver and an endpoint that points at it."""

import pytest

from saveflow.extensions import db
from saveflow.messaging.models import WebhookEndpoint
from tests.fakes.sendgrid_api import FakeSendGrid
from tests.worker.receiver import Receiver, serve


@pytest.fixture
def sendgrid_fake():
    """A fake SendGrid API on a loopback port, stopped after the test."""
    with FakeSendGrid() as fake:
        yield fake


@pytest.fixture
def receiver():
    found = Receiver()
    server = serve(found)
    yield found
    server.shutdown()
    server.server_close()


@pytest.fixture
def endpoint(demo, receiver):
    """A signed-JSON endpoint of the demo app that receives every event."""
    row = WebhookEndpoint(app_id=demo.id, url=receiver.url, kind="json")
    db.session.add(row)
    db.session.commit()
    return row
