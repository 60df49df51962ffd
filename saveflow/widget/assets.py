"""The widget's static files, served with validators and a cache lifetime chosen per URL.

An unversioned URL (`/embed.js`) is cached for five minutes and then revalidated with its ETag,
so a fix reaches every host page within minutes. A URL carrying the file's content hash
(`?v=<hash>`) never changes meaning and is cached for a year.
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path

from flask import Response, current_app, request

SHORT_MAX_AGE = 300
LONG_MAX_AGE = 365 * 24 * 3600
TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
SERVED = ("embed.js", "flow.js", "flow.css")


@dataclass(frozen=True)
class Asset:
    name: str
    body: bytes
    version: str  # first 12 hex digits of the SHA-256 of the body

    @property
    def mimetype(self) -> str:
        return TYPES[Path(self.name).suffix]


_cache: dict[str, tuple[float, Asset]] = {}


def load(name: str) -> Asset:
    """Return a widget file from the static folder, re-read only when it changes on disk."""
    static_folder = current_app.static_folder
    assert static_folder is not None  # create_app always sets the static folder
    path = Path(static_folder) / name
    mtime = path.stat().st_mtime
    cached = _cache.get(name)
    if cached and cached[0] == mtime:
        return cached[1]
    body = path.read_bytes()
    asset = Asset(name, body, hashlib.sha256(body).hexdigest()[:12])
    _cache[name] = (mtime, asset)
    return asset


def respond(name: str) -> Response:
    """Serve a widget file; long-lived only when the URL names this exact content."""
    asset = load(name)
    response = Response(asset.body, content_type=asset.mimetype)
    response.set_etag(asset.version)
    pinned = request.args.get("v") == asset.version
    response.cache_control.public = True
    response.cache_control.max_age = LONG_MAX_AGE if pinned else SHORT_MAX_AGE
    if pinned:
        response.cache_control.immutable = True
    # Script tags on other origins load it; `crossorigin` + SRI needs this header too.
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.make_conditional(request)  # updates the response in place (and returns it)
    return response
