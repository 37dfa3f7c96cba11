"""What the site answers when a request fails: a 503 while the database is unreachable.

Django turns an exception raised anywhere below the outermost middleware into a response
through `handler500`, so this one handler covers views, the API and middleware alike.
"""

from __future__ import annotations

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext
from django.views import defaults
from rest_framework.exceptions import APIException

from api.errors import error_body

RETRY_AFTER_SECONDS = 30
API_PREFIX = "/api/"
# What a lost or refused database connection raises; other database errors are bugs.
DATABASE_UNREACHABLE = (OperationalError, InterfaceError)


def server_error(request: HttpRequest) -> HttpResponse:
    """A 503 with Retry-After when the database is unreachable, else Django's 500 page."""
    if not isinstance(sys.exc_info()[1], DATABASE_UNREACHABLE):
        return defaults.server_error(request)
    return service_unavailable(request)


def service_unavailable(request: HttpRequest) -> HttpResponse:
    response: HttpResponse
    if request.path.startswith(API_PREFIX):
        message = gettext("The service is temporarily unavailable; try again later.")
        unavailable = APIException(detail=message, code="unavailable")
        response = JsonResponse({"error": error_body(unavailable, {"detail": message})})
    else:
        context = {"retry_after": RETRY_AFTER_SECONDS, "lang": settings.LANGUAGE_CODE}
        response = HttpResponse(render_to_string("503.html", context))
    response.status_code = 503
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
