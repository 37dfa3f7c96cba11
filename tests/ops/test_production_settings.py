"""Production settings: `check --deploy` is clean, and missing secrets stop the start."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.ops.conftest import child_env, env_example, secret_key
from tests.support.services import ROOT

MINIMAL_PRODUCTION = {
    "DJANGO_PRODUCTION": "true",
    "DJANGO_ALLOWED_HOSTS": "news.example.org",
    "DATABASE_URL": "postgres://briefroom:secret@db.internal:5432/briefroom",
    "REDIS_URL": "redis://cache.internal:6379/0",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=child_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "environment",
    [MINIMAL_PRODUCTION, env_example()],
    ids=["minimal production environment", ".env.example"],
)
def test_production_environment_passes_check_deploy_without_warnings(environment) -> None:
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={**environment, "DJANGO_SECRET_KEY": secret_key()},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ({"DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY is required"),
        ({"DJANGO_SECRET_KEY": "change-me"}, "DJANGO_SECRET_KEY is too short"),
        ({"DJANGO_ALLOWED_HOSTS": ""}, "DJANGO_ALLOWED_HOSTS is required"),
    ],
    ids=["no secret key", "placeholder secret key", "no allowed hosts"],
)
def test_production_refuses_to_start_without_required_settings(missing, message) -> None:
    environment = {**MINIMAL_PRODUCTION, "DJANGO_SECRET_KEY": secret_key(), **missing}
    result = manage("check", env=environment)
    assert result.returncode != 0
    assert message in result.stderr


def test_example_env_file_alone_does_not_start_until_the_secret_key_is_filled_in() -> None:
    result = manage("check", env=env_example())
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_static_files_collect_with_the_production_manifest_storage(settings, tmp_path) -> None:
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = Path(settings.STATIC_ROOT / "staticfiles.json").read_text()
    assert '"admin/css/base.css"' in manifest
    assert list(Path(settings.STATIC_ROOT, "admin", "css").glob("base.*.css.gz"))
