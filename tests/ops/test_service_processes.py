"""The web, worker and beat commands of docker-compose.yml, run for real, pass their checks."""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.ops.conftest import (
    OPS_REDIS_URL,
    child_env,
    compose,
    executable,
    free_port,
    secret_key,
)
from tests.support.processes import stop_group
from tests.support.services import ROOT, require_redis

pytestmark = pytest.mark.timeout(120)


@contextlib.contextmanager
def running(argv: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    with log.open("wb") as output:
        process = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield process
    finally:
        stop_group(process)


def wait_for(condition: Callable[[], bool], process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 45
    while time.monotonic() < deadline:
        if condition():
            return
        if process.poll() is not None:
            pytest.fail(f"exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        time.sleep(0.3)
    pytest.fail(f"not ready in 45 s:\n{log.read_text()[-3000:]}")


def healthcheck(service: str, env: dict[str, str], **replace: str) -> subprocess.CompletedProcess:
    """Run the service's compose health check here, as Docker would in the container."""
    kind, *argv = compose()["services"][service]["healthcheck"]["test"]
    for old, new in replace.items():
        argv = [arg.replace(old, new) for arg in argv]
    # In CMD-SHELL commands, $$ is compose's escape for a literal $.
    command = ["sh", "-c", argv[0].replace("$$", "$")] if kind == "CMD-SHELL" else executable(argv)
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def answers(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
        return True
    return False


def production_env(**values: str) -> dict[str, str]:
    return child_env(
        DJANGO_PRODUCTION="true",
        DJANGO_SECRET_KEY=secret_key(),
        DJANGO_ALLOWED_HOSTS="news.example.org",
        **values,
    )


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_web_command_serves_probes_behind_its_healthcheck_and_logs_json(tmp_path) -> None:
    port = free_port()
    env = production_env(
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    log = tmp_path / "web.log"
    with running(executable(compose()["services"]["web"]["command"]), env, log) as web:
        wait_for(lambda: answers(port), web, log)
        check = healthcheck("web", env, **{":8000/": f":{port}/"})
        assert check.returncode == 0, check.stderr
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=10) as response:
            assert json.load(response)["status"] == "ready"
    access = [line for line in json_lines(log.read_text()) if line["name"] == "gunicorn.access"]
    assert any("GET /healthz" in line["message"] for line in access), log.read_text()


def test_worker_command_records_a_heartbeat_and_answers_its_healthcheck(tmp_path) -> None:
    require_redis()
    prefix = f"test-ops-{uuid.uuid4().hex[:8]}"
    host = f"ops-test-{uuid.uuid4().hex[:8]}"
    env = production_env(
        REDIS_URL=OPS_REDIS_URL,
        CACHE_KEY_PREFIX=prefix,
        HOSTNAME=host,
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    argv = [
        *executable(compose()["services"]["worker"]["command"]),
        "--concurrency=1",
        f"--hostname=celery@{host}",
    ]
    log = tmp_path / "worker.log"
    with running(argv, env, log) as worker:
        wait_for(lambda: b" ready." in log.read_bytes(), worker, log)
        check = healthcheck("worker", env)
        assert check.returncode == 0, check.stdout + check.stderr
        heartbeat = subprocess.run(
            executable(["python", "manage.py", "heartbeat_check", "worker"]),
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert heartbeat.returncode == 0, heartbeat.stderr
    # Celery's own lines go through the settings' JSON logging, not Celery's text handler.
    assert any("ready" in line["message"] for line in json_lines(log.read_text()))


def test_beat_command_passes_its_healthcheck(tmp_path) -> None:
    require_redis()
    env = production_env(
        REDIS_URL=OPS_REDIS_URL,
        CACHE_KEY_PREFIX=f"test-ops-{uuid.uuid4().hex[:8]}",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    argv = [
        arg.replace("/tmp/celerybeat-schedule", str(tmp_path / "schedule"))
        for arg in executable(compose()["services"]["beat"]["command"])
    ]
    log = tmp_path / "beat.log"
    assert healthcheck("beat", env).returncode != 0  # nothing has started yet
    with running(argv, env, log) as beat:
        wait_for(lambda: healthcheck("beat", env).returncode == 0, beat, log)
