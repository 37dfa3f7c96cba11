"""Probe endpoints for load balancers, orchestrators and compose health checks."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from ops.health import readiness


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """The process answers; touches nothing else, so a database outage doesn't restart it."""
    return JsonResponse({"status": "ok"})


@require_safe
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """503 until the database, Redis and a Celery worker all answer."""
    checks = readiness()
    ready = all(check.ok for check in checks.values())
    body = {
        "status": "ready" if ready else "not ready",
        "checks": {name: check.as_dict() for name, check in checks.items()},
    }
    return JsonResponse(body, status=200 if ready else 503)
