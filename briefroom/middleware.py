"""Site-wide middleware: the probes, the input boundary, and each screen's language."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import defaults

from core.inputs import path_problem, query_problems
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


API_PREFIX = "/api/"


class InputBoundaryMiddleware:
    """Refuse input no view can use before any view, cache or database sees it.

    A path holding NUL, bytes that are not UTF-8 or a broken %-escape names nothing: 404.
    Such a query parameter, or too many parameters: 400. API paths answer in
    the API's error shape, every other path with the site's error pages.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if path_problem(request.path_info) is not None:
            return self.not_found(request)
        problems = query_problems(request.META.get("QUERY_STRING", ""))
        if not problems:
            try:
                request.GET  # noqa: B018 - parsing it is the check
            except TooManyFieldsSent as error:
                problems = {"": str(error)}
        if problems:
            return self.bad_request(request, problems)
        return self.get_response(request)

    def not_found(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(API_PREFIX):
            message = _("No API resource at this path; start at /api/v1/.")
            return api_error(404, "not_found", message)
        return defaults.page_not_found(request, Exception("malformed path"))

    def bad_request(self, request: HttpRequest, problems: dict[str, str]) -> HttpResponse:
        if request.path_info.startswith(API_PREFIX):
            fields = {name: [problem] for name, problem in problems.items() if name}
            messages = [problem for name, problem in problems.items() if not name]
            message = "; ".join(messages) or _("Malformed query parameters.")
            return api_error(400, "invalid", message, fields)
        return defaults.bad_request(request, Exception("malformed query"))


def api_error(
    status: int, code: str, message: str, fields: dict[str, list[str]] | None = None
) -> JsonResponse:
    """The API's one error shape, for answers given before the API's views run."""
    body = {"error": {"code": code, "message": message, "fields": fields or {}}}
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
