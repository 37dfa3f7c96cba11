"""JSON log lines in production, and optional error reporting."""

from __future__ import annotations

import json
import subprocess
import sys
import types

from django.core.checks import run_checks

from ops import checks, errors
from tests.ops.conftest import child_env
from tests.support.services import ROOT

LOG_SOME_LINES = """
import logging, django
django.setup()
log = logging.getLogger("briefroom.backup")
log.warning("backup written", extra={"dump": "briefroom-20240105.dump"})
try:
    1 / 0
except ZeroDivisionError:
    log.exception("backup failed")
"""


def test_json_log_format_writes_one_parseable_object_per_line() -> None:
    result = subprocess.run(
        [sys.executable, "-c", LOG_SOME_LINES],
        cwd=ROOT,
        env=child_env(DJANGO_SETTINGS_MODULE="briefroom.settings", LOG_FORMAT="json"),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    lines = [json.loads(line) for line in result.stderr.splitlines()]
    assert len(lines) == 2  # the traceback stays inside its line
    written, failed = lines
    assert written["levelname"] == "WARNING"
    assert written["name"] == "briefroom.backup"
    assert written["message"] == "backup written"
    assert written["dump"] == "briefroom-20240105.dump"
    assert "ZeroDivisionError" in failed["exc_info"]


def test_sentry_dsn_without_the_sdk_is_a_system_check_warning(settings, monkeypatch) -> None:
    monkeypatch.setattr(checks, "error_reporting_available", lambda: False)
    settings.SENTRY_DSN = "https://key@sentry.example.org/1"
    assert "ops.W001" in [message.id for message in run_checks()]
    settings.SENTRY_DSN = ""
    assert "ops.W001" not in [message.id for message in run_checks()]


def test_error_reporting_sends_no_personal_data(monkeypatch) -> None:
    calls = []
    fake_sdk = types.SimpleNamespace(init=lambda **options: calls.append(options))
    monkeypatch.setitem(sys.modules, "sentry_sdk", fake_sdk)
    monkeypatch.setattr(errors, "error_reporting_available", lambda: True)
    assert errors.error_reporting_init(dsn="https://key@sentry.example.org/1", environment="x")
    assert calls == [
        {"dsn": "https://key@sentry.example.org/1", "environment": "x", "send_default_pii": False}
    ]


def test_error_reporting_is_off_without_the_sdk(monkeypatch) -> None:
    monkeypatch.setattr(errors, "error_reporting_available", lambda: False)
    assert not errors.error_reporting_init(dsn="https://key@sentry.example.org/1", environment="x")
