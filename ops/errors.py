"""Optional error reporting to Sentry (or a Sentry-compatible service such as GlitchTip)."""

from __future__ import annotations

import importlib.util


def error_reporting_available() -> bool:
    return importlib.util.find_spec("sentry_sdk") is not None


def error_reporting_init(*, dsn: str, environment: str) -> bool:
    """Send unhandled errors of Django and Celery to `dsn`; False when sentry-sdk is absent.

    Called from settings so that web, worker and beat processes all report. The SDK enables
    its Django, Celery and Redis integrations by itself when those packages are importable.
    """
    if not dsn or not error_reporting_available():
        return False
    import sentry_sdk

    # No request bodies, cookies or user details leave the site.
    sentry_sdk.init(dsn=dsn, environment=environment, send_default_pii=False)
    return True
