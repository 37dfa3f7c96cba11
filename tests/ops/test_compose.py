"""docker-compose.yml, Dockerfile and .env.example describe a deployment that can run."""

from __future__ import annotations

import ast
import importlib
import re
import subprocess
from urllib.parse import urlsplit

import dj_database_url
import pytest
from django.conf import settings
from django.core.management import get_commands

from briefroom.celery import app as celery_app
from tests.ops.conftest import ENV_EXAMPLE, child_env, compose, env_example
from tests.support.services import ROOT, port_open, unavailable

APP_SERVICES = ("migrate", "web", "worker", "beat")
ONE_SHOT = ("migrate",)
ENV_HELPERS = {"env_str", "env_bool", "env_int", "env_list", "env_required"}
# Set by the entry points themselves, never by an operator.
NOT_CONFIGURATION = {"DJANGO_SETTINGS_MODULE"}


def services() -> dict[str, dict]:
    return compose()["services"]


def documented_names() -> set[str]:
    """Names .env.example sets or shows commented out with their default (`# NAME=...`)."""
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(), re.MULTILINE))


def env_names_read_by(source: str) -> set[str]:
    """Names passed to the settings helpers, os.environ.get() or os.getenv() in a module."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and node.args):
            continue
        first, func = node.args[0], node.func
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            continue
        helper = isinstance(func, ast.Name) and func.id in ENV_HELPERS
        environ = (
            isinstance(func, ast.Attribute)
            and func.attr in {"get", "setdefault"}
            and isinstance(func.value, ast.Attribute)
            and func.value.attr == "environ"
        )
        getenv = isinstance(func, ast.Attribute) and func.attr == "getenv"
        if helper or environ or getenv:
            names.add(first.value)
    return names


def project_modules():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in {".venv", "tests", "bench"} or "migrations" in relative.parts:
            continue
        yield relative, path.read_text()


def test_every_long_running_service_has_a_healthcheck() -> None:
    missing = [
        name
        for name, service in services().items()
        if name not in ONE_SHOT and not service.get("healthcheck", {}).get("test")
    ]
    assert missing == []


def test_one_shot_migrate_runs_before_web_worker_and_beat() -> None:
    assert services()["migrate"]["restart"] == "no"
    assert services()["migrate"]["command"][:3] == ["python", "manage.py", "migrate"]
    for name in ("web", "worker", "beat"):
        condition = services()[name]["depends_on"]["migrate"]["condition"]
        assert condition == "service_completed_successfully", name


def test_app_services_read_env_file_that_is_never_committed_nor_built_into_the_image() -> None:
    for name in APP_SERVICES:
        assert services()[name]["env_file"] == ".env", name
    assert ".env" in (ROOT / ".gitignore").read_text().splitlines()
    assert ".env" in (ROOT / ".dockerignore").read_text().splitlines()


def test_env_example_is_a_dotenv_file_without_duplicates() -> None:
    names = []
    for number, line in enumerate(ENV_EXAMPLE.read_text().splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        assert re.fullmatch(r"[A-Z][A-Z0-9_]*=\S*", line), f"line {number}: {line!r}"
        names.append(line.partition("=")[0])
    assert len(names) == len(set(names))


def test_every_environment_variable_the_code_reads_is_in_env_example() -> None:
    undocumented = {
        f"{name} ({relative})"
        for relative, source in project_modules()
        for name in env_names_read_by(source) - NOT_CONFIGURATION - documented_names()
    }
    assert undocumented == set(), "document these in .env.example with their default"


def test_the_env_scan_finds_settings_variables() -> None:
    """Guards the test above against finding nothing and passing."""
    found = env_names_read_by((ROOT / "briefroom" / "settings.py").read_text())
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "LOG_FORMAT"} <= found
    assert "WEB_CONCURRENCY" in env_names_read_by((ROOT / "gunicorn.conf.py").read_text())


def test_variables_compose_interpolates_are_in_env_example() -> None:
    names = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", (ROOT / "docker-compose.yml").read_text()))
    assert names
    assert names - documented_names() == set()


def test_example_database_and_redis_urls_point_at_the_compose_services() -> None:
    values = env_example()
    database = dj_database_url.parse(values["DATABASE_URL"])
    assert database["HOST"] in services()
    assert (database["USER"], database["PASSWORD"], database["NAME"]) == (
        values["POSTGRES_USER"],
        values["POSTGRES_PASSWORD"],
        values["POSTGRES_DB"],
    )
    assert urlsplit(values["REDIS_URL"]).hostname in services()


def test_example_media_root_is_the_mounted_media_volume() -> None:
    media_root = env_example()["MEDIA_ROOT"]
    for name in ("web", "worker"):
        assert f"media:{media_root}" in services()[name]["volumes"], name


def _check_manage_py(argv: list[str]) -> None:
    assert argv[1] == "manage.py" and (ROOT / "manage.py").is_file()
    assert argv[2] in get_commands(), f"no management command {argv[2]!r}"


def _check_celery(argv: list[str]) -> None:
    app_path = next(arg.split("=", 1)[1] for arg in argv if arg.startswith("--app="))
    assert importlib.import_module(app_path).celery_app is celery_app
    assert argv[2] in {"worker", "beat", "inspect"}


def _check_gunicorn(argv: list[str]) -> None:
    config = argv[argv.index("--config") + 1]
    assert (ROOT / config).is_file()
    module, _, attribute = argv[-1].partition(":")
    assert callable(getattr(importlib.import_module(module), attribute))


def test_every_service_command_names_something_that_exists() -> None:
    checks = {"python": _check_manage_py, "celery": _check_celery, "gunicorn": _check_gunicorn}
    commands = [services()[name]["command"] for name in APP_SERVICES]
    commands.append(services()["beat"]["healthcheck"]["test"][1:])
    commands.append(services()["worker"]["healthcheck"]["test"][1].split())
    for argv in commands:
        checks[argv[0]](argv)


def consumed_queues() -> set[str]:
    argv = services()["worker"]["command"]
    queues = next(arg.split("=", 1)[1] for arg in argv if arg.startswith("--queues="))
    return set(queues.split(","))


def routed_queues() -> dict[str, str]:
    """The queue each registered task and beat entry would be sent to, per the settings."""
    celery_app.loader.import_default_modules()
    router = celery_app.amqp.router
    names = {name for name in celery_app.tasks if not name.startswith("celery.")}
    names |= {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    routes = {}
    for name in names:
        task = celery_app.tasks.get(name)
        queue = getattr(task, "queue", None)
        options = {"queue": queue} if queue else {}
        routes[name] = router.route(options, name, (), {}, task)["queue"].name
    return routes


def test_worker_consumes_every_queue_tasks_are_routed_to() -> None:
    routes = routed_queues()
    assert "ops.tasks.worker_heartbeat" in routes
    unconsumed = {task: queue for task, queue in routes.items() if queue not in consumed_queues()}
    assert unconsumed == {}


def test_worker_consumes_the_ingestion_and_webhook_queues() -> None:
    assert {"fetch", "images", "webhooks", settings.CELERY_TASK_DEFAULT_QUEUE} <= consumed_queues()


def test_production_lock_pins_every_runtime_dependency_of_the_dev_lock() -> None:
    def pins(name: str) -> dict[str, str]:
        lines = (ROOT / name).read_text().splitlines()
        return dict(
            line.split("==", 1) for line in lines if "==" in line and not line.startswith("#")
        )

    prod, dev = pins("requirements.prod.lock"), pins("requirements.lock")
    assert {"django", "celery", "gunicorn", "psycopg"} <= set(prod)
    assert "pytest" not in prod
    assert all(dev.get(name) == version for name, version in prod.items())


def test_dockerfile_installs_the_lock_collects_static_and_runs_as_non_root() -> None:
    lines = [line.strip() for line in (ROOT / "Dockerfile").read_text().splitlines()]
    assert lines[[line.startswith("FROM") for line in lines].index(True)].startswith(
        "FROM python:3.11-slim"
    )
    assert "RUN pip install --requirement requirements.prod.lock" in lines
    assert any("manage.py collectstatic --noinput" in line for line in lines)
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in {"root", "0"}


def _shell_healthcheck(service: str) -> str:
    kind, command = services()[service]["healthcheck"]["test"]
    assert kind == "CMD-SHELL"
    return command.replace("$$", "$")  # compose's escape for a literal $


@pytest.mark.redis
def test_redis_healthcheck_passes_against_a_live_redis() -> None:
    if not port_open("127.0.0.1", 6379):
        unavailable("Redis is not answering on 127.0.0.1:6379")
    result = subprocess.run(["sh", "-c", _shell_healthcheck("redis")], check=False)
    assert result.returncode == 0


@pytest.mark.postgres
def test_postgres_healthcheck_passes_against_a_live_postgres() -> None:
    if not port_open("127.0.0.1", 5432):
        unavailable("PostgreSQL is not answering on 127.0.0.1:5432")
    env = child_env(PGHOST="127.0.0.1", POSTGRES_USER="postgres", POSTGRES_DB="postgres")
    result = subprocess.run(["sh", "-c", _shell_healthcheck("postgres")], env=env, check=False)
    assert result.returncode == 0
