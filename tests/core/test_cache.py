"""The Redis cache answers as a miss while Redis is unreachable, and says so in the log."""

from __future__ import annotations

import logging

import pytest

from core import cache as degrading
from core.cache import DegradingRedisCache, cache_error_count
from tests.ops.conftest import free_port
from tests.support.services import require_redis


def backend(location: str) -> DegradingRedisCache:
    options = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    return DegradingRedisCache(location, {"KEY_PREFIX": "test-degrade", "OPTIONS": options})


@pytest.fixture
def down() -> DegradingRedisCache:
    """A cache whose Redis port nothing listens on."""
    return backend(f"redis://127.0.0.1:{free_port()}/0")


def test_it_answers_reads_as_misses_and_drops_writes(down) -> None:
    before = cache_error_count()
    assert down.get("k") is None
    assert down.get("k", "fallback") == "fallback"
    assert down.get_many(["a", "b"]) == {}
    assert down.add("k", 1) is False
    assert down.set("k", 1) is None
    assert down.set_many({"a": 1}) == []
    assert down.delete("k") is False
    assert down.has_key("k") is False
    assert down.get_or_set("k", 7) == 7  # a get, an add and a get
    down.clear()
    assert cache_error_count() - before == 12


def test_incr_while_down_is_a_missing_key(down) -> None:
    with pytest.raises(ValueError):
        down.incr("counter")


def test_it_logs_an_outage_once_per_interval(down, caplog, monkeypatch) -> None:
    monkeypatch.setattr(degrading, "errors", degrading.ErrorCounter())
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        for _ in range(5):
            down.get("k")
    warnings = [r for r in caplog.records if r.name == "core.cache"]
    assert len(warnings) == 1
    assert "cache unavailable" in warnings[0].getMessage()
    assert degrading.errors.total == 5


@pytest.mark.redis
def test_it_behaves_as_redis_cache_when_redis_answers() -> None:
    up = backend(require_redis())
    before = cache_error_count()
    up.set("k", {"x": 1})
    assert up.get("k") == {"x": 1}
    up.delete("k")
    assert cache_error_count() == before
