"""Per-host request pacing, shared by every worker process through Django's cache.

Some sites publish how often they may be asked: arXiv's API terms ask for one request
every 3 seconds, and WeChat throttles bursts. settings.FETCH_HOST_INTERVALS gives the
minimum seconds between two requests to a host ("export.arxiv.org=3"); other hosts are
not paced. With Redis as the cache the pacing holds across worker processes and machines
(their clocks are assumed NTP-synchronised).

Reserving a turn is a short critical section guarded by a cache.add() lock (atomic on
every backend): read the host's next free time, take max(now, next free), move it one
interval on, release. Every worker thus gets a distinct start time at least one interval
after the previous one, and sleeps until it. A worker that would have to wait longer than
settings.FETCH_POLITE_MAX_WAIT does not queue: it raises a transient FetchError with
retry_after, so Celery retries later instead of holding a worker slot.

Rate limits announced by a server (429 with Retry-After, or GitHub's
X-RateLimit-Remaining: 0 with X-RateLimit-Reset) are recorded with note_rate_limit();
until the reset, wait_turn() for that host raises a transient FetchError("rate_limited")
with retry_after rather than sleeping, since GitHub resets can be up to an hour away.
"""

from __future__ import annotations

import contextlib
import math
import secrets
import time
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from core.fetch_error import FetchError

# Whole seconds: Django's Redis backend rounds timeouts down to integers.
_LOCK_TTL = 2
_LOCK_POLL = 0.005
_LOCK_PATIENCE = 5.0
_KEY_PREFIX = "politeness"

# Indirections so tests can drive a fake clock.
_now = time.time
_sleep = time.sleep


def _rate_limited(host: str, wait: float, why: str):
    return FetchError(
        "rate_limited",
        f"Waiting before asking {host} again: {why} (about {math.ceil(wait)} s).",
        transient=True,
        retry_after=wait,
    )


def _normalise(host: str) -> str:
    return host.strip().lower().rstrip(".")


def _parse_intervals(raw: Mapping[str, float] | Iterable[str]) -> dict[str, float]:
    if isinstance(raw, Mapping):
        return {_normalise(host): float(seconds) for host, seconds in raw.items()}
    intervals: dict[str, float] = {}
    for item in raw:
        host, sep, seconds = item.partition("=")
        try:
            if not sep:
                raise ValueError
            intervals[_normalise(host)] = float(seconds)
        except ValueError:
            raise ImproperlyConfigured(
                f"FETCH_HOST_INTERVALS entries look like host=seconds, not {item!r}"
            ) from None
    return intervals


def host_interval(host: str) -> float:
    """Minimum seconds between two requests to `host` ("host" or "host:port")."""
    intervals = _parse_intervals(settings.FETCH_HOST_INTERVALS)
    key = _normalise(host)
    if key in intervals:
        return intervals[key]
    hostname = key if key.endswith("]") else key.rsplit(":", 1)[0]  # drop a port
    return intervals.get(hostname, 0.0)


def wait_turn(host: str) -> None:
    """Block until this process may send the next request to `host`.

    Raises a transient FetchError("rate_limited") instead when the host has announced a
    rate limit that has not reset yet, or when the queue for it is too long.
    """
    key = _normalise(host)
    _raise_if_limited(key)
    interval = host_interval(key)
    if interval <= 0:
        return
    start = _reserve(key, interval)
    delay = start - _now()
    if delay > 0:
        _sleep(delay)


def _raise_if_limited(host: str) -> None:
    reset = cache.get(f"{_KEY_PREFIX}:limited:{host}")
    if reset is None:
        return
    wait = float(reset) - _now()
    if wait > 0:
        raise _rate_limited(host, wait, "it asked us to slow down")


def _reserve(host: str, interval: float) -> float:
    """Atomically claim the next start time for `host`; returns it (epoch seconds)."""
    lock_key = f"{_KEY_PREFIX}:lock:{host}"
    next_key = f"{_KEY_PREFIX}:next:{host}"
    token = secrets.token_hex(8)
    give_up = _now() + _LOCK_PATIENCE
    while not cache.add(lock_key, token, timeout=_LOCK_TTL):
        if _now() > give_up:
            raise _rate_limited(host, interval, "other workers are queued for it")
        _sleep(_LOCK_POLL)
    try:
        now = _now()
        start = max(now, float(cache.get(next_key) or 0.0))
        wait = start - now
        max_wait = float(settings.FETCH_POLITE_MAX_WAIT)
        if wait > max_wait:
            raise _rate_limited(host, wait, "too many requests are queued for it")
        cache.set(next_key, start + interval, timeout=math.ceil(wait + interval) + 1)
        return start
    finally:
        # Only release our own lock: after _LOCK_TTL another worker may hold it.
        if cache.get(lock_key) == token:
            cache.delete(lock_key)


def note_rate_limit(host: str, reset_epoch: float) -> None:
    """Record that `host` refuses requests until `reset_epoch` (seconds since the epoch)."""
    wait = float(reset_epoch) - _now()
    if wait <= 0:
        return
    timeout = min(math.ceil(wait) + 1, 24 * 3600)
    cache.set(f"{_KEY_PREFIX}:limited:{_normalise(host)}", float(reset_epoch), timeout=timeout)


def note_response(host: str, status: int, headers: Mapping[str, str]) -> None:
    """Record a rate limit a response announces (lower-cased header names)."""
    if headers.get("x-ratelimit-remaining", "").strip() == "0":
        with contextlib.suppress(KeyError, ValueError):
            note_rate_limit(host, float(headers["x-ratelimit-reset"]))
    if status == 429:
        retry_after = headers.get("retry-after", "").strip()
        if retry_after.isdigit():
            note_rate_limit(host, _now() + int(retry_after))


def github_headers() -> dict[str, str]:
    """Headers for GitHub's REST API; Authorization only when settings.GITHUB_TOKEN is set."""
    headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
    token = settings.GITHUB_TOKEN.strip()
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return headers
