"""What every API view shares: error shape, throttles, permissions by method, id parsing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponseBase
from django.template.response import SimpleTemplateResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import generics, permissions
from rest_framework.parsers import BaseParser, JSONParser
from rest_framework.request import Request
from rest_framework.schemas.inspectors import ViewInspector
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from api.errors import BadRequest, exception_handler
from api.language import negotiated_language
from api.pagination import PageNumber
from api.schema import PUBLIC, ApiAutoSchema
from api.serializers import ErrorOutput
from api.throttles import AnonThrottle, UserThrottle

if TYPE_CHECKING:
    # Stub-only: a permission class, or two combined with & or |.
    from rest_framework.permissions import _PermissionClass

MAX_ID = 2**63 - 1
MAX_POSITIVE_INT = 2**31 - 1


AUTHENTICATED = "authenticated"


class MethodPermissions(permissions.BasePermission):
    """`view.perms` maps an HTTP method to PUBLIC, AUTHENTICATED or a Django permission."""

    def has_permission(self, request: Request, view: Any) -> bool:
        method = "GET" if request.method in ("HEAD", "OPTIONS") else request.method
        required = view.perms.get(method)
        if required is None:
            return False
        if required == PUBLIC:
            return True
        if not request.user or not request.user.is_authenticated:
            return False
        return required == AUTHENTICATED or request.user.has_perm(required)


class ApiMixin:
    # Request bodies are JSON, and only JSON: forms would bypass the body schemas.
    parser_classes: Sequence[type[BaseParser]] = [JSONParser]
    schema: ViewInspector | None = ApiAutoSchema()
    throttle_classes: Sequence[type[BaseThrottle]] = [AnonThrottle, UserThrottle]
    permission_classes: Sequence[_PermissionClass] = [MethodPermissions]
    perms: dict[str, str] = {}

    def get_exception_handler(self):
        return exception_handler

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        """Answer in one language, DRF's messages and the API's own alike."""
        language = negotiated_language(request)
        with translation.override(language):
            response = super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
            # Render while the language is active: lazy messages are read when rendered.
            if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
                response.render()
        if response.status_code >= 400 or request.method not in ("GET", "HEAD"):
            # Only these carry messages; reads stay one cached copy for every language.
            response.headers["Content-Language"] = language
            patch_vary_headers(response, ["Accept-Language"])
        return response

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        # Only the parameters a view lists take several values: any other repeated one is a
        # mistake, not "the last".
        allowed: frozenset[str] = getattr(self, "list_parameters", frozenset())
        repeated = sorted(
            k for k, v in request.query_params.lists() if len(v) > 1 and k not in allowed
        )
        if repeated:
            raise BadRequest(
                _("each query parameter may be given once: {names}").format(
                    names=", ".join(repeated)
                )
            )


class ApiView(ApiMixin, APIView):
    pass


class ApiListView(ApiMixin, generics.ListAPIView):
    pagination_class = PageNumber


def parse_id(value: str, name: str = "id", maximum: int = MAX_ID) -> int:
    """A positive integer from the path, or a 400 saying why not."""
    try:
        number = int(value)
    except ValueError:
        raise BadRequest(
            _("{name} must be a positive integer, not {value!r}").format(
                name=name, value=value[:40]
            )
        ) from None
    if number < 1 or number > maximum:
        raise BadRequest(
            _("{name} must be a positive integer no larger than {maximum}").format(
                name=name, maximum=maximum
            )
        )
    return number


def id_parameter(
    name: str = "id", description: str = "", maximum: int = MAX_ID
) -> OpenApiParameter:
    """A path id as `parse_id` takes it: a positive integer within the database's range."""
    schema = {"type": "integer", "minimum": 1, "maximum": maximum}
    if maximum == MAX_ID:
        schema["format"] = "int64"
    return OpenApiParameter(
        name, schema, OpenApiParameter.PATH, description=description or f"The {name}."
    )


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    """Documented error responses, all in the API's one error shape."""
    descriptions = {
        400: "Invalid input; `error.fields` says which.",
        401: "Authentication is required (token or session).",
        403: "Authenticated, but lacking the permission for this operation.",
        404: "No such resource, or not visible to this client.",
        409: "The resource's state forbids the operation.",
        412: "`If-Match` names an ETag the issue no longer has: GET it again and redo the change.",
        429: "Too many requests; retry after the `Retry-After` seconds.",
    }
    return {code: OpenApiResponse(ErrorOutput, description=descriptions[code]) for code in codes}


IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="The issue's ETag from your last GET; the write is refused with 412 if the "
    "issue changed since. Leave out to write unconditionally.",
)
VALIDATORS = [
    OpenApiParameter(
        "ETag", str, OpenApiParameter.HEADER, response=[200, 201], description="The version."
    ),
    OpenApiParameter(
        "Last-Modified", str, OpenApiParameter.HEADER, response=[200, 201], description="HTTP date."
    ),
]
READ_ERRORS = (400, 404, 429)
WRITE_ERRORS = (400, 401, 403, 404, 429)
