"""A fetch refused for its address or for its port is logged at WARNING, saying why."""

from __future__ import annotations

import logging

import pytest

from core.fetcher import FetchError, fetch, post_json

pytest_plugins = ["tests.support.httpserver"]


@pytest.fixture(autouse=True)
def _offline(connect_log, fake_dns, settings) -> None:
    settings.FETCH_ALLOWLIST = []
    settings.FETCH_ALLOWED_PORTS = [80, 443]


def refusal_logs(caplog, call) -> list[logging.LogRecord]:
    with caplog.at_level(logging.DEBUG, logger="core.fetcher"), pytest.raises(FetchError) as err:
        call()
    assert err.value.code == "blocked"
    return [r for r in caplog.records if r.name == "core.fetcher"]


@pytest.mark.parametrize("send", [fetch, lambda url: post_json(url, b"{}", headers={})])
def test_a_private_address_is_refused_with_a_warning(caplog, connect_log, send) -> None:
    [record] = refusal_logs(caplog, lambda: send("http://10.1.2.3/admin"))
    assert record.levelno == logging.WARNING
    assert "10.1.2.3" in record.getMessage()
    assert connect_log.attempts == []


def test_a_name_resolving_to_loopback_is_refused_with_a_warning(caplog, fake_dns) -> None:
    fake_dns.add("sneaky.example", "127.0.0.1")
    [record] = refusal_logs(caplog, lambda: fetch("https://sneaky.example/"))
    assert record.levelno == logging.WARNING
    assert "sneaky.example" in record.getMessage()


@pytest.mark.parametrize("send", [fetch, lambda url: post_json(url, b"{}", headers={})])
def test_a_port_that_is_not_allowed_is_refused_with_a_warning(caplog, fake_dns, send) -> None:
    fake_dns.add("public.example", "93.184.216.34")
    [record] = refusal_logs(caplog, lambda: send("https://public.example:6379/"))
    assert record.levelno == logging.WARNING
    assert "port 6379" in record.getMessage()
