"""One JSON shape for every API error: {"error": {"code", "message", "fields"}}."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class Conflict(exceptions.APIException):
    """The request is valid but the resource's state forbids it (e.g. a published issue)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The resource's current state does not allow this.")
    default_code = "conflict"


class PreconditionFailed(exceptions.APIException):
    """`If-Match` names a version of the issue that is no longer current."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("The issue has changed since you read it: GET it again and redo the change.")
    default_code = "precondition_failed"


class BadRequest(exceptions.APIException):
    """Input that is well-formed but cannot be used, with a reason."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("Invalid request.")
    default_code = "invalid"


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, with every error body reshaped into the API's error object."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_django_errors(exc))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    response.data = {"error": error_body(exc, response.data)}
    return response


def error_body(exc: Exception, data: Any) -> dict[str, Any]:
    if isinstance(exc, exceptions.ValidationError):
        fields, messages = _split_validation(data)
        message = "; ".join(messages) if messages else str(_("Invalid input."))
        return {"code": "invalid", "message": message, "fields": fields}
    code = "error"
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else exc.default_code
    message = data.get("detail", data) if isinstance(data, dict) else data
    return {"code": str(code), "message": str(message), "fields": {}}


def _split_validation(data: Any) -> tuple[dict[str, list[str]], list[str]]:
    """Field errors keyed by field path, and the errors that belong to no field."""
    fields: dict[str, list[str]] = {}
    messages: list[str] = []
    if isinstance(data, dict):
        for name, value in data.items():
            if name in ("non_field_errors", "detail"):
                messages.extend(_flatten(value))
            else:
                _collect(fields, str(name), value)
    else:
        messages.extend(_flatten(data))
    return fields, messages


def _collect(fields: dict[str, list[str]], path: str, value: Any) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _collect(fields, f"{path}.{key}", inner)
    elif isinstance(value, list) and any(isinstance(v, dict | list) for v in value):
        for index, inner in enumerate(value):
            if inner:
                _collect(fields, f"{path}.{index}", inner)
    else:
        fields[path] = _flatten(value)


def _flatten(value: Any) -> list[str]:
    if isinstance(value, list):
        return [message for item in value for message in _flatten(item)]
    if isinstance(value, dict):
        return [message for item in value.values() for message in _flatten(item)]
    return [str(value)]


def _django_errors(exc: DjangoValidationError) -> Any:
    if hasattr(exc, "error_dict"):
        return {
            name: [str(m) for e in errors for m in e.messages]
            for name, errors in exc.error_dict.items()
        }
    return exc.messages
