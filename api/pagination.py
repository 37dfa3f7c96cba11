"""Page-number pagination whose page and page size are checked, never silently clamped."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

from api.errors import BadRequest

MAX_PAGE = 10**6


class PageNumber(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(self, queryset, request: Request, view=None):
        self._check(request, self.page_query_param, MAX_PAGE)
        self._check(request, self.page_size_query_param, self.max_page_size)
        return super().paginate_queryset(queryset, request, view)

    def _check(self, request: Request, name: str, maximum: int) -> None:
        raw = request.query_params.get(name)
        if raw is None or (name == self.page_query_param and raw == "last"):
            return
        try:
            value = int(raw)
        except ValueError:
            raise BadRequest(
                _("{name} must be a whole number, not {value!r}").format(name=name, value=raw[:40])
            ) from None
        if not 1 <= value <= maximum:
            raise BadRequest(
                _("{name} must be between 1 and {maximum}").format(name=name, maximum=maximum)
            )

    def get_schema_operation_parameters(self, view) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.page_query_param: MAX_PAGE,
            self.page_size_query_param: self.max_page_size,
        }
        for parameter in parameters:
            parameter["schema"] = {
                "type": "integer",
                "minimum": 1,
                "maximum": bounds[parameter["name"]],
            }
        return parameters
