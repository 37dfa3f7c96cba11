"""Per-host pacing through the cache, with a fake clock and with real threads."""

from __future__ import annotations

import importlib
import itertools
import threading
import time
import uuid

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.core.exceptions import ImproperlyConfigured

from core import politeness
from core.fetcher import FetchError


class FakeClock:
    """time.time and time.sleep for politeness: sleeping moves the clock on."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


@pytest.fixture
def clock(monkeypatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(politeness, "_now", fake.time)
    monkeypatch.setattr(politeness, "_sleep", fake.sleep)
    return fake


@pytest.fixture(autouse=True)
def _fresh_cache(settings) -> None:
    settings.FETCH_HOST_INTERVALS = ["export.arxiv.org=3", "mp.weixin.qq.com=1"]
    settings.FETCH_POLITE_MAX_WAIT = 30
    cache.clear()


def test_defaults_follow_the_published_terms_of_arxiv_and_a_modest_rate_for_wechat(
    monkeypatch,
) -> None:
    monkeypatch.delenv("FETCH_HOST_INTERVALS", raising=False)
    defaults = importlib.reload(importlib.import_module("briefroom.settings"))
    monkeypatch.setattr(settings, "FETCH_HOST_INTERVALS", defaults.FETCH_HOST_INTERVALS)

    assert politeness.host_interval("export.arxiv.org") == 3
    assert politeness.host_interval("mp.weixin.qq.com") == 1
    assert politeness.host_interval("example.com") == 0


def test_settings_accept_host_equals_seconds_entries_and_mappings(settings) -> None:
    settings.FETCH_HOST_INTERVALS = ["Slow.Example.com=2.5"]
    assert politeness.host_interval("slow.example.com") == 2.5
    assert politeness.host_interval("slow.example.com:8443") == 2.5

    settings.FETCH_HOST_INTERVALS = {"127.0.0.1:8000": 0.5}
    assert politeness.host_interval("127.0.0.1:8000") == 0.5
    assert politeness.host_interval("127.0.0.1:8001") == 0


@pytest.mark.parametrize("entry", ["export.arxiv.org", "export.arxiv.org=soon"])
def test_malformed_interval_setting_fails_loudly(settings, entry: str) -> None:
    settings.FETCH_HOST_INTERVALS = [entry]

    with pytest.raises(ImproperlyConfigured):
        politeness.host_interval("export.arxiv.org")


def test_unpaced_hosts_never_wait_or_reserve(clock: FakeClock) -> None:
    for _ in range(5):
        politeness.wait_turn("example.com")

    assert clock.sleeps == []
    assert cache.get("politeness:next:example.com") is None


def test_each_request_to_arxiv_waits_three_seconds_after_the_previous(clock: FakeClock) -> None:
    starts = []
    for _ in range(4):
        politeness.wait_turn("export.arxiv.org")
        starts.append(clock.now)

    assert [b - a for a, b in itertools.pairwise(starts)] == [3.0, 3.0, 3.0]


def test_a_request_after_a_quiet_spell_goes_at_once(clock: FakeClock) -> None:
    politeness.wait_turn("export.arxiv.org")
    clock.now += 10

    politeness.wait_turn("export.arxiv.org")

    assert clock.sleeps == []


def test_hosts_are_paced_independently(clock: FakeClock) -> None:
    politeness.wait_turn("export.arxiv.org")
    politeness.wait_turn("mp.weixin.qq.com")
    politeness.wait_turn("mp.weixin.qq.com")

    assert clock.sleeps == [1.0]


def test_a_worker_sleeps_until_the_turn_after_those_already_reserved(
    clock: FakeClock,
) -> None:
    # Other workers have reserved arXiv until 4 s from now.
    cache.set("politeness:next:export.arxiv.org", clock.now + 4)
    start = clock.now

    politeness.wait_turn("export.arxiv.org")

    assert clock.sleeps == [4.0]
    assert cache.get("politeness:next:export.arxiv.org") == start + 4 + 3


def test_a_queue_longer_than_the_maximum_wait_raises_instead_of_sleeping(
    clock: FakeClock, settings
) -> None:
    settings.FETCH_POLITE_MAX_WAIT = 5
    cache.set("politeness:next:export.arxiv.org", clock.now + 6)

    with pytest.raises(FetchError) as caught:
        politeness.wait_turn("export.arxiv.org")

    assert (caught.value.code, caught.value.transient) == ("rate_limited", True)
    assert caught.value.retry_after == pytest.approx(6)
    assert clock.sleeps == []
    assert cache.get("politeness:next:export.arxiv.org") == clock.now + 6  # nothing reserved
    assert cache.get("politeness:lock:export.arxiv.org") is None  # lock released


def test_a_worker_waits_while_another_holds_the_reservation_lock(
    clock: FakeClock, monkeypatch
) -> None:
    cache.add("politeness:lock:export.arxiv.org", "other-worker", timeout=60)
    polls: list[float] = []

    def sleep_and_release_on_third_poll(seconds: float) -> None:
        clock.now += seconds
        polls.append(seconds)
        if len(polls) == 3:
            cache.delete("politeness:lock:export.arxiv.org")

    monkeypatch.setattr(politeness, "_sleep", sleep_and_release_on_third_poll)

    politeness.wait_turn("export.arxiv.org")

    assert len(polls) == 3
    assert cache.get("politeness:next:export.arxiv.org") == pytest.approx(clock.now + 3)
    assert cache.get("politeness:lock:export.arxiv.org") is None


def test_a_lock_that_is_never_released_gives_up_with_a_transient_error(
    clock: FakeClock,
) -> None:
    cache.add("politeness:lock:export.arxiv.org", "stuck-worker", timeout=3600)

    with pytest.raises(FetchError) as caught:
        politeness.wait_turn("export.arxiv.org")

    assert caught.value.code == "rate_limited"
    assert caught.value.transient
    assert cache.get("politeness:lock:export.arxiv.org") == "stuck-worker"  # not ours to free


def test_noted_rate_limit_raises_with_retry_after_until_the_reset(clock: FakeClock) -> None:
    politeness.note_rate_limit("api.github.com", clock.now + 120)

    with pytest.raises(FetchError) as caught:
        politeness.wait_turn("api.github.com")
    assert caught.value.code == "rate_limited"
    assert caught.value.transient
    assert caught.value.retry_after == pytest.approx(120)

    clock.now += 121
    politeness.wait_turn("api.github.com")  # free again


def test_a_reset_in_the_past_is_ignored(clock: FakeClock) -> None:
    politeness.note_rate_limit("api.github.com", clock.now - 5)

    politeness.wait_turn("api.github.com")


def test_github_headers_with_an_exhausted_budget_are_noted(clock: FakeClock) -> None:
    headers = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(clock.now) + 60)}

    politeness.note_response("api.github.com", 200, headers)

    with pytest.raises(FetchError) as caught:
        politeness.wait_turn("api.github.com")
    assert caught.value.retry_after == pytest.approx(60)


def test_github_headers_with_budget_left_are_not_a_limit(clock: FakeClock) -> None:
    headers = {"x-ratelimit-remaining": "1", "x-ratelimit-reset": str(int(clock.now) + 60)}

    politeness.note_response("api.github.com", 200, headers)

    politeness.wait_turn("api.github.com")


def test_too_many_requests_with_retry_after_is_noted(clock: FakeClock) -> None:
    politeness.note_response("mp.weixin.qq.com", 429, {"retry-after": "30"})

    with pytest.raises(FetchError) as caught:
        politeness.wait_turn("mp.weixin.qq.com")
    assert caught.value.retry_after == pytest.approx(30)


def test_github_headers_carry_the_token_only_when_configured(settings) -> None:
    settings.GITHUB_TOKEN = ""
    assert "Authorization" not in politeness.github_headers()

    settings.GITHUB_TOKEN = "ghp_example"
    headers = politeness.github_headers()
    assert headers["Authorization"] == "Bearer ghp_example"
    assert headers["Accept"] == "application/vnd.github+json"


# --- Several workers at once ---------------------------------------------------------------


def _start_times(host: str, workers: int) -> list[float]:
    """Threads standing in for worker processes; each records when it was let go."""
    starts: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(workers)

    def worker() -> None:
        barrier.wait()
        politeness.wait_turn(host)
        moment = time.time()
        with lock:
            starts.append(moment)

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    return sorted(starts)


def _assert_spaced(starts: list[float], interval: float, workers: int) -> None:
    assert len(starts) == workers
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    # Sleep never wakes early, but a thread may be descheduled between waking and noting
    # the time, which shortens the next gap a little; shared turns would show gaps near 0.
    assert min(gaps) >= interval * 0.75, gaps


def test_concurrent_workers_get_distinct_turns_with_the_local_cache(settings) -> None:
    settings.FETCH_HOST_INTERVALS = {"busy.example": 0.08}

    starts = _start_times("busy.example", workers=6)

    _assert_spaced(starts, 0.08, workers=6)


@pytest.mark.redis
def test_concurrent_workers_get_distinct_turns_through_redis(settings, redis_url: str) -> None:
    prefix = f"test-politeness-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": prefix,
        }
    }
    settings.FETCH_HOST_INTERVALS = {"busy.example": 0.08}
    try:
        starts = _start_times("busy.example", workers=6)

        _assert_spaced(starts, 0.08, workers=6)
        assert caches["default"].get("politeness:next:busy.example") is not None
    finally:
        caches["default"].delete_many(
            [f"politeness:{kind}:busy.example" for kind in ("next", "lock", "limited")]
        )
