"""Worker and beat heartbeats kept in the shared cache, so any web process can read them."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache

ROLES = ("worker", "beat")
HEARTBEAT_TASK = "ops.tasks.worker_heartbeat"
# Caches that live inside one process: a heartbeat written there is invisible to the web.
_PROCESS_LOCAL_BACKENDS = ("LocMemCache", "DummyCache")


def _key(role: str) -> str:
    if role not in ROLES:
        raise ValueError(f"unknown heartbeat role {role!r}")
    return f"ops:heartbeat:{role}"


def heartbeat_record(role: str, *, at: float | None = None) -> None:
    """Store when `role` last proved it was alive; kept until overwritten."""
    cache.set(_key(role), time.time() if at is None else at, timeout=None)


def heartbeat_age(role: str, *, now: float | None = None) -> float | None:
    """Seconds since the last heartbeat of `role`, or None when none was ever recorded."""
    at = cache.get(_key(role))
    if at is None:
        return None
    # Machines' clocks differ a little: a heartbeat "from the future" is simply fresh.
    return max(0.0, (time.time() if now is None else now) - float(at))


def cache_is_shared() -> bool:
    backend = str(settings.CACHES["default"]["BACKEND"])
    return not backend.endswith(_PROCESS_LOCAL_BACKENDS)
