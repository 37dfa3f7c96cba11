"""A real Celery worker process on the real Redis, for end-to-end tests."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

import redis
from django.conf import settings
from django.db import connection
from kombu import pools as kombu_pools

from briefroom.celery import app
from tests.support.processes import stop_group
from tests.support.services import ROOT


class WorkerProcess:
    def __init__(self, broker_url: str, env: dict[str, str], concurrency: int = 2) -> None:
        self.broker_url = broker_url
        self.env = env
        self.concurrency = concurrency
        self.process: subprocess.Popen | None = None
        self.log_path = Path(f"/tmp/briefroom-test-worker-{os.getpid()}.log")

    def start(self) -> WorkerProcess:
        db = settings.DATABASES["default"]
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "briefroom.settings",
            "DATABASE_URL": (f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"),
            "REDIS_URL": self.broker_url,
            "FETCH_ALLOWLIST": ",".join(settings.FETCH_ALLOWLIST),
            "FETCH_RETRY_BASE_SECONDS": "1",
            "FETCH_RETRY_MAX_SECONDS": "2",
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            **self.env,
        }
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.support.celery_worker",
                "-Q",
                "fetch,images,default",
                "-c",
                str(self.concurrency),
                "--pool",
                "prefork",
                "-l",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "-n",
                f"test-{os.getpid()}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._wait_ready()
        return self

    def _wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process and self.process.poll() is not None:
                raise RuntimeError(f"worker exited early:\n{self.log()}")
            if b"ready." in self.log_path.read_bytes():
                return
            time.sleep(0.2)
        raise RuntimeError(f"worker did not start in {timeout} s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-5000:]

    def children(self) -> list[int]:
        """The pool processes running tasks (children of the worker's main process)."""
        assert self.process
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, IndexError, ValueError):
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == self.process.pid:
                    found.append(int(stat.parent.name))
        return found

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            stop_group(self.process, grace=10)


@contextlib.contextmanager
def broker(broker_url: str):
    """Point this process's Celery app at a real broker (not eager) for the test."""
    redis.Redis.from_url(broker_url).flushdb()
    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=broker_url, task_always_eager=False)
    _reset_connections()
    try:
        yield
    finally:
        app.conf.update(saved)
        _reset_connections()
        with contextlib.suppress(Exception):
            redis.Redis.from_url(broker_url).flushdb()


def _reset_connections() -> None:
    # Celery caches its connection and producer pools with the broker URL they were made for,
    # and kombu keeps them in registries keyed by that URL: closing a pool without dropping
    # it from the registry hands the next user of the same URL a closed pool.
    kombu_pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


def require_postgres() -> None:
    from tests.support.services import unavailable

    if connection.vendor != "postgresql":
        unavailable("the worker tests share the database with a worker process: needs PostgreSQL")
