"""Input fields that take only the JSON types the schema names."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

NOT_TEXT = _("Not a valid string.")


class StrictTextMixin:
    """DRF's text fields turn 0 into "0"; a JSON number where text is due is an error."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            raise serializers.ValidationError(NOT_TEXT, code="invalid")
        return super().to_internal_value(data)  # type: ignore[misc]


class Text(StrictTextMixin, serializers.CharField):
    pass


class Url(StrictTextMixin, serializers.URLField):
    pass


class Slug(StrictTextMixin, serializers.SlugField):
    pass


class SlugReference(serializers.SlugRelatedField):
    """An object named by its slug; text that no slug can be is refused before any query.

    PostgreSQL cannot even compare text holding NUL, so such input must not reach it.
    """

    def run_validation(self, data: Any = serializers.empty) -> Any:
        # DRF reads "" as null for relations; the schema says null is how to send none.
        if data == "":
            self.fail("does_not_exist", slug_name=self.slug_field, value="")
        return super().run_validation(data)

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str) or "\x00" in data or len(data) > 200:
            self.fail("does_not_exist", slug_name=self.slug_field, value=str(data)[:200])
        return super().to_internal_value(data)


class UniqueList(serializers.ListField):
    """A list whose items may each appear once; the schema says `uniqueItems`."""

    unique_items = True


class StrictModelSerializer(serializers.ModelSerializer):
    """A model serializer whose text and URL fields are strict about JSON types."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: Text,
        models.TextField: Text,
        models.URLField: Url,
        models.SlugField: Slug,
    }
