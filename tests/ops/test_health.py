"""/healthz says the process is alive; /readyz says whether it can do its job."""

from __future__ import annotations

import time

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

from ops.heartbeat import heartbeat_record

pytestmark = pytest.mark.django_db


def test_probes_are_routed_at_the_site_root() -> None:
    assert (reverse("ops:healthz"), reverse("ops:readyz")) == ("/healthz", "/readyz")


def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_probes_answer_load_balancers_that_use_an_ip_as_host(client, settings) -> None:
    settings.ALLOWED_HOSTS = ["news.example.org"]
    for path in ("/healthz", "/readyz"):
        assert client.get(path, HTTP_HOST="10.0.3.7:8000").status_code == 200, path
    assert client.get("/", HTTP_HOST="10.0.3.7:8000").status_code == 400


def test_probes_are_not_redirected_to_https(client, settings) -> None:
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301


def test_readyz_is_ready_without_redis_when_tasks_run_eagerly(client, settings) -> None:
    settings.REDIS_URL = ""
    settings.CELERY_BROKER_URL = ""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    statuses = {name: check["status"] for name, check in body["checks"].items()}
    assert statuses == {"database": "ok", "redis": "skipped", "worker": "eager"}


def test_readyz_is_503_when_the_database_is_unreachable(client, monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise OperationalError('connection to server at "10.9.8.7" failed: refused')

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/readyz")
    assert response.status_code == 503
    database = response.json()["checks"]["database"]
    assert database == {"status": "failing", "detail": "OperationalError"}
    assert "10.9.8.7" not in response.content.decode()  # no addresses on a public page


def test_readyz_says_degraded_naming_redis_when_redis_does_not_answer(client, settings) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/readyz")
    assert response.status_code == 200  # pages still render from the database
    body = response.json()
    assert body["status"] == "degraded"
    assert "redis" in body["failing"]
    assert body["checks"]["redis"]["status"] == "failing"


def test_worker_check_fails_when_heartbeats_cannot_be_shared(client, settings) -> None:
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.REDIS_URL = ""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["failing"] == ["worker"]
    assert "shared cache" in response.json()["checks"]["worker"]["detail"]


@pytest.mark.redis
def test_readyz_is_ready_with_a_recent_worker_heartbeat(client, shared_cache) -> None:
    heartbeat_record("worker", at=time.time() - 5)
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    assert response.json()["checks"]["worker"]["status"] == "ok"


@pytest.mark.redis
def test_readyz_is_degraded_when_the_last_worker_heartbeat_is_too_old(
    client, settings, shared_cache
):
    settings.WORKER_HEARTBEAT_MAX_AGE = 120
    heartbeat_record("worker", at=time.time() - 300)
    heartbeat_record("beat", at=time.time() - 10)
    response = client.get("/readyz")
    assert (response.status_code, response.json()["status"]) == (200, "degraded")
    worker = response.json()["checks"]["worker"]
    assert worker["status"] == "failing"
    assert "300s ago (limit 120s)" in worker["detail"]
    assert "beat: 10s ago" in worker["detail"]


@pytest.mark.redis
def test_readyz_is_degraded_before_any_worker_heartbeat(client, shared_cache) -> None:
    response = client.get("/readyz")
    assert (response.status_code, response.json()["status"]) == (200, "degraded")
    assert response.json()["checks"]["worker"]["detail"].startswith("no worker heartbeat yet")
