"""System checks for the operational settings."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import CheckMessage, Warning, register

from ops.errors import error_reporting_available


@register()
def error_reporting_check(app_configs, **kwargs) -> list[CheckMessage]:
    if settings.SENTRY_DSN and not error_reporting_available():
        return [
            Warning(
                "SENTRY_DSN is set but sentry-sdk is not installed: errors are only logged.",
                hint="pip install sentry-sdk, or unset SENTRY_DSN.",
                id="ops.W001",
            )
        ]
    return []
