"""The client's address comes from REMOTE_ADDR or from our own proxies' X-Forwarded-For entry."""

from __future__ import annotations

import pytest
from django.http import HttpRequest
from django.test import RequestFactory

from core.clientip import UNKNOWN, client_ip


def request(remote: str = "203.0.113.7", **headers: str) -> HttpRequest:
    made = RequestFactory().get("/", REMOTE_ADDR=remote)
    made.META.update(headers)
    return made


SPOOFS = {
    "HTTP_X_FORWARDED_FOR": "198.51.100.1, 198.51.100.2",
    "HTTP_X_REAL_IP": "198.51.100.3",
}


def test_without_trusted_proxies_forwarded_headers_change_nothing(settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request(**SPOOFS)) == "203.0.113.7"
    assert client_ip(request()) == "203.0.113.7"


def test_one_trusted_proxy_gives_the_rightmost_entry(settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    spoofed = request("10.0.0.2", HTTP_X_FORWARDED_FOR="1.1.1.1, 192.0.2.44")
    assert client_ip(spoofed) == "192.0.2.44"
    assert client_ip(request("10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.44")) == "192.0.2.44"


def test_x_real_ip_is_never_read(settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    only_real_ip = request("10.0.0.2", HTTP_X_REAL_IP="198.51.100.3")
    assert client_ip(only_real_ip) == "10.0.0.2"


def test_two_trusted_proxies_give_the_second_entry_from_the_right(settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 2
    forwarded = "6.6.6.6, 192.0.2.44, 10.0.0.9"
    assert client_ip(request("10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)) == "192.0.2.44"


@pytest.mark.parametrize(
    "forwarded",
    ["", " , ", "not-an-address", "192.0.2.44, <script>", "999.1.1.1", "192.0.2.44:8080"],
)
def test_malformed_or_short_headers_fall_back_to_remote_addr(settings, forwarded) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request("10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)) == "10.0.0.2"


def test_a_header_shorter_than_the_proxy_chain_falls_back(settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request("10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.44")) == "10.0.0.2"


def test_ipv6_addresses_are_normalised(settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    forwarded = request("::1", HTTP_X_FORWARDED_FOR="2001:DB8:0:0::1")
    assert client_ip(forwarded) == "2001:db8::1"


def test_a_peer_without_an_address_is_unknown(settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request("")) == UNKNOWN
