"""Customers deciding through the public API, and billing's news after, for the report tests."""

import pytest

from tests.saves.conftest import Shop


@pytest.fixture
def shop(client, demo):
    return Shop(client, demo)
