"""The safe fetcher against a real HTTP server on 127.0.0.1: redirects, limits, errors."""

from __future__ import annotations

import pickle
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache

from core.fetch_error import TRANSIENT_CODES
from core.fetcher import FetchError, fetch, post_json
from tests.support.httpserver import (
    ConnectionLog,
    FakeResolver,
    LocalHTTPServer,
    chunked,
    drip,
    gzipped,
    never_answer,
    redirect_chain,
    slow_headers,
)
from tests.support.services import unavailable

# Fixtures local_server, fake_dns and connect_log (also registered by tests/conftest.py).
pytest_plugins = ["tests.support.httpserver"]

HTML = {"Content-Type": "text/html; charset=utf-8"}
PAGE = b"<!doctype html><html><head><title>t</title></head><body>hello</body></html>"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _offline(connect_log: ConnectionLog, fake_dns: FakeResolver, settings) -> None:
    """No DNS and no connection beyond loopback; short deadlines keep failures fast."""
    settings.FETCH_CONNECT_TIMEOUT = 1
    settings.FETCH_TOTAL_TIMEOUT = 3
    cache.clear()


def fails(url: str, **kwargs) -> FetchError:
    with pytest.raises(FetchError) as caught:
        fetch(url, **kwargs)
    return caught.value


# --- Successful fetches --------------------------------------------------------------------


def test_returns_body_status_lowercased_headers_and_media_type(local_server) -> None:
    url = local_server.add("/page", 200, {"Content-Type": "Text/HTML; Charset=GBK"}, PAGE)

    result = fetch(url)

    assert result.url == url
    assert result.status == 200
    assert result.body == PAGE
    assert result.content_type == "text/html"
    assert result.charset == "gbk"
    assert result.headers["content-type"] == "Text/HTML; Charset=GBK"
    assert all(name == name.lower() for name in result.headers)
    assert result.redirects == []


def test_charset_is_empty_when_the_header_has_none(local_server) -> None:
    url = local_server.add("/page", 200, {"Content-Type": "text/html"}, PAGE)

    assert fetch(url).charset == ""


def test_sends_fixed_user_agent_accept_language_and_compression(local_server, settings) -> None:
    settings.FETCH_USER_AGENT = "BriefroomTest/1.0"
    url = local_server.add("/page", 200, HTML, PAGE)

    fetch(url)

    sent = local_server.requests[-1].headers
    assert sent["user-agent"] == "BriefroomTest/1.0"
    assert sent["accept-language"] == "zh-CN,zh;q=0.9,en;q=0.8"
    assert sent["accept-encoding"] == "gzip, deflate"
    assert sent["accept"].startswith("text/html")
    assert sent["host"] == local_server.host_port


def test_extra_headers_are_sent_and_may_replace_accept(local_server) -> None:
    url = local_server.add("/api", 200, {"Content-Type": "application/json"}, b"{}")

    fetch(url, purpose="api", headers={"Authorization": "Bearer t0k", "Accept": "x/y"})

    sent = local_server.requests[-1].headers
    assert sent["authorization"] == "Bearer t0k"
    assert sent["accept"] == "x/y"


def test_gzip_body_is_decompressed(local_server) -> None:
    headers, body = gzipped(PAGE)
    url = local_server.add("/gz", 200, headers, body)

    assert fetch(url).body == PAGE


def test_deflate_body_is_decompressed(local_server) -> None:
    import zlib

    headers = {"Content-Type": "text/html", "Content-Encoding": "deflate"}
    url = local_server.add("/deflate", 200, headers, zlib.compress(PAGE))

    assert fetch(url).body == PAGE


def test_unsupported_content_encoding_is_refused(local_server) -> None:
    headers = {"Content-Type": "text/html", "Content-Encoding": "x-secret"}
    url = local_server.add("/odd", 200, headers, b"\x00garbage")

    assert fails(url).code == "bad_content_type"


def test_chunked_body_is_read_completely(local_server) -> None:
    body = b"<html><body>" + b"x" * 300_000 + b"</body></html>"
    url = local_server.add("/chunked", handler=chunked(body, chunk_size=10_000))

    assert fetch(url).body == body


# --- Redirects ----------------------------------------------------------------------------


def test_follows_a_chain_of_five_redirects(local_server) -> None:
    local_server.add("/final", 200, HTML, PAGE)
    start = redirect_chain(local_server, "hop", 5, "/final")

    result = fetch(start)

    assert result.url == local_server.url("/final")
    assert result.redirects == [local_server.url(f"/hop/{n}") for n in range(1, 5)] + [result.url]
    assert result.body == PAGE


def test_refuses_a_sixth_redirect_without_requesting_it(local_server) -> None:
    local_server.add("/final", 200, HTML, PAGE)
    start = redirect_chain(local_server, "hop", 6, "/final")

    error = fails(start)

    assert error.code == "too_many_redirects"
    assert not error.transient
    assert local_server.hits("/final") == 0
    assert len(local_server.requests) == 6


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_follows_every_redirect_status(local_server, status: int) -> None:
    local_server.add("/final", 200, HTML, PAGE)
    start = local_server.add("/from", status, {"Location": "/final"})

    assert fetch(start).url == local_server.url("/final")


def test_relative_locations_are_resolved_against_the_current_url(local_server) -> None:
    local_server.add("/a/b/start", 302, {"Location": "next?x=1"})
    local_server.add("/a/b/next", 302, {"Location": "../c/done"})
    local_server.add("/a/c/done", 302, {"Location": "//" + local_server.host_port + "/end"})
    local_server.add("/end", 200, HTML, PAGE)

    result = fetch(local_server.url("/a/b/start"))

    assert [r.target for r in local_server.requests] == [
        "/a/b/start",
        "/a/b/next?x=1",
        "/a/c/done",
        "/end",
    ]
    assert result.url == local_server.url("/end")


def test_redirect_without_location_is_an_http_error(local_server) -> None:
    url = local_server.add("/nowhere", 302, {})

    error = fails(url)

    assert (error.code, error.status) == ("http_error", 302)


def test_redirect_to_a_private_address_is_refused_without_connecting(
    local_server, connect_log: ConnectionLog
) -> None:
    url = local_server.add("/r", 302, {"Location": "http://10.0.0.7/admin"})

    error = fails(url)

    assert error.code == "blocked"
    assert "10.0.0.7 is a private address" in error.message
    assert connect_log.non_loopback == []


def test_redirect_to_a_metadata_name_is_refused_without_connecting(
    local_server, fake_dns: FakeResolver, connect_log: ConnectionLog
) -> None:
    fake_dns.add("sneaky.example", "93.184.216.34", "169.254.169.254")
    url = local_server.add("/r", 301, {"Location": "http://sneaky.example/latest/meta-data/"})

    error = fails(url)

    assert error.code == "blocked"
    assert "cloud metadata" in error.message
    assert connect_log.non_loopback == []


@pytest.mark.parametrize(
    "location",
    ["file:///etc/passwd", "gopher://127.0.0.1:6379/_INFO", "ftp://example.com/x"],
)
def test_redirect_to_another_scheme_is_refused(local_server, location: str) -> None:
    url = local_server.add("/r", 302, {"Location": location})

    assert fails(url).code == "blocked"


def test_redirect_to_a_port_that_is_not_allowed_is_refused_before_dns(
    local_server, fake_dns: FakeResolver
) -> None:
    url = local_server.add("/r", 302, {"Location": "http://public.example:6379/"})

    error = fails(url)

    assert error.code == "blocked"
    assert "port 6379" in error.message
    assert "public.example" not in fake_dns.calls


def test_extra_headers_stay_on_the_original_origin(local_server, settings) -> None:
    with LocalHTTPServer() as other:
        settings.FETCH_ALLOWLIST = [*settings.FETCH_ALLOWLIST, other.host_port]
        other.add("/landing", 200, HTML, PAGE)
        local_server.add("/same", 302, {"Location": "/away"})
        local_server.add("/away", 302, {"Location": other.url("/landing")})

        fetch(local_server.url("/same"), headers={"Authorization": "Bearer secret"})

        assert [r.headers.get("authorization") for r in local_server.requests] == [
            "Bearer secret",
            "Bearer secret",
        ]
        assert "authorization" not in other.requests[-1].headers


# --- Time limits --------------------------------------------------------------------------


def test_server_that_never_answers_times_out_at_the_total_deadline(local_server, settings) -> None:
    settings.FETCH_TOTAL_TIMEOUT = 0.5
    url = local_server.add("/silent", handler=never_answer())

    started = time.monotonic()
    error = fails(url)

    assert error.code == "timeout"
    assert error.transient
    assert 0.4 < time.monotonic() - started < 1.5


def test_slow_drip_body_is_cut_off_at_the_total_deadline(local_server, settings) -> None:
    # Each chunk arrives well within any per-read timeout; only a total deadline stops it.
    settings.FETCH_TOTAL_TIMEOUT = 0.6
    url = local_server.add("/drip", handler=drip(b"<p>.</p>", interval=0.05))

    started = time.monotonic()
    error = fails(url)

    assert error.code == "timeout"
    assert time.monotonic() - started < 1.5


def test_slow_drip_headers_are_cut_off_at_the_total_deadline(local_server, settings) -> None:
    settings.FETCH_TOTAL_TIMEOUT = 0.5
    url = local_server.add("/headers", handler=slow_headers(interval=0.05))

    started = time.monotonic()
    error = fails(url)

    assert error.code == "timeout"
    assert time.monotonic() - started < 1.5


def test_total_deadline_covers_the_whole_redirect_chain(local_server, settings) -> None:
    settings.FETCH_TOTAL_TIMEOUT = 0.8
    for hop in range(3):
        local_server.add(f"/r{hop}", handler=_slow_redirect(f"/r{hop + 1}", delay=0.3))
    local_server.add("/r3", 200, HTML, PAGE)

    started = time.monotonic()
    error = fails(local_server.url("/r0"))

    assert error.code == "timeout"
    assert time.monotonic() - started < 1.5
    assert local_server.hits("/r3") == 0


def _slow_redirect(location: str, delay: float):
    def handle(handler, request) -> None:
        time.sleep(delay)
        handler.send_response(302)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.send_header("Connection", "close")
        handler.end_headers()

    return handle


@pytest.fixture
def unaccepting_port(settings) -> Iterator[int]:
    """A loopback listener whose accept queue is full, so a new connect() hangs."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    filler = socket.create_connection(("127.0.0.1", port), timeout=1)
    settings.FETCH_ALLOWLIST = [f"127.0.0.1:{port}"]
    try:
        yield port
    finally:
        filler.close()
        listener.close()


def test_connect_timeout_applies_when_the_server_does_not_accept(
    unaccepting_port: int, settings
) -> None:
    settings.FETCH_CONNECT_TIMEOUT = 0.3
    settings.FETCH_TOTAL_TIMEOUT = 5

    started = time.monotonic()
    error = fails(f"http://127.0.0.1:{unaccepting_port}/")

    assert error.code == "timeout"
    assert error.transient
    assert time.monotonic() - started < 1.5


def test_refused_connection_is_a_transient_connection_error(settings) -> None:
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there now
    settings.FETCH_ALLOWLIST = [f"127.0.0.1:{port}"]

    error = fails(f"http://127.0.0.1:{port}/")

    assert error.code == "connection"
    assert error.transient


# --- Size limits --------------------------------------------------------------------------


def test_content_length_over_the_cap_is_refused_before_reading(local_server) -> None:
    # The declared length is a lie: reading the body would end in an incomplete read.
    headers = {**HTML, "Content-Length": str(6 * 1024 * 1024)}
    url = local_server.add("/huge", 200, headers, PAGE)

    error = fails(url)

    assert error.code == "too_large"
    assert not error.transient


def test_chunked_body_over_the_cap_is_refused(local_server) -> None:
    body = b"<html>" + b"x" * (5 * 1024 * 1024)
    url = local_server.add("/big", handler=chunked(body))

    assert fails(url).code == "too_large"


def test_gzip_bomb_is_refused_once_the_decompressed_size_passes_the_cap(local_server) -> None:
    headers, body = gzipped(b"\0" * (64 * 1024 * 1024))
    assert len(body) < 100 * 1024
    url = local_server.add("/bomb", 200, headers, body)

    error = fails(url)

    assert error.code == "too_large"


def test_max_bytes_argument_overrides_the_cap(local_server) -> None:
    url = local_server.add("/page", 200, HTML, PAGE)

    assert fails(url, max_bytes=len(PAGE) - 1).code == "too_large"
    assert fetch(url, max_bytes=len(PAGE)).body == PAGE


def test_images_may_be_larger_than_pages_up_to_their_own_cap(local_server) -> None:
    image = PNG + b"\0" * (7 * 1024 * 1024)
    url = local_server.add("/big.png", 200, {"Content-Type": "image/png"}, image)

    assert fetch(url, purpose="image").body == image
    assert fails(url, purpose="html").code == "bad_content_type"

    url = local_server.add("/huge.png", 200, {"Content-Type": "image/png"}, image * 2)
    assert fails(url, purpose="image").code == "too_large"


# --- Content types ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("purpose", "content_type", "body"),
    [
        ("html", "application/xhtml+xml", PAGE),
        ("api", "application/json; charset=utf-8", b"{}"),
        ("api", "application/atom+xml", b"<feed/>"),
        ("api", "text/xml", b"<?xml version='1.0'?><a/>"),
        ("image", "image/png", PNG),
        ("image", "image/webp", b"RIFF\x10\x00\x00\x00WEBPVP8 "),
        ("image", "image/gif", b"GIF89a" + b"\0" * 10),
        ("image", "image/jpeg", b"\xff\xd8\xff\xe0" + b"\0" * 10),
    ],
)
def test_accepts_the_content_types_of_each_purpose(
    local_server, purpose, content_type: str, body: bytes
) -> None:
    url = local_server.add("/doc", 200, {"Content-Type": content_type}, body)

    assert fetch(url, purpose=purpose).content_type == content_type.split(";")[0]


@pytest.mark.parametrize(
    ("purpose", "content_type"),
    [
        ("html", "application/pdf"),
        ("html", "image/png"),
        ("html", "application/octet-stream"),
        ("api", "text/html"),
        ("image", "text/html"),
        ("image", "image/svg+xml"),
        ("image", "image/tiff"),
    ],
)
def test_refuses_content_types_that_do_not_fit_the_purpose(
    local_server, purpose, content_type: str
) -> None:
    url = local_server.add("/doc", 200, {"Content-Type": content_type}, PNG)

    error = fails(url, purpose=purpose)

    assert error.code == "bad_content_type"
    assert content_type in error.message


def test_page_without_content_type_is_accepted_when_it_sniffs_as_html(local_server) -> None:
    url = local_server.add("/bare", 200, {}, PAGE)

    result = fetch(url)

    assert result.content_type == "text/html"
    assert result.body == PAGE


@pytest.mark.parametrize("body", [b"%PDF-1.7\n...", PNG, b"plain words, no markup"])
def test_page_without_content_type_that_is_not_html_is_refused(local_server, body) -> None:
    url = local_server.add("/bare", 200, {}, body)

    assert fails(url).code == "bad_content_type"


@pytest.mark.parametrize("content_type", [None, "application/octet-stream"])
def test_untyped_image_is_accepted_by_its_magic_number(local_server, content_type) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    url = local_server.add("/img", 200, headers, PNG)

    assert fetch(url, purpose="image").content_type == "image/png"


@pytest.mark.parametrize("content_type", [None, "application/octet-stream", "image/png"])
def test_image_whose_bytes_are_not_an_image_is_refused(local_server, content_type) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    url = local_server.add("/img", 200, headers, PAGE)

    assert fails(url, purpose="image").code == "bad_content_type"


# --- HTTP errors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "headers", "code", "transient", "retry_after"),
    [
        (404, {}, "not_found", False, None),
        (410, {}, "gone", False, None),
        (400, {}, "http_error", False, None),
        (403, {}, "http_error", False, None),
        (429, {"Retry-After": "7"}, "rate_limited", True, 7.0),
        (429, {}, "rate_limited", True, None),
        (500, {}, "server_error", True, None),
        (503, {"Retry-After": "120"}, "server_error", True, 120.0),
    ],
)
def test_error_statuses_map_to_codes_and_transience(
    local_server, status, headers, code, transient, retry_after
) -> None:
    url = local_server.add("/e", status, {**HTML, **headers}, b"<p>error</p>")

    error = fails(url)

    assert (error.code, error.transient, error.retry_after, error.status) == (
        code,
        transient,
        retry_after,
        status,
    )
    assert url in error.message


def test_retry_after_may_be_an_http_date(local_server) -> None:
    when = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 60))
    url = local_server.add("/busy", 503, {"Retry-After": when}, b"")

    error = fails(url)

    assert error.retry_after is not None
    assert 55 <= error.retry_after <= 61


def test_exhausted_github_rate_limit_is_transient_and_paces_the_next_call(local_server) -> None:
    reset = int(time.time()) + 90
    limited = {**HTML, "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)}
    url = local_server.add("/limited", 403, limited, b"")
    other = local_server.add("/other", 200, HTML, PAGE)

    error = fails(url)

    assert (error.code, error.transient) == ("rate_limited", True)
    assert error.retry_after is not None
    assert 85 <= error.retry_after <= 91
    again = fails(other)
    assert again.code == "rate_limited"
    assert local_server.hits("/other") == 0


# --- Environment --------------------------------------------------------------------------


def test_proxy_environment_variables_are_ignored(local_server, monkeypatch, settings) -> None:
    with LocalHTTPServer() as proxy:
        proxy.add("/", 200, HTML, b"<html>from the proxy</html>")
        settings.FETCH_ALLOWLIST = [*settings.FETCH_ALLOWLIST, proxy.host_port]
        for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY"):
            monkeypatch.setenv(name, proxy.url("/"))
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        url = local_server.add("/page", 200, HTML, PAGE)

        assert fetch(url).body == PAGE
        assert proxy.requests == []


def test_polite_interval_spaces_requests_to_the_same_host(local_server, settings) -> None:
    settings.FETCH_HOST_INTERVALS = {local_server.host_port: 0.3}
    url = local_server.add("/page", 200, HTML, PAGE)

    started = time.monotonic()
    fetch(url)
    fetch(url)

    assert time.monotonic() - started >= 0.3


# --- DNS pinning and TLS -------------------------------------------------------------------


def test_connects_to_the_address_it_checked_even_if_dns_changes(
    local_server, fake_dns: FakeResolver, connect_log: ConnectionLog, settings
) -> None:
    # A rebinding DNS server answers loopback first and a private address afterwards.
    fake_dns.add_sequence("rebind.example", ["127.0.0.1"], ["10.0.0.1"])
    settings.FETCH_ALLOWLIST = [f"rebind.example:{local_server.port}"]
    local_server.add("/page", 200, HTML, PAGE)

    result = fetch(local_server.url("/page", host="rebind.example"))

    assert result.body == PAGE
    assert fake_dns.calls.count("rebind.example") == 1
    assert connect_log.attempts == [("127.0.0.1", local_server.port)]
    assert local_server.requests[-1].headers["host"] == f"rebind.example:{local_server.port}"


def test_loopback_server_is_refused_when_not_allowlisted(local_server, settings) -> None:
    url = local_server.add("/page", 200, HTML, PAGE)
    settings.FETCH_ALLOWLIST = [f"127.0.0.1:{local_server.port + 1}"]  # another port

    error = fails(url)

    assert error.code == "blocked"
    assert local_server.requests == []


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> Path:
    """A self-signed certificate for site.example, made with the openssl command."""
    if shutil.which("openssl") is None:
        unavailable("the openssl command is not installed")
    folder = tmp_path_factory.mktemp("tls")
    pem = folder / "site.pem"
    command = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
    command += " -days 2 -subj /CN=site.example -addext subjectAltName=DNS:site.example"
    subprocess.run(
        [*command.split(), "-keyout", str(pem), "-out", str(pem)], check=True, capture_output=True
    )
    return pem


@pytest.fixture
def tls_server(certificate: Path, settings, fake_dns: FakeResolver) -> Iterator[LocalHTTPServer]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificate)
    names: list[str | None] = []
    context.sni_callback = lambda sock, name, ctx: names.append(name)
    with LocalHTTPServer(ssl_context=context) as server:
        server.sni_names = names  # type: ignore[attr-defined]
        for name in ("site.example", "other.example"):
            fake_dns.add(name, "127.0.0.1")
        settings.FETCH_ALLOWLIST = [f"site.example:{server.port}", f"other.example:{server.port}"]
        settings.FETCH_CA_BUNDLE = str(certificate)
        yield server


def test_https_verifies_the_host_name_while_connecting_to_the_checked_address(
    tls_server: LocalHTTPServer, connect_log: ConnectionLog
) -> None:
    tls_server.add("/secure", 200, HTML, PAGE)

    result = fetch(tls_server.url("/secure", host="site.example"))

    assert result.body == PAGE
    assert tls_server.sni_names == ["site.example"]  # type: ignore[attr-defined]
    assert tls_server.requests[-1].headers["host"] == f"site.example:{tls_server.port}"
    assert connect_log.attempts == [("127.0.0.1", tls_server.port)]


def test_https_refuses_a_certificate_for_another_name(tls_server: LocalHTTPServer) -> None:
    tls_server.add("/secure", 200, HTML, PAGE)

    error = fails(tls_server.url("/secure", host="other.example"))

    assert error.code == "connection"
    assert tls_server.requests == []


# --- Webhooks ------------------------------------------------------------------------------


def test_post_json_sends_the_payload_and_returns_the_status(local_server) -> None:
    url = local_server.add("/hook", 201, {}, b"created")

    status = post_json(url, b'{"event": "published"}', headers={"X-Signature": "abc"})

    assert status == 201
    request = local_server.requests[-1]
    assert (request.method, request.body) == ("POST", b'{"event": "published"}')
    assert request.headers["content-type"] == "application/json"
    assert request.headers["x-signature"] == "abc"


@pytest.mark.parametrize("status", [302, 404, 500])
def test_post_json_returns_other_statuses_without_following_redirects(
    local_server, status: int
) -> None:
    local_server.add("/elsewhere", 200, {}, b"")
    url = local_server.add("/hook", status, {"Location": "/elsewhere"}, b"")

    assert post_json(url, b"{}", headers={}) == status
    assert local_server.hits("/elsewhere") == 0


def test_post_json_refuses_private_targets_without_connecting(
    connect_log: ConnectionLog,
) -> None:
    with pytest.raises(FetchError) as caught:
        post_json("http://192.168.1.10/hook", b"{}", headers={})

    assert caught.value.code == "blocked"
    assert connect_log.attempts == []


def test_post_json_gives_up_at_its_timeout(local_server) -> None:
    url = local_server.add("/hook", handler=never_answer())

    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        post_json(url, b"{}", headers={}, timeout=0.3)

    assert caught.value.code == "timeout"
    assert time.monotonic() - started < 1.2


def test_unknown_purpose_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        fetch("http://example.com/", purpose="pdf")  # type: ignore[arg-type]


def test_fetch_error_survives_pickling_as_celery_does() -> None:
    error = FetchError("rate_limited", "slow down", retry_after=12.5, status=429)

    copy = pickle.loads(pickle.dumps(error))

    assert (copy.code, copy.message, copy.transient, copy.retry_after, copy.status) == (
        "rate_limited",
        "slow down",
        True,
        12.5,
        429,
    )
    assert str(copy) == "slow down"


def test_fetch_error_transience_follows_its_code() -> None:
    assert FetchError("timeout", "x").transient
    assert not FetchError("blocked", "x").transient
    expected = {"timeout", "connection", "rate_limited", "server_error"}
    assert expected == TRANSIENT_CODES


def test_fetches_from_an_allowlisted_ipv6_loopback_server(settings) -> None:
    try:
        server = LocalHTTPServer(host="::1")
    except OSError:
        unavailable("IPv6 loopback is not available on this machine")
    with server:
        settings.FETCH_ALLOWLIST = [server.host_port]
        url = server.add("/page", 200, HTML, PAGE)

        result = fetch(url)

        assert url.startswith("http://[::1]:")
        assert result.body == PAGE
        assert server.requests[-1].headers["host"] == server.host_port
