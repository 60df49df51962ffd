"""Per-app learning: mapped comments train the app's own model, scored on held-back comments."""

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import select

from saveflow.db import utcnow
from saveflow.extensions import db
from saveflow.models import LabelledComment, Session
from saveflow.reasons import app_model, teaching
from saveflow.reasons.classify import classify_text
from saveflow.reasons.models import AppModel
from saveflow.worker.jobs import run_due_jobs
from tests.conftest import FlowActions

# The app's customers write a word nobody put in the corpus: "vexel" is what they call the
# product's sync fault, and when they leave over it they leave for a technical reason.
JARGON = [
    "vexel again",
    "the vexel thing",
    "vexel, every monday",
    "vexel vexel vexel",
    "our vexel problem",
    "it's the vexel",
    "vexel once more",
    "same vexel story",
    "vexel today too",
    "vexel all week",
    "that vexel",
    "vexel as always",
]
NEW_WORDING = "vexel, yet again this morning"


@pytest.fixture(autouse=True)
def _quicker_training(monkeypatch):
    """Train app models with fewer rounds: these tests check what is learned and stored, and a
    full-length fit of the whole corpus costs half a minute each."""
    full = app_model._settings
    monkeypatch.setattr(app_model, "_settings", lambda: dataclasses.replace(full(), rounds=60))


def _comment(client, demo, text: str, customer: str) -> str:
    flow = FlowActions(client, demo)
    assert flow.start(customer=customer, subscription=f"sub_{customer}").status_code == 201
    assert flow.answer("other", text).status_code == 200
    return flow.session_id


def _map_all(client, demo, texts, category="technical_issues") -> list[str]:
    ids = []
    for i, text in enumerate(texts):
        session_id = _comment(client, demo, text, f"cus_jargon_{i}")
        teaching.label_comment(demo.id, session_id, text, category, "user:pm", utcnow())
        db.session.commit()  # the next request's client may reset this session
        ids.append(session_id)
    return ids


def test_mapped_comments_train_the_apps_model_and_it_scores_on_held_back_ones(client, demo):
    before = classify_text(NEW_WORDING)
    _map_all(client, demo, JARGON)
    found = app_model.labels(demo.id)
    held = [label for label in found if label.held_back]
    assert len(found) == len(JARGON) and 0 < len(held) < len(found)

    result = app_model.rebuild(demo.id, utcnow())
    db.session.commit()
    row = db.session.get(AppModel, demo.id)
    assert row is not None, result
    assert (row.trained_on, row.held_back) == (len(found) - len(held), len(held))
    assert row.held_back_right == len(held)  # the app's model learned its jargon
    assert row.base_right < row.held_back_right  # which the shipped model does not know
    assert before.category != "technical_issues"

    # New sessions of the app are classified with its model, explained in the customer's words.
    session_id = _comment(client, demo, NEW_WORDING, "cus_after")
    stored = db.session.get(Session, session_id).classification
    assert stored["category"] == "technical_issues"
    assert any("vexel" in quote for quote in stored["matched"])


def test_a_model_is_rebuilt_only_when_its_labels_change_and_dropped_without_enough(client, demo):
    ids = _map_all(client, demo, JARGON[:6])
    first = utcnow()
    assert app_model.rebuild(demo.id, first).startswith("trained on")
    db.session.commit()
    assert app_model.rebuild(demo.id, first + timedelta(minutes=5)) == "up to date"

    teaching.label_comment(demo.id, ids[0], JARGON[0], "missing_feature", "user:pm", utcnow())
    db.session.commit()
    assert app_model.rebuild(demo.id, first + timedelta(minutes=10)).startswith("trained on")
    db.session.commit()
    assert db.session.get(AppModel, demo.id).built_at == first + timedelta(minutes=10)

    for row in db.session.scalars(select(LabelledComment)).all():
        db.session.delete(row)
    db.session.commit()
    assert app_model.rebuild(demo.id, first + timedelta(minutes=15)).startswith("removed")
    db.session.commit()
    assert db.session.get(AppModel, demo.id) is None


def test_the_worker_job_retrains_changed_apps(app, client, demo):
    _map_all(client, demo, JARGON[:6])
    now = utcnow()
    assert "app-models" in run_due_jobs(now, lambda _line: None)
    assert db.session.get(AppModel, demo.id) is not None
