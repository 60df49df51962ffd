"""Fixtures for messaging: a fake SendGrid on loopback and a Jinja environment for emails."""

import pytest

from saveflow.app import create_app
from saveflow.config import Config
from saveflow.messaging.mailer import MailSettings, mail_settings
from tests.conftest import ENCRYPTION_KEY
from tests.fakes.sendgrid_api import FakeSendGrid


@pytest.fixture
def sendgrid_fake():
    """A fake SendGrid API on a loopback port, stopped after the test."""
    with FakeSendGrid() as fake:
        yield fake


def settings_for(fake: FakeSendGrid, timeout: float = 2.0, **config) -> MailSettings:
    """Return mail settings that point the real SDK at the fake, as the config would."""
    return mail_settings(
        {
            "SENDGRID_API_KEY": fake.api_key,
            "SENDGRID_HOST": fake.url,
            "SAVEFLOW_EMAIL_FROM": "billing@acme.example",
            "SAVEFLOW_MAIL_TIMEOUT": timeout,
            **config,
        }
    )


class _NoDatabase(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"
    SAVEFLOW_ENCRYPTION_KEY = ENCRYPTION_KEY
    SQLALCHEMY_DATABASE_URI = "sqlite://"


@pytest.fixture(scope="module")
def jinja_env():
    """The Jinja environment Flask gives saveflow (it autoescapes .html), without a database."""
    return create_app(_NoDatabase).jinja_env
