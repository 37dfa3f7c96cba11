"""Which URLs and addresses the fetcher refuses, checked without any connection attempt.

Every refused case asserts that no socket connect() happened (the `connect_log` guard
records attempts and lets only loopback ones through) and DNS is a fake table.
"""

from __future__ import annotations

import ipaddress
import runpy
import socket
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefroom import settings as settings_module
from core.fetcher import FetchError, check_url_allowed, fetch, is_refused_address, post_json
from tests.support.httpserver import ConnectionLog, FakeResolver

pytest_plugins = ["tests.support.httpserver"]


@pytest.fixture(autouse=True)
def _offline(connect_log: ConnectionLog, fake_dns: FakeResolver, settings) -> None:
    settings.FETCH_ALLOWLIST = []
    settings.FETCH_ALLOWED_PORTS = [80, 443]


def refused(url: str, connect_log: ConnectionLog) -> FetchError:
    """fetch() and post_json() both refuse `url`, the same way, without connecting."""
    with pytest.raises(FetchError) as by_fetch:
        fetch(url)
    with pytest.raises(FetchError) as by_post:
        post_json(url, b"{}", headers={})
    assert connect_log.attempts == []
    assert by_fetch.value.code == by_post.value.code
    assert not by_fetch.value.transient
    return by_fetch.value


# Written out here rather than imported, so a range dropped from the fetcher's own tables
# makes these tests fail.
REFUSED_V4 = {
    "0.0.0.0/8": "reserved",
    "10.0.0.0/8": "private",
    "100.64.0.0/10": "cgnat",
    "127.0.0.0/8": "loopback",
    "169.254.0.0/16": "link-local",
    "172.16.0.0/12": "private",
    "192.0.0.0/24": "reserved",
    "192.0.2.0/24": "documentation",
    "192.88.99.0/24": "reserved",
    "192.168.0.0/16": "private",
    "198.18.0.0/15": "benchmark",
    "198.51.100.0/24": "documentation",
    "203.0.113.0/24": "documentation",
    "224.0.0.0/4": "multicast",
    "240.0.0.0/4": "reserved",
}
REFUSED_V6 = {
    "::1/128": "loopback",
    "::/128": "unspecified",
    "64:ff9b:1::/48": "private",
    "100::/64": "reserved",
    "2001::/32": "reserved",  # Teredo
    "2001:db8::/32": "documentation",
    "2001:2::/48": "benchmark",
    "3fff::/20": "documentation",
    "fc00::/7": "private",
    "fe80::/10": "link-local",
    "fec0::/10": "private",
    "ff00::/8": "multicast",
}


# --- is_refused_address ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.255.255.254", "loopback"),
        ("10.0.0.1", "private"),
        ("172.31.255.255", "private"),
        ("192.168.0.1", "private"),
        ("100.64.0.1", "cgnat"),
        ("100.127.255.254", "cgnat"),
        ("169.254.169.254", "cloud-metadata"),
        ("169.254.170.2", "cloud-metadata"),
        ("100.100.100.200", "cloud-metadata"),
        ("168.63.129.16", "cloud-metadata"),
        ("169.254.1.1", "link-local"),
        ("224.0.0.251", "multicast"),
        ("255.255.255.255", "broadcast"),
        ("0.0.0.0", "unspecified"),
        ("0.1.2.3", "reserved"),
        ("240.0.0.1", "reserved"),
        ("192.0.2.10", "documentation"),
        ("198.51.100.10", "documentation"),
        ("203.0.113.10", "documentation"),
        ("198.19.0.1", "benchmark"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fd00:ec2::254", "cloud-metadata"),
        ("fc00::1", "private"),
        ("fd12:3456::1", "private"),
        ("fe80::1", "link-local"),
        ("fe80::1%eth0", "link-local"),
        ("ff02::1", "multicast"),
        ("2001:db8::1", "documentation"),
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped
        ("::ffff:10.1.1.1", "private"),
        ("::ffff:169.254.169.254", "cloud-metadata"),
        ("::127.0.0.1", "reserved"),  # IPv4-compatible (deprecated)
        ("::8.8.8.8", "reserved"),
        ("2002:7f00:1::", "loopback"),  # 6to4 of 127.0.0.1
        ("2002:a9fe:a9fe::1", "cloud-metadata"),  # 6to4 of 169.254.169.254
        ("2002:c0a8:101::", "private"),  # 6to4 of 192.168.1.1
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "reserved"),  # Teredo
        ("64:ff9b::7f00:1", "loopback"),  # NAT64 of 127.0.0.1
        ("64:ff9b::a9fe:a9fe", "cloud-metadata"),
        ("64:ff9b::a00:1", "private"),
        ("64:ff9b:1::a00:1", "private"),  # local-use NAT64
        ("::ffff:0:7f00:1", "reserved"),  # SIIT IPv4-translated
        ("4000::1", "reserved"),  # outside global unicast
        ("not an address", "invalid"),
        ("127.0.0.1.5", "invalid"),
    ],
)
def test_is_refused_address_names_the_reason(address: str, reason: str) -> None:
    assert is_refused_address(address) == reason


@pytest.mark.parametrize(
    "address",
    [
        "8.8.8.8",
        "1.1.1.1",
        "93.184.216.34",
        "100.63.255.255",  # just below CGNAT
        "100.128.0.0",  # just above CGNAT
        "172.32.0.1",  # just above 172.16/12
        "2606:4700:4700::1111",
        "2a00:1450:4001:82b::200e",
        "::ffff:8.8.8.8",
        "2002:808:808::1",  # 6to4 of a public address
        "64:ff9b::808:808",  # NAT64 of a public address
    ],
)
def test_public_addresses_are_allowed(address: str) -> None:
    assert is_refused_address(address) is None


def _addresses_in(network: str) -> st.SearchStrategy:
    net = ipaddress.ip_network(network)
    first, last = int(net.network_address), int(net.broadcast_address)
    make = ipaddress.IPv4Address if net.version == 4 else ipaddress.IPv6Address
    return st.integers(first, last).map(make)


V4_IN_REFUSED = st.sampled_from(sorted(REFUSED_V4)).flatmap(_addresses_in)
V6_IN_REFUSED = st.sampled_from(sorted(REFUSED_V6)).flatmap(_addresses_in)


@given(V4_IN_REFUSED)
def test_no_ipv4_address_in_a_refused_network_is_let_through(address) -> None:
    assert is_refused_address(str(address)) is not None


@given(V6_IN_REFUSED)
def test_no_ipv6_address_in_a_refused_network_is_let_through(address) -> None:
    assert is_refused_address(str(address)) is not None


@given(V4_IN_REFUSED)
def test_no_refused_ipv4_address_gets_through_an_ipv6_wrapping(address) -> None:
    value = int(address)
    wrapped = [
        ipaddress.IPv6Address((0xFFFF << 32) | value),  # ::ffff:a.b.c.d
        ipaddress.IPv6Address(value),  # ::a.b.c.d
        ipaddress.IPv6Address((0x64FF9B << 96) | value),  # 64:ff9b::a.b.c.d
        ipaddress.IPv6Address((0x2002 << 112) | (value << 80)),  # 2002:abcd:efgh::
    ]
    for form in wrapped:
        assert is_refused_address(str(form)) is not None, form


@given(st.integers(0, 2**32 - 1))
def test_an_ipv4_mapped_address_is_judged_like_its_ipv4_address(value: int) -> None:
    v4 = ipaddress.IPv4Address(value)
    mapped = ipaddress.IPv6Address((0xFFFF << 32) | value)
    assert is_refused_address(str(mapped)) == is_refused_address(str(v4))


@given(st.integers(0, 2**128 - 1))
def test_only_global_unicast_ipv6_can_be_allowed(value: int) -> None:
    address = ipaddress.IPv6Address(value)
    if is_refused_address(str(address)) is None:
        embedded = address.ipv4_mapped or address.sixtofour
        in_nat64 = address in ipaddress.IPv6Network("64:ff9b::/96")
        assert address in ipaddress.IPv6Network("2000::/3") or embedded or in_nat64
        assert address.is_global or embedded or in_nat64


# --- URLs refused before any connection ----------------------------------------------------


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://127.0.0.1/", "127.0.0.1 is a loopback address"),
        ("https://127.0.0.1/", "127.0.0.1 is a loopback address"),
        ("http://127.0.0.2/", "127.0.0.2 is a loopback address"),
        ("http://2130706433/", "127.0.0.1 is a loopback address"),
        ("http://0x7f.1/", "127.0.0.1 is a loopback address"),
        ("http://0177.1/", "127.0.0.1 is a loopback address"),
        ("http://127.1/", "127.0.0.1 is a loopback address"),
        ("http://127.0.1/", "127.0.0.1 is a loopback address"),
        ("http://0x7f000001/", "127.0.0.1 is a loopback address"),
        ("http://017700000001/", "127.0.0.1 is a loopback address"),
        ("http://0x7F.0x00.0x00.0x01/", "127.0.0.1 is a loopback address"),
        ("http://0177.0000.0000.0001/", "127.0.0.1 is a loopback address"),
        ("http://127.0.0.1./", "127.0.0.1 is a loopback address"),
        ("http://１２７。０。０。１/", "127.0.0.1 is a loopback address"),
        ("http://0/", "0.0.0.0 is an unspecified address"),
        ("http://0.0.0.0/", "0.0.0.0 is an unspecified address"),
        ("http://10.0.0.1/", "10.0.0.1 is a private address"),
        ("http://167772161/", "10.0.0.1 is a private address"),
        ("http://172.16.5.4/", "172.16.5.4 is a private address"),
        ("http://192.168.1.1/", "192.168.1.1 is a private address"),
        ("http://100.64.0.1/", "100.64.0.1 is a shared (carrier-grade NAT) address"),
        ("http://169.254.169.254/latest/meta-data/", "is a cloud metadata address"),
        ("http://0xa9fea9fe/", "169.254.169.254 is a cloud metadata address"),
        ("http://100.100.100.200/", "is a cloud metadata address"),
        ("http://169.254.10.10/", "is a link-local address"),
        ("http://224.0.0.1/", "is a multicast address"),
        ("http://255.255.255.255/", "is a broadcast address"),
        ("http://240.0.0.1/", "is a reserved address"),
        ("http://192.0.2.1/", "is a documentation address"),
        ("http://198.51.100.1/", "is a documentation address"),
        ("http://203.0.113.1/", "is a documentation address"),
        ("http://198.18.0.1/", "is a benchmarking address"),
        ("http://[::1]/", ":1 is a loopback address"),
        ("http://[::]/", "is an unspecified address"),
        ("http://[0:0:0:0:0:0:0:1]/", ":1 is a loopback address"),
        ("http://[::ffff:127.0.0.1]/", "is a loopback address"),
        ("http://[::ffff:7f00:1]/", "is a loopback address"),
        ("http://[::ffff:a9fe:a9fe]/", "is a cloud metadata address"),
        ("http://[::127.0.0.1]/", "is a reserved address"),
        ("http://[2002:7f00:1::]/", "is a loopback address"),
        ("http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", "is a reserved address"),
        ("http://[64:ff9b::7f00:1]/", "is a loopback address"),
        ("http://[64:ff9b::a9fe:a9fe]/", "is a cloud metadata address"),
        ("http://[64:ff9b:1::a00:1]/", "is a private address"),
        ("http://[fd00:ec2::254]/", "is a cloud metadata address"),
        ("http://[fc00::1]/", "is a private address"),
        ("http://[fe80::1]/", "is a link-local address"),
        ("http://[fe80::1%25eth0]/", "is a link-local address"),
        ("http://[ff02::1]/", "is a multicast address"),
        ("http://[2001:db8::1]/", "is a documentation address"),
    ],
)
def test_refused_addresses_in_every_spelling_are_blocked_without_connecting(
    url: str, says: str, connect_log: ConnectionLog, fake_dns: FakeResolver
) -> None:
    error = refused(url, connect_log)

    assert error.code == "blocked"
    assert error.message.startswith(f"Refused to fetch {url}: ")
    assert says in error.message
    assert fake_dns.calls == []  # address literals are never looked up


@pytest.mark.parametrize(
    "host",
    ["localhost", "api.localhost", "printer.local", "metadata.google.internal", "intranet",
     "router.home.arpa", "LOCALHOST", "localhost."],
)  # fmt: skip
def test_local_host_names_are_blocked_before_dns(
    host: str, connect_log: ConnectionLog, fake_dns: FakeResolver
) -> None:
    error = refused(f"http://{host}/", connect_log)

    assert error.code == "blocked"
    assert "local host name" in error.message
    assert fake_dns.calls == []


def test_a_name_resolving_to_a_private_address_is_blocked(
    connect_log: ConnectionLog, fake_dns: FakeResolver
) -> None:
    fake_dns.add("intranet.example.com", "10.20.30.40")

    error = refused("http://intranet.example.com/wiki", connect_log)

    assert error.code == "blocked"
    assert "intranet.example.com resolves to 10.20.30.40, a private address" in error.message


@pytest.mark.parametrize(
    "answers",
    [
        ("93.184.216.34", "127.0.0.1"),
        ("127.0.0.1", "93.184.216.34"),
        ("2606:2800:220:1::1", "::ffff:10.0.0.1"),
        ("93.184.216.34", "fd00:ec2::254"),
    ],
)
def test_a_name_with_any_refused_answer_is_blocked(
    answers: tuple[str, str], connect_log: ConnectionLog, fake_dns: FakeResolver
) -> None:
    fake_dns.add("mixed.example.com", *answers)

    error = refused("https://mixed.example.com/", connect_log)

    assert error.code == "blocked"


def test_a_name_that_does_not_resolve_is_a_transient_connection_error(
    connect_log: ConnectionLog,
) -> None:
    with pytest.raises(FetchError) as caught:
        fetch("http://no-such-host.example/")

    assert caught.value.code == "connection"
    assert caught.value.transient
    assert connect_log.attempts == []


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.com/file",
        "gopher://example.com/",
        "dict://127.0.0.1:11211/stat",
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
    ],
)
def test_schemes_other_than_http_and_https_are_blocked(
    url: str, connect_log: ConnectionLog
) -> None:
    assert refused(url, connect_log).code == "blocked"


@pytest.mark.parametrize(
    "url", ["http://example.com:8080/", "https://example.com:22/", "http://example.com:6379/"]
)
def test_ports_other_than_80_and_443_are_blocked(
    url: str, connect_log: ConnectionLog, fake_dns: FakeResolver
) -> None:
    error = refused(url, connect_log)

    assert error.code == "blocked"
    assert "port" in error.message
    assert fake_dns.calls == []


@pytest.mark.parametrize(
    "url",
    [
        "",
        "   ",
        "http://",
        "http:///path",
        "http://exa mple.com/",
        "http://example.com/\r\nX-Injected: 1",
        "http://user:secret@example.com/",
        "http://example.com@127.0.0.1/",
        "http://[::1/",
        "http://[not-ipv6]/",
        "http://example.com:99999/",
        "http://example.com:0/",
        "http://256.0.0.1/",
        "http://1.2.3.4.5/",
        "http://0x7g.1/",
        "http://example..com/",
        "http://exa_mple!.com/",
    ],
)
def test_malformed_urls_are_invalid(url: str, connect_log: ConnectionLog) -> None:
    assert refused(url, connect_log).code == "invalid_url"


# --- check_url_allowed (webhook targets at save time) -----------------------------------


def test_check_url_allowed_accepts_a_public_host(fake_dns: FakeResolver) -> None:
    fake_dns.add("hooks.example.com", "93.184.216.34", "2606:2800:220:1::1")

    check_url_allowed("https://hooks.example.com/notify")  # does not raise


def test_check_url_allowed_refuses_private_targets_without_connecting(
    fake_dns: FakeResolver, connect_log: ConnectionLog
) -> None:
    fake_dns.add("hooks.example.com", "192.168.0.10")

    with pytest.raises(FetchError) as caught:
        check_url_allowed("https://hooks.example.com/notify")

    assert caught.value.code == "blocked"
    assert connect_log.attempts == []


def test_check_url_allowed_calls_a_nonexistent_host_invalid() -> None:
    with pytest.raises(FetchError) as caught:
        check_url_allowed("https://nowhere.example/hook")

    assert caught.value.code == "invalid_url"


def test_check_url_allowed_lets_a_temporary_dns_failure_pass(monkeypatch) -> None:
    def flaky(*args, **kwargs):
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", flaky)

    check_url_allowed("https://hooks.example.com/notify")  # sending will check again


def test_allowed_ports_come_from_settings(fake_dns: FakeResolver, settings) -> None:
    fake_dns.add("api.example.com", "93.184.216.34")
    settings.FETCH_ALLOWED_PORTS = [80, 443, 8443]

    check_url_allowed("https://api.example.com:8443/")
    with pytest.raises(FetchError):
        check_url_allowed("https://api.example.com:8444/")


# --- The allowlist ---------------------------------------------------------------------------


def test_allowlist_exempts_exactly_the_named_host_and_port(
    settings, fake_dns: FakeResolver
) -> None:
    fake_dns.add("fixtures.test", "127.0.0.1")
    settings.FETCH_ALLOWLIST = ["127.0.0.1:8000", "fixtures.test:9000", "[::1]:8001"]

    check_url_allowed("http://127.0.0.1:8000/page")
    check_url_allowed("http://fixtures.test:9000/page")
    check_url_allowed("http://[::1]:8001/page")
    for url in (
        "http://127.0.0.1:8001/page",
        "http://127.0.0.1/page",
        "http://fixtures.test/page",
        "http://[::1]:8000/page",
        "http://127.0.0.2:8000/page",
    ):
        with pytest.raises(FetchError) as caught:
            check_url_allowed(url)
        assert caught.value.code == "blocked", url


def test_settings_default_to_no_allowlist_and_web_ports_only(monkeypatch) -> None:
    for name in ("FETCH_ALLOWLIST", "FETCH_ALLOWED_PORTS", "DJANGO_PRODUCTION"):
        monkeypatch.delenv(name, raising=False)

    defaults = runpy.run_path(str(Path(settings_module.__file__)))

    assert defaults["FETCH_ALLOWLIST"] == []
    assert defaults["FETCH_ALLOWED_PORTS"] == [80, 443]
    assert defaults["FETCH_CONNECT_TIMEOUT"] == 5
    assert defaults["FETCH_TOTAL_TIMEOUT"] == 20
