"""Absolute links in API responses: from the request when there is one, else SITE_URL."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.core.signals import setting_changed
from django.db.models.fields.files import FieldFile
from django.dispatch import receiver
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from rest_framework.fields import Field

# Stand-ins for ids while reversing a URL pattern once: digits, which every converter the
# API uses (anyid, slug; int, str and path too) accepts and passes through unchanged.
_SLOT = "7303914826{}"

# Per urlconf and script prefix: (name, number of arguments) → template, or None.
_templates: dict[tuple[str | None, str], dict[tuple[str, int], str | None]] = {}
# Script prefixes come from the server; should one come from a header, memory stays bounded.
_MAX_PREFIXES = 16


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
    if "api_links" not in context:
        context["api_links"] = ApiLinks(context_base(context))
    return context["api_links"].url(name, *args)


class ApiLinks:
    """Absolute API URLs under one base, without reversing again for every id.

    An issue's detail links to some 150 objects, and reverse() costs as much as the rest
    of an object's serialization. So each URL pattern is reversed once, with stand-ins,
    into a template for ids (non-negative ints) to be formatted into; any other argument
    goes through reverse() and its checks. One instance serves one request: templates
    depend on its urlconf and script prefix.
    """

    def __init__(self, base: str) -> None:
        self.base = base
        key = (get_urlconf(), get_script_prefix())
        if key not in _templates and len(_templates) >= _MAX_PREFIXES:
            _templates.clear()
        self.templates = _templates.setdefault(key, {})

    def url(self, name: str, *args: Any) -> str:
        key = (name, len(args))
        if key not in self.templates:
            self.templates[key] = _template(name, len(args))
        template = self.templates[key]
        if template is None or not all(type(arg) is int and arg >= 0 for arg in args):
            return self.base + reverse(f"api:{name}", args=args)
        return self.base + template.format(*args)


def _template(name: str, arity: int) -> str | None:
    """The path of `name` with `{0}`, `{1}`… for its arguments; None if reverse() must do."""
    slots = [_SLOT.format(i) for i in range(arity)]
    try:
        path = reverse(f"api:{name}", args=slots)
    except NoReverseMatch:
        return None
    template = path.replace("{", "{{").replace("}", "}}")
    for number, slot in enumerate(slots):
        if template.count(slot) != 1:
            return None  # a converter changed the digits, or the path holds them already
        template = template.replace(slot, f"{{{number}}}")
    return template


@receiver(setting_changed)
def _forget_templates(*, setting: str, **kwargs: Any) -> None:
    if setting == "ROOT_URLCONF":
        _templates.clear()


def absolute(context: dict[str, Any], path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return context_base(context) + path


def file_url(context: dict[str, Any], file: FieldFile | None) -> str | None:
    if not file:
        return None
    return absolute(context, file.url)
