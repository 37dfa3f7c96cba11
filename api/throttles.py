"""API rate limits: a fixed-window counter per client, counted atomically in the cache.

DRF's SimpleRateThrottle reads a list of timestamps from the cache, appends and writes it
back: two requests at once both read the same list and one of them is never counted. Here
each window is one cache key, created with `add` and counted with `incr`, which are atomic
in Redis (and under the local-memory cache's lock), so N requests at once count N.

Clients are told apart by `core.clientip.client_ip`, never by what they write in
X-Forwarded-For. When the cache cannot count (Redis down), requests are let through and a
warning is logged at most once a minute: a rate limit that stopped the API during an
outage would turn a cache failure into a site failure.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, cast

from django.core.cache import cache
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from core.cache import UNREACHABLE
from core.clientip import client_ip

logger = logging.getLogger(__name__)

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
OUTAGE_LOG_SECONDS = 60.0
_outage_logged: float | None = None
_outage_lock = threading.Lock()


def current_rate(scope: str | None) -> str | None:
    """The scope's rate ("100/hour") as the settings say now, not as they were at import."""
    if scope is None:
        return None
    # The stubs type these rates as numbers; the settings hold "number/period" strings.
    rates = cast(dict[str, str | None], api_settings.DEFAULT_THROTTLE_RATES)
    return rates.get(scope)


def parse_rate(rate: str) -> tuple[int, int]:
    """("120/min") -> (120 requests, 60 seconds); the period is read by its first letter."""
    number, _, period = rate.partition("/")
    return int(number), PERIODS[period.strip()[0]]


def _log_outage(scope: str, exc: BaseException) -> None:
    global _outage_logged
    now = time.monotonic()
    with _outage_lock:
        if _outage_logged is not None and now - _outage_logged < OUTAGE_LOG_SECONDS:
            return
        _outage_logged = now
    logger.warning(
        "API throttle %r not counting (%s): requests are let through until the cache answers",
        scope,
        type(exc).__name__,
    )


def count_in_window(key: str, duration: int) -> int:
    """Add one to `key`'s counter for its window and return the new count (atomic)."""
    # Created at 0 only if absent; expires with its window (whole seconds for Redis).
    cache.add(key, 0, timeout=duration + 1)
    return cache.incr(key)


class FixedWindowThrottle(BaseThrottle):
    """At most `rate` requests per client in each window of the rate's period."""

    scope = ""

    def __init__(self) -> None:
        self.retry_after: float | None = None

    def get_ident(self, request: Request) -> str:
        return client_ip(request)

    def client_key(self, request: Request) -> str | None:
        """Who is counted: None for a request this throttle does not apply to."""
        raise NotImplementedError

    def allow_request(self, request: Request, view: Any) -> bool:
        rate = current_rate(self.scope)
        client = self.client_key(request)
        if rate is None or client is None:
            return True
        limit, duration = parse_rate(rate)
        now = time.time()
        window = int(now // duration)
        key = f"throttle:{self.scope}:{client}:{duration}:{window}"
        try:
            count = count_in_window(key, duration)
        except (ValueError, *UNREACHABLE) as exc:
            # ValueError: the key was not there to count, because the cache is down (the
            # degrading cache answers so) or dropped it between add and incr.
            _log_outage(self.scope, exc)
            return True
        if count <= limit:
            return True
        self.retry_after = (window + 1) * duration - now
        return False

    def wait(self) -> float | None:
        return self.retry_after


class AnonThrottle(FixedWindowThrottle):
    """Requests without a user, per client address."""

    scope = "anon"

    def client_key(self, request: Request) -> str | None:
        if request.user and request.user.is_authenticated:
            return None
        return self.get_ident(request)


class UserThrottle(FixedWindowThrottle):
    """Requests per signed-in user (token or session); others per client address."""

    scope = "user"

    def client_key(self, request: Request) -> str | None:
        if request.user and request.user.is_authenticated:
            return f"user-{request.user.pk}"
        return self.get_ident(request)
