"""Absolute links in API responses: from the request when there is one, else SITE_URL."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.urls import reverse


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
