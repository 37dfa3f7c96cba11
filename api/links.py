"""Absolute links in API responses: from the request when there is one, else SITE_URL."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from rest_framework.fields import Field


def serializer_context(field: Field) -> dict[str, Any]:
    """The field's context: the dict its serializer was given, which caches the base URL.

    DRF hands back that same dict; its stubs type it as a read-only Mapping.
    """
    return cast(dict[str, Any], field.context)


def base_url(request: Any = None) -> str:
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return settings.SITE_URL


def context_base(context: dict[str, Any]) -> str:
    if "base_url" not in context:
        context["base_url"] = base_url(context.get("request"))
    return context["base_url"]


def api_url(context: dict[str, Any], name: str, *args: Any) -> str:
    return context_base(context) + reverse(f"api:{name}", args=args)


def absolute(context: dict[str, Any], path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return context_base(context) + path


def file_url(context: dict[str, Any], file: FieldFile | None) -> str | None:
    if not file:
        return None
    return absolute(context, file.url)
