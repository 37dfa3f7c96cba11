"""Webhook settings with their defaults (digest/settings.py reads them from the environment)."""

from __future__ import annotations

from django.conf import settings


def max_attempts() -> int:
    return int(getattr(settings, "WEBHOOK_MAX_ATTEMPTS", 5))


def retry_base_seconds() -> int:
    return int(getattr(settings, "WEBHOOK_RETRY_BASE_SECONDS", 30))


def retry_max_seconds() -> int:
    return int(getattr(settings, "WEBHOOK_RETRY_MAX_SECONDS", 3600))


def timeout_seconds() -> float:
    return float(getattr(settings, "WEBHOOK_TIMEOUT_SECONDS", 10))
