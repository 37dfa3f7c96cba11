"""The OpenAPI schema says exactly what the views do: who may call, what input passes."""

from __future__ import annotations

from typing import Any, Literal

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

PUBLIC = "public"
URI_TOO_LONG = (
    "The request line is longer than the web server takes (gunicorn's limit_request_line); "
    "the answer comes from the web server, not in the API's error shape."
)

# Anyone may call the operation; a token or session only widens what it shows.
ANONYMOUS: dict[str, list[str]] = {}

# DRF refuses text with a NUL character, and trims text and then refuses it if nothing is
# left, so text that must not be blank needs one character that is not whitespace (re's \s
# is the same set as str.strip()'s).
NO_NUL = r"^[^\x00]*$"
NOT_BLANK = r"^[^\x00]*[^\s\x00][^\x00]*$"


class ApiAutoSchema(AutoSchema):
    def get_auth(self) -> list[dict[str, list[str]]]:
        auths = super().get_auth()
        required = getattr(self.view, "perms", {}).get(self.method.upper())
        if required == PUBLIC and ANONYMOUS not in auths:
            auths.append(ANONYMOUS)
        return auths

    def _map_serializer_field(self, field: Any, direction: str, bypass_extensions: bool = False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if direction == "request":
            schema = request_string(field, schema)
        if getattr(field, "unique_items", False):
            schema = {**schema, "uniqueItems": True}
        return schema

    def _map_basic_serializer(self, serializer: Any, direction: str) -> dict[str, Any]:
        schema = super()._map_basic_serializer(serializer, direction)
        # `one_of_required = [["a"], ["b"]]`: exactly one of the alternatives is given.
        alternatives = getattr(serializer, "one_of_required", None)
        if alternatives:
            schema["oneOf"] = [{"required": list(names)} for names in alternatives]
        return schema

    def _get_response_bodies(
        self, direction: Literal["request", "response"] = "response"
    ) -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        responses.setdefault("414", {"description": URI_TOO_LONG})
        return responses

    def _get_filter_parameters(self) -> list[dict[str, Any]]:
        return [query_string(parameter) for parameter in super()._get_filter_parameters()]

    def _get_request_for_media_type(self, serializer: Any, direction: str = "request"):
        schema, required = super()._get_request_for_media_type(serializer, direction)
        return schema, required or bool(getattr(serializer, "one_of_required", None))


def request_string(field: Any, schema: dict[str, Any]) -> dict[str, Any]:
    """Text input that may not be blank says so: at least one character, not all whitespace."""
    if not isinstance(field, serializers.CharField) or schema.get("type") != "string":
        return schema
    if "enum" in schema:
        return schema
    if field.allow_blank:
        if "pattern" not in schema and "format" not in schema:
            schema = {**schema, "pattern": NO_NUL}
        return schema
    schema = {**schema, "minLength": max(1, schema.get("minLength", 0))}
    if "pattern" not in schema and "format" not in schema:
        schema["pattern"] = NOT_BLANK if field.trim_whitespace else NO_NUL
    return schema


def query_string(parameter: dict[str, Any]) -> dict[str, Any]:
    """A filter given as `?name=` is no filter at all: say that an empty value is accepted."""
    schema = parameter.get("schema", {})
    # The input boundary refuses a NUL in any query parameter, `ordering` included.
    if schema.get("type") != "string":
        return parameter
    if not ({"format", "enum", "pattern"} & set(schema)):
        return {**parameter, "schema": {**schema, "pattern": NO_NUL}}
    if "pattern" in schema:
        return parameter
    return {**parameter, "schema": {"oneOf": [schema, {"type": "string", "maxLength": 0}]}}
