"""Serve the probes before host validation and HTTPS redirects."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from ops.views import healthz, readyz

PROBES: dict[str, Callable[[HttpRequest], HttpResponse]] = {"/healthz": healthz, "/readyz": readyz}


class HealthCheckMiddleware:
    """Load balancers probe by IP address (Host: 10.0.3.7:8000), which ALLOWED_HOSTS rejects.

    The probe responses never use the Host header, so answering them first is safe.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info)
        if probe is not None:
            return probe(request)
        return self.get_response(request)
