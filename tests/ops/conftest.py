"""Helpers for the operations tests: the compose file, clean child environments, Redis."""

from __future__ import annotations

import os
import secrets
import socket
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import yaml

from tests.support.services import ROOT, require_redis

COMPOSE_FILE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
VENV_BIN = Path(sys.executable).parent
# Other suites flush Redis db 15 between tests; the heartbeat tests keep to their own db.
OPS_REDIS_URL = os.environ.get("TEST_OPS_REDIS_URL", "redis://127.0.0.1:6379/14")


def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def env_example() -> dict[str, str]:
    """The assignments .env.example makes (commented-out defaults excluded)."""
    values = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value
    return values


def secret_key() -> str:
    return secrets.token_urlsafe(50)


def child_env(**values: str) -> dict[str, str]:
    """An environment with none of this shell's settings, so a child sees only `values`."""
    return {
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        **values,
    }


def executable(argv: list[str]) -> list[str]:
    """A compose command with its program taken from this virtualenv."""
    program = sys.executable if argv[0] == "python" else str(VENV_BIN / argv[0])
    return [program, *argv[1:]]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def ops_redis() -> Iterator[str]:
    """A Redis URL for this test, with a key prefix no other test uses; cleaned up after."""
    require_redis()
    prefix = f"test-ops-{uuid.uuid4().hex[:8]}"
    yield prefix
    client = redis.Redis.from_url(OPS_REDIS_URL)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
    client.close()


@pytest.fixture
def shared_cache(settings, ops_redis: str) -> str:
    """Django's cache on the real Redis, as in production, with the broker configured."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": OPS_REDIS_URL,
            "KEY_PREFIX": ops_redis,
        }
    }
    settings.REDIS_URL = OPS_REDIS_URL
    settings.CELERY_BROKER_URL = OPS_REDIS_URL
    settings.CELERY_TASK_ALWAYS_EAGER = False
    return ops_redis
