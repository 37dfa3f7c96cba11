"""The heartbeat task, its beat schedule and the heartbeat_check health-check command."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from briefroom.celery import app as celery_app
from ops.heartbeat import heartbeat_age, heartbeat_record
from ops.tasks import worker_heartbeat


def test_beat_sends_the_heartbeat_well_within_the_age_readiness_allows() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["worker-heartbeat"]
    assert entry["task"] == worker_heartbeat.name
    assert entry["task"] in celery_app.tasks
    assert 2 * entry["schedule"] <= settings.WORKER_HEARTBEAT_MAX_AGE


@pytest.mark.redis
def test_heartbeat_task_records_when_a_worker_last_ran_it(shared_cache) -> None:
    assert heartbeat_age("worker") is None
    worker_heartbeat.apply()
    age = heartbeat_age("worker")
    assert age is not None and age < 5


@pytest.mark.redis
def test_heartbeat_check_passes_on_a_recent_heartbeat(shared_cache, capsys) -> None:
    heartbeat_record("beat", at=time.time() - 3)
    call_command("heartbeat_check", "beat")
    assert "beat heartbeat 3s old" in capsys.readouterr().out


@pytest.mark.redis
def test_heartbeat_check_fails_on_an_old_or_missing_heartbeat(shared_cache) -> None:
    with pytest.raises(CommandError, match="no beat heartbeat recorded"):
        call_command("heartbeat_check", "beat")
    heartbeat_record("beat", at=time.time() - 61)
    with pytest.raises(CommandError, match=r"beat heartbeat is 61s old \(limit 60s\)"):
        call_command("heartbeat_check", "beat", "--max-age", "60")


def test_heartbeat_check_refuses_a_per_process_cache(settings) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with pytest.raises(CommandError, match="shared cache"):
        call_command("heartbeat_check", "worker")
