"""Django's Redis cache, degrading to a cache miss while Redis is unreachable.

A cache is an optimisation: when Redis is down, a read is a miss and a write is dropped,
so a request renders from the database and a save completes. Each failure is counted and
logged, at most once per ERROR_LOG_SECONDS per process, so an outage does not flood the
logs with one traceback per request. Other errors (a value that cannot be pickled, `incr`
of a missing key) are raised as usual: they are bugs, not outages.

Wiring: CACHES["default"]["BACKEND"] = "core.cache.DegradingRedisCache".
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

import redis
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)

ERROR_LOG_SECONDS = 60.0
UNREACHABLE = (redis.RedisError, OSError)


class ErrorCounter:
    """Failed cache operations in this process, and when one was last logged."""

    def __init__(self) -> None:
        self.total = 0
        self.last_logged: float | None = None  # time.monotonic()
        self.lock = threading.Lock()

    def failed(self, operation: str, exc: BaseException) -> None:
        now = time.monotonic()
        with self.lock:
            self.total += 1
            due = self.last_logged is None or now - self.last_logged >= ERROR_LOG_SECONDS
            if due:
                self.last_logged = now
            count = self.total
        if due:
            logger.warning(
                "cache unavailable (%s: %s), serving without it; %d failed operations so far",
                operation,
                type(exc).__name__,
                count,
                exc_info=exc,
            )


errors = ErrorCounter()


def cache_error_count() -> int:
    """How many cache operations failed in this process since it started."""
    return errors.total


def _degrading(name: str, fallback: Callable[..., Any]) -> Callable[..., Any]:
    """RedisCacheClient's method `name`, answering `fallback(*args)` when Redis fails."""
    method = getattr(RedisCacheClient, name)

    @wraps(method)
    def wrapped(self: RedisCacheClient, *args: Any) -> Any:
        try:
            return method(self, *args)
        except UNREACHABLE as exc:
            errors.failed(name, exc)
            return fallback(*args)

    return wrapped


def _incr_unavailable(key: Any, delta: int) -> int:
    # No number to answer with: callers handle a missing key already.
    raise ValueError(f"Key {key!r} not found: the cache is unavailable")


class DegradingRedisCacheClient(RedisCacheClient):
    add = _degrading("add", lambda key, value, timeout: False)
    get = _degrading("get", lambda key, default: default)
    set = _degrading("set", lambda key, value, timeout: None)
    touch = _degrading("touch", lambda key, timeout: False)
    delete = _degrading("delete", lambda key: False)
    get_many = _degrading("get_many", lambda keys: {})
    has_key = _degrading("has_key", lambda key: False)
    incr = _degrading("incr", _incr_unavailable)
    set_many = _degrading("set_many", lambda data, timeout: None)
    delete_many = _degrading("delete_many", lambda keys: None)
    clear = _degrading("clear", lambda: False)


class DegradingRedisCache(RedisCache):
    """RedisCache whose operations answer as a miss instead of raising while Redis is down."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = DegradingRedisCacheClient
