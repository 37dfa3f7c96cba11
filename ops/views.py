"""Probe endpoints for load balancers, orchestrators and compose health checks."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from ops.health import REQUIRED, readiness


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """The process answers; touches nothing else, so a database outage doesn't restart it."""
    return JsonResponse({"status": "ok"})


@require_safe
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """503 without the database; 200 "degraded", naming what fails, without Redis or workers.

    Pages render from the database and saves complete while Redis or the workers are down,
    so a load balancer should keep sending readers here.
    """
    checks = readiness()
    failing = [name for name, check in checks.items() if not check.ok]
    if not failing:
        status = "ready"
    elif set(failing) & REQUIRED:
        status = "not ready"
    else:
        status = "degraded"
    body = {
        "status": status,
        "checks": {name: check.as_dict() for name, check in checks.items()},
        "failing": failing,
    }
    return JsonResponse(body, status=503 if status == "not ready" else 200)
