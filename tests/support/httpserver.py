"""A small threaded HTTP server on the loopback interface, for tests that fetch pages.

Tests register paths with canned responses (`add`) or with handlers that misbehave on
purpose (slow drips, servers that never answer, chunked bodies, redirect chains). The
`local_server` fixture starts one per test and allowlists its host:port in
settings.FETCH_ALLOWLIST, so the fetcher accepts 127.0.0.1 for that test only.

Two more fixtures keep such tests off the network: `fake_dns` answers socket.getaddrinfo
from a table (unknown names fail like NXDOMAIN), and `connect_log` records every outgoing
connect() and refuses any that is not to a loopback address, so a test can assert that a
refused URL caused no connection attempt at all.

Register the fixtures with `pytest_plugins = ["tests.support.httpserver"]` in conftest.py.
"""

from __future__ import annotations

import gzip
import ipaddress
import itertools
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socketserver import TCPServer
from typing import Any
from urllib.parse import urlsplit

import pytest

# What socket.connect takes: (host, port, ...) for IP sockets, a path for Unix sockets.
SocketAddress = tuple[Any, ...] | str | bytes


@dataclass
class RecordedRequest:
    """One request the server received, as the client sent it."""

    method: str
    target: str  # the raw request target, path and query
    headers: dict[str, str]  # lower-cased names
    body: bytes
    client: tuple[str, int]

    @property
    def path(self) -> str:
        return urlsplit(self.target).path


# A handler writes the whole response itself; it gets the request handler and the request.
Handler = Callable[["_RequestHandler", RecordedRequest], None]


@dataclass
class Route:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    handler: Handler | None = None


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        self._dispatch()

    do_POST = do_PUT = do_HEAD = do_DELETE = do_GET

    def _dispatch(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = RecordedRequest(
            method=self.command,
            target=self.path,
            headers={name.lower(): value for name, value in self.headers.items()},
            body=body,
            client=self.client_address[:2],
        )
        owner = self.server.owner
        owner.requests.append(request)
        route = owner.route_for(self.path)
        # One request per connection keeps the tests simple and the fetcher never reuses one.
        self.close_connection = True
        if route is None:
            send_static(self, 404, {"Content-Type": "text/plain"}, b"no such route")
        elif route.handler is not None:
            route.handler(self, request)
        else:
            send_static(self, route.status, route.headers, route.body)

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet: pytest shows captured output only when a test fails anyway."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # handlers that hang are released by `stopping`, not joined
    owner: LocalHTTPServer

    def server_bind(self) -> None:
        # HTTPServer.server_bind does a reverse DNS lookup (getfqdn); tests do no DNS.
        TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients hang up mid-response on purpose in these tests: not an error."""


class _Server6(_Server):
    address_family = socket.AF_INET6


class LocalHTTPServer:
    """An HTTP(S) server on 127.0.0.1 (or ::1) port 0 with a routing table."""

    def __init__(self, host: str = "127.0.0.1", ssl_context: ssl.SSLContext | None = None):
        self.requests: list[RecordedRequest] = []
        self.routes: dict[str, Route] = {}
        self.stopping = threading.Event()
        self.scheme = "https" if ssl_context else "http"
        server_class = _Server6 if ":" in host else _Server
        self._httpd = server_class((host, 0), _RequestHandler)
        self._httpd.owner = self
        if ssl_context is not None:
            # The handshake then happens in the handler thread, not in the accept loop.
            self._httpd.socket = ssl_context.wrap_socket(
                self._httpd.socket, server_side=True, do_handshake_on_connect=False
            )
        self.host = host
        self.port: int = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def host_port(self) -> str:
        """The "host:port" entry FETCH_ALLOWLIST needs for this server."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    def url(self, path: str = "/", host: str | None = None) -> str:
        """An absolute URL on this server; `host` replaces the address (for DNS tests)."""
        name = host or self.host_port.rsplit(":", 1)[0]
        return f"{self.scheme}://{name}:{self.port}{path}"

    def add(
        self,
        path: str,
        status: int = 200,
        headers: dict[str, str] | None = None,
        body: bytes | str = b"",
        *,
        handler: Handler | None = None,
    ) -> str:
        """Serve `path` (exact, or without its query) and return its URL."""
        data = body.encode() if isinstance(body, str) else body
        self.routes[path] = Route(status, dict(headers or {}), data, handler)
        return self.url(path)

    def route_for(self, target: str) -> Route | None:
        return self.routes.get(target) or self.routes.get(urlsplit(target).path)

    def hits(self, path: str) -> int:
        return sum(1 for request in self.requests if request.path == path)

    def start(self) -> LocalHTTPServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> LocalHTTPServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def send_static(
    handler: BaseHTTPRequestHandler, status: int, headers: dict[str, str], body: bytes
) -> None:
    """Send a complete response; a Content-Length in `headers` is sent as given, even if false."""
    handler.send_response(status)
    names = {name.lower() for name in headers}
    for name, value in headers.items():
        handler.send_header(name, value)
    if "content-length" not in names and "transfer-encoding" not in names:
        handler.send_header("Content-Length", str(len(body)))
    handler.send_header("Connection", "close")
    handler.end_headers()
    if handler.command != "HEAD":
        _write(handler, body)


def _write(handler: BaseHTTPRequestHandler, data: bytes) -> bool:
    """Write and flush; False when the client has hung up."""
    try:
        handler.wfile.write(data)
        handler.wfile.flush()
    except OSError:
        return False
    return True


# Handlers for misbehaving servers. Each returns a Handler for `LocalHTTPServer.add`.


def drip(
    chunk: bytes = b"<p>x</p>",
    interval: float = 0.05,
    count: int = 1000,
    headers: dict[str, str] | None = None,
) -> Handler:
    """Send the headers at once, then `chunk` every `interval` seconds, close-delimited."""

    def handle(handler: _RequestHandler, request: RecordedRequest) -> None:
        handler.send_response(200)
        for name, value in (headers or {"Content-Type": "text/html"}).items():
            handler.send_header(name, value)
        handler.send_header("Connection", "close")
        handler.end_headers()
        for _ in range(count):
            if handler.server.owner.stopping.wait(interval) or not _write(handler, chunk):
                return

    return handle


def never_answer() -> Handler:
    """Read the request, then say nothing until the server stops."""

    def handle(handler: _RequestHandler, request: RecordedRequest) -> None:
        handler.server.owner.stopping.wait(30)

    return handle


def chunked(
    body: bytes, chunk_size: int = 64 * 1024, headers: dict[str, str] | None = None
) -> Handler:
    """Send `body` with Transfer-Encoding: chunked (so no Content-Length to refuse early)."""

    def handle(handler: _RequestHandler, request: RecordedRequest) -> None:
        handler.send_response(200)
        for name, value in (headers or {"Content-Type": "text/html"}).items():
            handler.send_header(name, value)
        handler.send_header("Transfer-Encoding", "chunked")
        handler.send_header("Connection", "close")
        handler.end_headers()
        for start in range(0, len(body), chunk_size):
            piece = body[start : start + chunk_size]
            if not _write(handler, b"%x\r\n%s\r\n" % (len(piece), piece)):
                return
        _write(handler, b"0\r\n\r\n")

    return handle


def slow_headers(interval: float = 0.05, count: int = 1000) -> Handler:
    """Drip a never-ending header block, one byte at a time."""

    def handle(handler: _RequestHandler, request: RecordedRequest) -> None:
        if not _write(handler, b"HTTP/1.1 200 OK\r\n"):
            return
        for _ in range(count):
            if handler.server.owner.stopping.wait(interval) or not _write(handler, b"X"):
                return

    return handle


def gzipped(
    body: bytes, content_type: str = "text/html; charset=utf-8"
) -> tuple[dict[str, str], bytes]:
    """Headers and body for a gzip-encoded response: `server.add(path, 200, *gzipped(...))`."""
    data = gzip.compress(body, compresslevel=9)
    headers = {"Content-Type": content_type, "Content-Encoding": "gzip"}
    return headers, data


def redirect_chain(
    server: LocalHTTPServer, name: str, hops: int, final_path: str, status: int = 302
) -> str:
    """Register /name/0 -> /name/1 -> ... -> final_path (`hops` redirects); return the start."""
    paths = [f"/{name}/{index}" for index in range(hops)] + [final_path]
    for here, there in itertools.pairwise(paths):
        server.add(here, status, {"Location": there})
    return server.url(paths[0])


def wait_for(predicate: Callable[[], bool], timeout: float = 2.0) -> bool:
    """Poll until `predicate` holds, for assertions about server-side effects."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


@pytest.fixture
def local_server(settings) -> Iterator[LocalHTTPServer]:
    """A running server on 127.0.0.1, allowlisted for the fetcher during this test."""
    with LocalHTTPServer() as server:
        settings.FETCH_ALLOWLIST = [*getattr(settings, "FETCH_ALLOWLIST", []), server.host_port]
        yield server


_real_getaddrinfo = socket.getaddrinfo


class FakeResolver:
    """Stands in for socket.getaddrinfo: names from a table, IP literals parsed locally."""

    def __init__(self) -> None:
        self.table: dict[str, Callable[[], Sequence[str]]] = {}
        self.calls: list[str] = []

    def add(self, name: str, *addresses: str) -> None:
        self.table[name.lower()] = lambda: addresses

    def add_sequence(self, name: str, *answers: Sequence[str]) -> None:
        """Answer successive lookups differently (the last answer repeats): DNS rebinding."""
        queue = list(answers)

        def next_answer() -> Sequence[str]:
            return queue.pop(0) if len(queue) > 1 else queue[0]

        self.table[name.lower()] = next_answer

    def __call__(self, host, port, family=0, type=0, proto=0, flags=0):
        name = host.decode() if isinstance(host, bytes) else str(host)
        self.calls.append(name)
        if _is_ip(name):
            flags |= socket.AI_NUMERICHOST  # never a DNS query
            return _real_getaddrinfo(host, port, family, type, proto, flags)
        answers = self.table.get(name.lower().rstrip("."))
        if answers is None:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        number = int(port or 0)
        results: list[
            tuple[
                socket.AddressFamily,
                socket.SocketKind,
                int,
                str,
                tuple[str, int] | tuple[str, int, int, int],
            ]
        ] = []
        for address in answers():
            if ":" in address:
                results.append(
                    (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, number, 0, 0))
                )
            else:
                results.append((socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, number)))
        return results


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return False
    return True


class ConnectionLog:
    """Every connect() attempted; only loopback ones are let through."""

    def __init__(self) -> None:
        self.attempts: list[tuple[str, int]] = []

    @property
    def non_loopback(self) -> list[tuple[str, int]]:
        return [address for address in self.attempts if not _is_loopback(address[0])]

    def check(self, address: object) -> None:
        host, port = _host_port(address)
        self.attempts.append((host, port))
        if not _is_loopback(host):
            raise ConnectionRefusedError(f"test guard: no connections to {host}")


def _host_port(address: object) -> tuple[str, int]:
    if isinstance(address, tuple) and len(address) >= 2:
        return str(address[0]), int(address[1])
    return str(address), 0  # Unix sockets and the like


def _is_loopback(host: str) -> bool:
    if host.startswith("/"):
        return True  # a Unix socket never leaves the machine
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture
def fake_dns(monkeypatch) -> FakeResolver:
    """socket.getaddrinfo answers from a table; unknown names fail as if they did not exist."""
    resolver = FakeResolver()
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    return resolver


@pytest.fixture
def connect_log(monkeypatch) -> ConnectionLog:
    """Record outgoing connections and refuse any that is not to the loopback interface."""
    log = ConnectionLog()
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_create = socket.create_connection

    def connect(sock: socket.socket, address: SocketAddress) -> None:
        log.check(address)
        return real_connect(sock, address)

    def connect_ex(sock: socket.socket, address: SocketAddress) -> int:
        log.check(address)
        return real_connect_ex(sock, address)

    def create_connection(address, *args, **kwargs):
        log.check(address)
        return real_create(address, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    return log
