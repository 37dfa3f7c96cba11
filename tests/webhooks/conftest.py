from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.api.conftest import (  # noqa: F401 - shared fixtures
    _api_settings,
    contributor_api,
    contributor_user,
    digest,
    editor_api,
    editor_user,
    fetches,
    make_issue,
)


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """A webhook receiver on 127.0.0.1 answering with the queued statuses, then 200."""

    url: str
    statuses: list[int] = field(default_factory=list)
    requests: list[Received] = field(default_factory=list)


@pytest.fixture
def receiver(settings) -> Iterator[Receiver]:
    state: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            hook = state["receiver"]
            hook.requests.append(Received({k.lower(): v for k, v in self.headers.items()}, body))
            status = hook.statuses.pop(0) if hook.statuses else 200
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    host, port = server.server_address[:2]
    assert isinstance(host, str)  # bound to an IPv4 literal above
    state["receiver"] = Receiver(url=f"http://{host}:{port}/hooks/briefroom")
    settings.FETCH_ALLOWLIST = [f"{host}:{port}"]
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield state["receiver"]
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def deliver_now(monkeypatch) -> None:
    """Queued deliveries run at once in this process, retries included (countdowns skipped)."""
    from webhooks.tasks import deliver_webhook

    monkeypatch.setattr("webhooks.services._enqueue", lambda pk: deliver_webhook.apply(args=[pk]))
