"""A per-process cache of each app's flow setup: reasons, lexicon, offers and the published rules.

These change rarely and every session call needs them, so they are read once per change rather
than once per request. The key is `apps.config_version`, which database triggers bump on every
change to the app row, its reasons, categories, lexicon phrases, offers or rule sets: a request reads the app row
(it needs it anyway) and the cache answers while the stamp it holds is the one it was built at.
Entries are deeply frozen, so requests on any thread share them without copying or locking.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from sqlalchemy import select

from saveflow.apps.models import App
from saveflow.billing.connections import Connection, load_connections
from saveflow.extensions import db
from saveflow.offers import service as offers
from saveflow.offers.models import Offer
from saveflow.offers.rules import CompiledRuleSet, OfferSpec, compile_rule_set
from saveflow.reasons.app_lexicon import Lexicon, app_phrases, merged
from saveflow.reasons.app_model import model_for
from saveflow.reasons.learn.model import TextModel
from saveflow.reasons.models import Reason

_CACHE: dict[str, "AppSetup"] = {}
_APPS: dict[str, App] = {}
_CACHE_MAX = 1024


def freeze(value: Any) -> Any:
    """Return a read-only deep copy of JSON data: mappings become proxies, lists tuples."""
    if isinstance(value, Mapping):
        return MappingProxyType({key: freeze(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(item) for item in value)
    return value


@dataclass(frozen=True)
class ReasonView:
    """A survey reason as the flow uses it."""

    key: str
    category: str
    labels: Mapping[str, str]
    follow_up: str


@dataclass(frozen=True)
class OfferView:
    """An offer as the flow shows and evaluates it (duck-types the `Offer` row's fields)."""

    key: str
    type: str
    params: Mapping[str, Any]
    copy: Mapping[str, Any]
    active: bool

    def spec(self) -> OfferSpec:
        return OfferSpec(key=self.key, type=self.type, params=self.params)


@dataclass(frozen=True)
class AppSetup:
    """An app's reasons, offers and published rules as of one `config_version`."""

    app_id: str
    config_version: int
    reasons: tuple[ReasonView, ...]  # active, in display order
    offers: Mapping[str, OfferView]  # every offer, active or not
    specs: Mapping[str, OfferSpec]  # the active offers, as the rules engine sees them
    rule_set_version: int | None
    rules: CompiledRuleSet | None
    connections: Mapping[str, Connection]  # billing connection by mode (test, live)
    lexicon: Lexicon  # the classifier's phrases: the defaults plus the app's own
    model: TextModel | None  # the app's own model, trained on its mapped comments (or None)

    def reason(self, key: str) -> ReasonView | None:
        """Return an active reason by key."""
        return next((r for r in self.reasons if r.key == key), None)


def setup_for(app: App) -> AppSetup:
    """Return the app's setup, loading it in the caller's transaction when the stamp moved."""
    cached = _CACHE.get(app.id)
    if cached is not None and cached.config_version == app.config_version:
        return cached
    setup = load(app.id, app.config_version)
    # The reads may run outside one transaction (a start runs without one): the setup is
    # kept only if the stamp did not move while they ran, so no mixture of versions is cached.
    now_at = db.session.scalar(select(App.config_version).where(App.id == app.id))
    if now_at == app.config_version:
        if len(_CACHE) >= _CACHE_MAX:
            _CACHE.clear()  # crude bound: a rare reload beats an unbounded cache
        _CACHE[app.id] = setup
    return setup


def load(app_id: str, config_version: int) -> AppSetup:
    """Read an app's setup from the database (six queries; seven when its model is new here)."""
    reasons = db.session.scalars(
        select(Reason).where(Reason.app_id == app_id, Reason.active).order_by(Reason.position)
    )
    offer_views = {
        o.key: OfferView(o.key, o.type, freeze(o.params), freeze(o.copy), o.active)
        for o in db.session.scalars(select(Offer).where(Offer.app_id == app_id))
    }
    rule_set = offers.published(app_id)
    return AppSetup(
        app_id=app_id,
        config_version=config_version,
        reasons=tuple(
            ReasonView(r.key, r.category.key, freeze(r.labels), r.follow_up) for r in reasons
        ),
        offers=MappingProxyType(offer_views),
        specs=MappingProxyType({k: o.spec() for k, o in offer_views.items() if o.active}),
        rule_set_version=rule_set.version if rule_set else None,
        rules=compile_rule_set(rule_set.document) if rule_set else None,
        connections=MappingProxyType(load_connections(app_id)),
        lexicon=merged(app_phrases(app_id)),
        model=model_for(app_id),
    )


def app_at(app_id: str, config_version: int) -> App:
    """Return the app row as of `config_version`, from this process's cache when it holds it.

    The cached row is detached from every database session and fully loaded, so requests on any
    thread read it without a query or a decryption; it is read-only by contract (nothing on the
    session path writes to an app). Any change to the app row bumps the stamp (a trigger), so a
    stale row is never served.
    """
    cached = _APPS.get(app_id)
    if cached is not None and cached.config_version == config_version:
        return cached
    app = db.session.get(App, app_id, populate_existing=True)
    if app is None:
        raise LookupError(f"app {app_id} vanished")
    db.session.expunge(app)
    if len(_APPS) >= _CACHE_MAX:
        _APPS.clear()
    _APPS[app_id] = app
    return app


def clear() -> None:
    """Forget every cached setup and app (tests; a process never needs to)."""
    _CACHE.clear()
    _APPS.clear()
