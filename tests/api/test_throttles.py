"""The API's rate limits count every request once, per real client, even all at once."""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Iterator

import pytest
import redis
from django.db import connection, connections
from rest_framework.test import APIClient

from api import throttles
from tests.api.conftest import ENGLISH
from tests.ops.conftest import free_port
from tests.support.services import require_redis, unavailable

ROOT = "/api/v1/"


def rates(settings, anon: str, user: str = "100000/min") -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": anon, "user": user},
    }


def redis_cache(settings, location: str, prefix: str) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.DegradingRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


@pytest.fixture
def real_redis(settings) -> Iterator[str]:
    """Django's cache on the test Redis, under a prefix of this test's own."""
    url = require_redis()
    prefix = f"test-throttle-{uuid.uuid4().hex[:8]}"
    redis_cache(settings, url, prefix)
    yield prefix
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
    client.close()


@pytest.mark.django_db
@pytest.mark.parametrize("proxies", [0, 1])
def test_made_up_forwarded_addresses_do_not_dodge_the_limit(settings, proxies) -> None:
    settings.TRUSTED_PROXY_COUNT = proxies
    rates(settings, "50/min")
    client = APIClient(**ENGLISH)
    codes = []
    for number in range(200):
        made_up = f"198.51.{number // 250}.{number % 250}"
        # Behind one proxy, that proxy appends the address it saw: always the same client.
        forwarded = f"{made_up}, 192.0.2.10" if proxies else made_up
        response = client.get(ROOT, HTTP_X_FORWARDED_FOR=forwarded, HTTP_X_REAL_IP=made_up)
        codes.append(response.status_code)
    assert codes == [200] * 50 + [429] * 150


@pytest.mark.django_db
def test_behind_a_proxy_each_client_has_its_own_limit(settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    rates(settings, "2/min")
    client = APIClient(**ENGLISH)

    def get(address: str) -> int:
        return client.get(ROOT, HTTP_X_FORWARDED_FOR=address).status_code

    assert [get("192.0.2.1") for _ in range(3)] == [200, 200, 429]
    assert [get("192.0.2.2") for _ in range(3)] == [200, 200, 429]


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_are_each_counted_once_in_redis(settings, real_redis) -> None:
    if connection.vendor != "postgresql":
        unavailable("concurrency tests need PostgreSQL (set DATABASE_URL)")
    rates(settings, "120/min")
    threads, per_thread = 8, 140 // 8 + 1  # 144 requests, 4 of them spare
    total = 140
    taken = iter(range(total))
    lock = threading.Lock()
    codes: list[int] = []
    failures: list[BaseException] = []
    barrier = threading.Barrier(threads)

    def worker() -> None:
        client = APIClient(**ENGLISH)
        try:
            barrier.wait(timeout=10)
            for _ in range(per_thread):
                with lock:
                    if next(taken, None) is None:
                        return
                status = client.get(ROOT).status_code
                with lock:
                    codes.append(status)
        except BaseException as exc:  # re-raised below, in the test
            failures.append(exc)
        finally:
            connections.close_all()

    running = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join(timeout=120)
    assert not failures, failures
    assert len(codes) == total
    assert codes.count(200) == 120, sorted(codes)
    assert codes.count(429) == 20


@pytest.mark.django_db
def test_throttled_answer_keeps_the_error_shape_and_retry_after(settings) -> None:
    rates(settings, "1/hour")
    client = APIClient(**ENGLISH)
    assert client.get(ROOT).status_code == 200
    refused = client.get(ROOT)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "throttled"
    assert 0 < int(refused["Retry-After"]) <= 3600


@pytest.mark.django_db
def test_while_redis_is_down_requests_pass_and_it_is_logged_once(
    settings, caplog, monkeypatch
) -> None:
    redis_cache(settings, f"redis://127.0.0.1:{free_port()}/0", "test-throttle-down")
    monkeypatch.setattr(throttles, "_outage_logged", None)
    settings.PAGECACHE_ENABLED = False
    rates(settings, "2/min")
    client = APIClient(**ENGLISH)
    with caplog.at_level(logging.WARNING, logger="api.throttles"):
        codes = [client.get(ROOT).status_code for _ in range(5)]
    assert codes == [200] * 5
    warnings = [r for r in caplog.records if r.name == "api.throttles"]
    assert len(warnings) == 1
    assert warnings[0].levelno == logging.WARNING
    assert "not counting" in warnings[0].getMessage()
