"""The API's front door and its JSON 404 for paths that name nothing."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import PUBLIC, ApiView, errors
from digest.links import api_url

COLLECTIONS = ["digests", "issues", "articles", "sources", "tags", "webhooks"]


class RootApi(ApiView):
    """Links to every collection, so clients start here and follow links."""

    perms = {"GET": PUBLIC}

    @extend_schema(
        responses={
            200: inline_serializer(
                "ApiRoot", {name: serializers.URLField() for name in COLLECTIONS}
            ),
            **errors(429),
        }
    )
    def get(self, request: Request) -> Response:
        context = {"request": request}
        return Response(
            {name: api_url(context, f"{name.rstrip('s')}-list") for name in COLLECTIONS}
        )


class NotFoundApi(ApiView):
    """Any other path under /api/: a 404 in the API's error shape, not an HTML page."""

    perms = {method: PUBLIC for method in ("GET", "POST", "PUT", "PATCH", "DELETE")}
    schema = None

    def dispatch_not_found(self, request: Request, *args, **kwargs) -> Response:
        raise NotFound(_("No API resource at this path; start at /api/v1/."))

    get = post = put = patch = delete = dispatch_not_found
