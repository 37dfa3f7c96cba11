"""Serve the probes before host validation and HTTPS redirects; choose each screen's language."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

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


# Screens that speak the editor's language; every other page speaks the site's or its digest's.
EDITOR_PATH_PREFIXES = ("/admin/", "/i18n/")


class EditorLocaleMiddleware(LocaleMiddleware):
    """The admin follows the editor: the language switcher's cookie, else Accept-Language.

    Public pages never negotiate: they are the same for every reader (which is what lets the
    page cache keep one copy per URL), in the site's language unless a digest's view
    switches to the digest's own.
    """

    def process_request(self, request: HttpRequest) -> None:
        if request.path_info.startswith(EDITOR_PATH_PREFIXES):
            super().process_request(request)
            return
        translation.activate(settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if request.path_info.startswith(EDITOR_PATH_PREFIXES):
            return super().process_response(request, response)
        return response
