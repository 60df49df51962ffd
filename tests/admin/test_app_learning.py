"""The unclassified page shows what the app's own model learned from mapped comments."""

import dataclasses

import pytest

from saveflow.db import utcnow
from saveflow.extensions import db
from saveflow.reasons import app_model
from saveflow.reasons.models import AppModel
from tests.reasons.test_app_model import JARGON, _map_all


@pytest.fixture(autouse=True)
def _quicker_training(monkeypatch):
    """Train app models with fewer rounds: these tests check what is learned and stored, and a
    full-length fit of the whole corpus costs half a minute each."""
    full = app_model._settings
    monkeypatch.setattr(app_model, "_settings", lambda: dataclasses.replace(full(), rounds=60))


def test_the_admin_shows_what_the_app_model_learned(client, demo, admin, make_user):
    _map_all(client, demo, JARGON)
    url = f"/admin/apps/{demo.id}/reasons/unclassified"
    make_user("pm@team.example", "viewer", demo.id)
    assert admin.login("pm@team.example").status_code == 302
    page = client.get(url).text
    assert "Enough comments are mapped" in page
    app_model.rebuild(demo.id, utcnow())
    db.session.commit()
    row = db.session.get(AppModel, demo.id)
    page = client.get(url).text
    shown = (
        f"{round(100 * row.held_back_right / row.held_back)}% "
        f'<span class="muted">({row.held_back_right} of {row.held_back})'
    )
    assert shown in page
    assert f"({row.base_right} of {row.held_back})" in page
