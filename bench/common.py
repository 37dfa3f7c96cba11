"""What the benchmark parts share: environment, prerequisites, the bench database, results."""

from __future__ import annotations

import contextlib
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
BIN = Path(PYTHON).parent
PG_HOST, PG_PORT = "127.0.0.1", 5432
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
BENCH_DB = os.environ.get("BENCH_DATABASE_NAME", "briefroom_bench")
DATABASE_URL = f"postgres://postgres@{PG_HOST}:{PG_PORT}/{BENCH_DB}"
# Redis databases of our own (the tests use 14 and 15, the site 0 and 1), flushed by us.
CACHE_REDIS_URL = f"redis://{REDIS_HOST}:{REDIS_PORT}/{os.environ.get('BENCH_CACHE_DB', '12')}"
BROKER_REDIS_URL = f"redis://{REDIS_HOST}:{REDIS_PORT}/{os.environ.get('BENCH_BROKER_DB', '13')}"


def bench_env() -> dict[str, str]:
    """The environment of the bench process and of the servers and workers it starts."""
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": CACHE_REDIS_URL,
        "CELERY_BROKER_URL": BROKER_REDIS_URL,
        # One client address sends every request here; real readers come from many.
        "API_THROTTLE_ANON": "100000000/min",
        "API_THROTTLE_USER": "100000000/min",
        "LOG_LEVEL": "WARNING",
        "LOG_FORMAT": "text",
        "BENCH_STATIC_ROOT": os.environ.get("BENCH_STATIC_ROOT")
        or tempfile.mkdtemp(prefix="briefroom-bench-static-"),
    }


def setup_django() -> None:
    """Configure this process for the bench database and caches, then start Django."""
    os.environ.update(bench_env())
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# --- prerequisites ----------------------------------------------------------------------


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def ensure_wrk() -> str | None:
    """The wrk binary, installed with apt-get when missing and running as root."""
    found = shutil.which("wrk")
    if found or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found
    print("wrk is missing: apt-get install -y wrk", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "install", "-y", "-q", "wrk"],):
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            # The package lists may be stale or absent on a fresh machine.
            subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True, timeout=300)
            subprocess.run(command, env=env, capture_output=True, timeout=300)
    return shutil.which("wrk")


@dataclass
class Prerequisites:
    postgres: bool
    redis: bool
    wrk: str | None

    def missing_for(self, part: str) -> list[str]:
        needs = {
            "cold": ["postgres", "redis"],
            "warm": ["postgres", "redis", "wrk"],
            "extraction": [],
            "fetch": ["postgres", "redis"],
            "scale": ["postgres", "redis"],
            "feeds": ["postgres", "redis"],
            "edits": ["postgres", "redis"],
            "workbench": ["postgres", "redis"],
        }[part]
        return [MISSING[name] for name in needs if not getattr(self, name)]


MISSING = {
    "postgres": f"PostgreSQL on {PG_HOST}:{PG_PORT} (user postgres, trust): `make services`",
    "redis": f"Redis on {REDIS_HOST}:{REDIS_PORT}: `make services`",
    "wrk": "wrk: `apt-get install -y wrk` (as root), or put wrk on PATH",
}


def check_prerequisites(parts: list[str]) -> Prerequisites:
    return Prerequisites(
        postgres=port_open(PG_HOST, PG_PORT),
        redis=port_open(REDIS_HOST, REDIS_PORT),
        wrk=ensure_wrk() if "warm" in parts else shutil.which("wrk"),
    )


# --- the bench database and Redis -------------------------------------------------------


def ensure_database() -> None:
    """Create the bench database when missing and bring its schema up to date."""
    import psycopg
    from django.core.management import call_command

    with psycopg.connect(
        host=PG_HOST, port=PG_PORT, user="postgres", dbname="postgres", autocommit=True
    ) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
            print(f"created database {BENCH_DB}", flush=True)
    call_command("migrate", interactive=False, verbosity=0)


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


# --- results ----------------------------------------------------------------------------


@dataclass
class Result:
    part: str
    target: str
    measured: str
    passed: bool | None  # None: not measured (skipped)

    @property
    def verdict(self) -> str:
        return {True: "pass", False: "MISS", None: "skipped"}[self.passed]


def heading(title: str) -> None:
    print(f"\n=== {title} " + "=" * max(0, 76 - len(title)), flush=True)


def tool_versions() -> str:
    def run(*command: str) -> str:
        try:
            out = subprocess.run(command, capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            return "absent"
        lines = (out.stdout or out.stderr).strip().splitlines()
        return lines[0] if lines else "?"  # wrk --version exits with 1

    cores = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    wrk = shutil.which("wrk")
    return "\n".join(
        [
            f"cores: {cores} (usable {usable}) | {platform.machine()} {platform.system()} "
            f"{platform.release()} | python {platform.python_version()}",
            f"django {version('django')} | djangorestframework {version('djangorestframework')}"
            f" | gunicorn {version('gunicorn')} | whitenoise {version('whitenoise')}"
            f" | celery {version('celery')} | redis-py {version('redis')}"
            f" | psycopg {version('psycopg')} | lxml {version('lxml')}",
            f"{run(wrk, '--version') if wrk else 'wrk absent'}",
        ]
    )


def server_versions() -> str:
    """The versions of the PostgreSQL and Redis servers the benchmark talks to."""
    import redis
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    info = redis.Redis.from_url(CACHE_REDIS_URL).info("server")
    return (
        f"PostgreSQL server {postgres} (database {BENCH_DB}) | Redis server "
        f"{info['redis_version']} (cache {CACHE_REDIS_URL}, broker {BROKER_REDIS_URL})"
    )


@contextlib.contextmanager
def celery_worker(
    *, name: str, queue: str, concurrency: int, pool: str, env: dict[str, str], log: Path
) -> Iterator[subprocess.Popen]:
    """A Celery worker process on `queue`, ready to take tasks; its whole group stops after."""
    command = [
        str(BIN / "celery"), "-A", "briefroom.celery", "worker", "-Q", queue,
        "-c", str(concurrency), "--pool", pool, "-l", "WARNING",
        "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", name,
    ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        wait_ready(process, name, log)
        yield process
    finally:
        stop_group(process, grace=20)


def stop_group(process: subprocess.Popen, grace: float = 15) -> None:
    """Stop a process started with start_new_session and every process of its group:
    SIGTERM, then SIGKILL if the group has not gone after `grace` seconds."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def wait_ready(process: subprocess.Popen, name: str, log: Path, timeout: float = 60) -> None:
    from briefroom.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"worker exited:\n{log.read_text(errors='replace')[-3000:]}")
        if app.control.ping(destination=[name], timeout=0.5):
            return
    raise RuntimeError(
        f"worker not ready in {timeout} s:\n{log.read_text(errors='replace')[-3000:]}"
    )
