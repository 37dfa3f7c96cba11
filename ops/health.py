"""Readiness checks: can this process serve requests and have its background work done?

Each check answers in about a second at worst. Failures name the exception type only: the
endpoint is public, and driver messages can carry host names; the full message is logged.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import redis
from django.conf import settings
from django.db import DatabaseError, connection

from ops.heartbeat import cache_is_shared, heartbeat_age

logger = logging.getLogger(__name__)
PASSING = frozenset({"ok", "eager", "skipped"})
# Without these no request can be served; without the others the site runs degraded.
REQUIRED = frozenset({"database"})


@dataclass(frozen=True)
class CheckResult:
    status: str  # ok, eager, skipped or failing
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.status in PASSING

    def as_dict(self) -> dict[str, str]:
        return {"status": self.status, "detail": self.detail}


def _failing(check: str, exc: Exception) -> CheckResult:
    logger.warning("readiness check %s failed: %s", check, exc, exc_info=exc)
    return CheckResult("failing", f"{type(exc).__name__}")


def check_database() -> CheckResult:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return _failing("database", exc)
    return CheckResult("ok")


def check_redis() -> CheckResult:
    if not settings.REDIS_URL:
        return CheckResult("skipped", "REDIS_URL is not set")
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        return _failing("redis", exc)
    finally:
        client.close()
    return CheckResult("ok")


def check_worker(*, now: float | None = None) -> CheckResult:
    """A worker ran the heartbeat task recently (or there is no broker and tasks run eagerly)."""
    if settings.CELERY_TASK_ALWAYS_EAGER or not settings.CELERY_BROKER_URL:
        return CheckResult("eager", "no broker: tasks run in the calling process")
    if not cache_is_shared():
        return CheckResult("failing", "heartbeats need a shared cache: set REDIS_URL")
    try:
        age = heartbeat_age("worker", now=now)
        beat_age = heartbeat_age("beat", now=now)
    except Exception as exc:  # the cache backend's own errors (redis, memcached...)
        return _failing("worker", exc)
    limit = settings.WORKER_HEARTBEAT_MAX_AGE
    beat = "never" if beat_age is None else f"{beat_age:.0f}s ago"
    if age is None:
        return CheckResult("failing", f"no worker heartbeat yet; beat last sent one {beat}")
    if age > limit:
        return CheckResult(
            "failing", f"last worker heartbeat {age:.0f}s ago (limit {limit}s); beat: {beat}"
        )
    return CheckResult("ok", f"last worker heartbeat {age:.0f}s ago")


def readiness() -> dict[str, CheckResult]:
    return {"database": check_database(), "redis": check_redis(), "worker": check_worker()}
