from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache

from tests.support.httpserver import LocalHTTPServer, RecordedRequest, _RequestHandler, send_static


@pytest.fixture(autouse=True)
def _clean_cache() -> Iterator[None]:
    """Poll marks and locks live in the cache: no test sees another's."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def feeds_dir(shared_dir: Path) -> Path:
    path = shared_dir / "fixtures" / "feeds"
    if not (path / "MANIFEST.tsv").is_file():
        from tests.support.services import unavailable

        unavailable(f"the saved feeds folder {path} is absent")
    return path


class FeedRoute:
    """A feed that answers conditional GETs: 304 when the client's ETag still matches."""

    def __init__(self, body: bytes, content_type: str = "application/rss+xml") -> None:
        self.body = body
        self.content_type = content_type
        self.statuses: list[int] = []

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'

    def __call__(self, handler: _RequestHandler, request: RecordedRequest) -> None:
        if request.headers.get("if-none-match") == self.etag:
            self.statuses.append(304)
            send_static(handler, 304, {"ETag": self.etag}, b"")
            return
        self.statuses.append(200)
        headers = {"Content-Type": self.content_type, "ETag": self.etag}
        send_static(handler, 200, headers, self.body)


def serve_feed(server: LocalHTTPServer, path: str, route: FeedRoute) -> str:
    return server.add(path, handler=route)
